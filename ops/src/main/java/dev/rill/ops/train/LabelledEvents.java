package dev.rill.ops.train;

import java.util.Arrays;

import dev.rill.bus.TopicSchema;
import dev.rill.ml.train.LabelledRows;

/**
 * The labelled events of a scored topic read from journal "in", in index order, with what was
 * left out: events without a valid label, and label events that were not labels.
 *
 * <p>Immutable by convention (the arrays are not copied); any thread.
 *
 * @param topic          the scored topic.
 * @param journal        the journal directory read.
 * @param labels         where the labels came from.
 * @param indexes        "in" index of each labelled event, ascending.
 * @param fields         field values of each labelled event.
 * @param positive       each labelled event's label.
 * @param unlabelled     "in" indexes of the scored topic's events without a valid label, ascending.
 * @param records        journal records read.
 * @param labelEvents    label topic events read (0 for a field source).
 * @param invalidLabels  label values other than 0 and 1, and label events whose producer id or seq
 *                       is not a whole number.
 */
public record LabelledEvents(
    TopicSchema topic,
    String journal,
    LabelSource labels,
    long[] indexes,
    double[][] fields,
    boolean[] positive,
    long[] unlabelled,
    long records,
    long labelEvents,
    long invalidLabels)
{
    /** @return number of labelled events. */
    public int size()
    {
        return indexes.length;
    }

    /** @return the labelled events with an index in [from, to), described as "in [from, to)". */
    public LabelledRows rows(final long from, final long to)
    {
        final int a = firstAtOrAfter(indexes, from);
        final int b = Math.max(a, firstAtOrAfter(indexes, to));
        return new LabelledRows(topic, Arrays.copyOfRange(fields, a, b), Arrays.copyOfRange(positive, a, b), range(from, to));
    }

    /** @return number of labelled events with an index in [from, to). */
    public int countIn(final long from, final long to)
    {
        return Math.max(0, firstAtOrAfter(indexes, to) - firstAtOrAfter(indexes, from));
    }

    /** @return number of the scored topic's events without a label with an index in [from, to). */
    public long unlabelledIn(final long from, final long to)
    {
        return Math.max(0, firstAtOrAfter(unlabelled, to) - firstAtOrAfter(unlabelled, from));
    }

    /** @return "in [from, to)". */
    public static String range(final long from, final long to)
    {
        return "in [" + from + ", " + to + ")";
    }

    /** @return the position of the first value at or after {@code index} in an ascending array. */
    static int firstAtOrAfter(final long[] sorted, final long index)
    {
        int low = 0;
        int high = sorted.length;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (sorted[mid] < index)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
