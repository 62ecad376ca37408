package dev.rill.ops.train;

import java.util.Locale;

import dev.rill.bus.ErrorCode;

/**
 * The training and held-out ranges of journal "in" indexes, each [from, to), the held-out range
 * at or after the end of the training range (a model is judged on events later than those it
 * learnt from, as it will be used).
 *
 * <p>Immutable; any thread.
 *
 * @param trainFrom first training index, inclusive.
 * @param trainTo   end of the training range, exclusive.
 * @param evalFrom  first held-out index, inclusive.
 * @param evalTo    end of the held-out range, exclusive.
 */
public record TrainingRanges(long trainFrom, long trainTo, long evalFrom, long evalTo)
{
    /** Default share of the labelled events held out for evaluation. */
    public static final double DEFAULT_EVAL_FRACTION = 0.25;

    /**
     * Resolves the ranges from the options given (null for an option not given) and the labelled
     * events found.
     *
     * <ul>
     *   <li>{@code trainFrom} defaults to the first labelled event's index, {@code evalTo} to one
     *       past the last one's.</li>
     *   <li>{@code trainTo} defaults to {@code evalFrom} and the other way round.</li>
     *   <li>When neither is given, the labelled events in [trainFrom, evalTo) are split by count:
     *       the first {@code 1 - evalFraction} train, the rest are held out, and both ranges meet
     *       at the first held-out event's index.</li>
     * </ul>
     *
     * @throws TrainingDataException (USAGE) for reversed, empty or overlapping ranges, or a split
     *                               that leaves either side without labelled events.
     */
    public static TrainingRanges resolve(
        final LabelledEvents events,
        final Long trainFrom,
        final Long trainTo,
        final Long evalFrom,
        final Long evalTo,
        final double evalFraction)
    {
        if (!(evalFraction > 0.0 && evalFraction < 1.0))
        {
            throw new TrainingDataException(ErrorCode.USAGE, "--eval-fraction must be between 0 and 1 (exclusive), found " +
                evalFraction);
        }
        if (events.size() == 0)
        {
            throw new TrainingDataException(ErrorCode.USAGE, "no labelled " + events.topic().name() + " events in journal in " +
                "(" + events.journal() + (trainFrom == null ? "" : " from index " + trainFrom) + "): " + found(events) +
                "; send labels (" + describe(events.labels()) + ") or check --label-topic/--label-field and --data-dir");
        }
        final long from = trainFrom != null ? trainFrom : events.indexes()[0];
        final long to = evalTo != null ? evalTo : events.indexes()[events.size() - 1] + 1;
        long tTo;
        long eFrom;
        if (trainTo == null && evalFrom == null)
        {
            final int first = LabelledEvents.firstAtOrAfter(events.indexes(), from);
            final int end = LabelledEvents.firstAtOrAfter(events.indexes(), to);
            final int n = end - first;
            final int held = (int)Math.round(n * evalFraction);
            if (n < 2 || held < 1 || held >= n)
            {
                throw new TrainingDataException(ErrorCode.USAGE, n + " labelled events " + LabelledEvents.range(from, to) +
                    " cannot be split " + Math.round((1 - evalFraction) * 100) + "/" + Math.round(evalFraction * 100) +
                    " into a training and a held-out range; label more events or widen the range");
            }
            tTo = events.indexes()[end - held];
            eFrom = tTo;
        }
        else
        {
            tTo = trainTo != null ? trainTo : evalFrom;
            eFrom = evalFrom != null ? evalFrom : trainTo;
        }
        final TrainingRanges ranges = new TrainingRanges(from, tTo, eFrom, to);
        ranges.check();
        return ranges;
    }

    /** @throws TrainingDataException (USAGE) when a range is empty or reversed, or they overlap. */
    public void check()
    {
        if (trainFrom >= trainTo)
        {
            throw new TrainingDataException(ErrorCode.USAGE, "the training range " + LabelledEvents.range(trainFrom, trainTo) +
                " is " + (trainFrom == trainTo ? "empty" : "reversed") + ": --train-from must be below --train-to");
        }
        if (evalFrom >= evalTo)
        {
            throw new TrainingDataException(ErrorCode.USAGE, "the held-out range " + LabelledEvents.range(evalFrom, evalTo) +
                " is " + (evalFrom == evalTo ? "empty" : "reversed") + ": --eval-from must be below --eval-to");
        }
        if (evalFrom < trainTo)
        {
            throw new TrainingDataException(ErrorCode.USAGE, "the held-out range " + LabelledEvents.range(evalFrom, evalTo) +
                (evalTo > trainFrom ? " overlaps" : " comes before") + " the training range " +
                LabelledEvents.range(trainFrom, trainTo) + ": the held-out range must start at or after the end of the " +
                "training range (--eval-from >= --train-to), so the model is judged on later events than it learnt from");
        }
    }

    /** @return "training in [a, b), held out in [c, d)". */
    @Override
    public String toString()
    {
        return "training " + LabelledEvents.range(trainFrom, trainTo) + ", held out " + LabelledEvents.range(evalFrom, evalTo);
    }

    private static String found(final LabelledEvents events)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,d records read, %,d %s events without a valid label",
            events.records(), events.unlabelled().length, events.topic().name()));
        if (events.labels().isTopic())
        {
            sb.append(String.format(Locale.ROOT, ", %,d %s events", events.labelEvents(), events.labels().name()));
        }
        return sb.toString();
    }

    private static String describe(final LabelSource labels)
    {
        return labels.isTopic() ? "events of topic " + labels.name() + " with [producer_id, seq, 0/1]" :
            "0/1 in field " + labels.name();
    }
}
