package dev.rill.ops.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.journal.JournalConfig;
import org.HdrHistogram.Histogram;
import org.agrona.collections.LongHashSet;

/**
 * {@code rill replay diff}: compares the replayed Results of an output with the original Results
 * of the same events in journal "out", matched by in index.
 *
 * <p>Both are in "in" order (the pipeline publishes in that order; corrections, which are not, are
 * passed over), so one pass over each matches them, holding only the changed keys and the flipped
 * originals in memory. A decision is positive when the score is at or above the threshold (as
 * the shadow comparison counts it); a flip is a Result whose decision the replay reverses.
 * |score delta| quantiles come from an HdrHistogram of nanounits (3 significant digits; the mean
 * and the maximum are exact).
 *
 * <p>Runs on the caller's thread; reads "out" through its own Chronicle reader, beside a server.
 */
public final class ReplayDiff
{
    /** Default number of keys listed. */
    public static final int DEFAULT_TOP = 10;
    private static final double UNITS = 1e9;

    private ReplayDiff()
    {
    }

    /**
     * One key among the changed Results.
     *
     * @param key         the event key.
     * @param changed     Results of the key whose score changed.
     * @param flips       of them, decisions reversed.
     * @param maxAbsDelta the largest |score delta| of the key.
     */
    public record KeyChange(long key, long changed, long flips, double maxAbsDelta)
    {
    }

    /**
     * What the comparison found.
     *
     * @param output             the output's name.
     * @param manifest           what it holds.
     * @param threshold          the decision threshold used.
     * @param thresholdSource    where it came from.
     * @param replayed           replayed Results read.
     * @param matched            of them, with an original in "out".
     * @param missing            without one (not published yet, or removed by retention of "out").
     * @param identical          matched, with the same score bit for bit.
     * @param changed            matched, with another score.
     * @param meanAbsDelta       mean |replayed - original| over the matched ones.
     * @param p50AbsDelta        median |delta|.
     * @param p99AbsDelta        99th percentile of |delta|.
     * @param maxAbsDelta        largest |delta|.
     * @param maxDeltaInIndex    the in index of the event with the largest |delta|, -1 when none changed.
     * @param positiveToNegative flips from at/above the threshold to below it.
     * @param negativeToPositive flips from below the threshold to at/above it.
     * @param alreadyCorrected   flipped originals that already have a correction from this output's model version.
     * @param originalModels     matched originals by the model (name/version) that scored them.
     * @param topKeys            the keys with most flips, then most changed Results.
     */
    public record Report(
        String output, ReplayManifest manifest, double threshold, String thresholdSource, long replayed, long matched, long missing,
        long identical, long changed, double meanAbsDelta, double p50AbsDelta, double p99AbsDelta, double maxAbsDelta,
        long maxDeltaInIndex, long positiveToNegative, long negativeToPositive, long alreadyCorrected,
        Map<String, Long> originalModels, List<KeyChange> topKeys)
    {
        /** @return decisions flipped either way. */
        public long flipped()
        {
            return positiveToNegative + negativeToPositive;
        }

        /** @return the report as a table for a terminal. */
        public String text()
        {
            final StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "rill replay diff: output '%s' (%s over in [%d, %d], topic %s) against journal out%n",
                output, manifest.modelLabel(), manifest.fromIndex(), manifest.toIndex(), manifest.topic()));
            row(s, "replayed", "%,d Results", replayed);
            row(s, "matched", "%,d (original Result found in out by in index)", matched);
            row(s, "missing", "%,d (no original in out: not published yet, or removed by retention)", missing);
            row(s, "identical", "%,d (same score, bit for bit)", identical);
            row(s, "changed", "%,d", changed);
            row(s, "|delta|", "mean %.6f  p50 %.6f  p99 %.6f  max %.6f%s", meanAbsDelta, p50AbsDelta, p99AbsDelta, maxAbsDelta,
                maxDeltaInIndex < 0 ? "" : " (in index " + maxDeltaInIndex + ")");
            row(s, "threshold", "%.6f (%s); positive = score at or above it", threshold, thresholdSource);
            row(s, "flipped", "%,d: %,d positive -> negative, %,d negative -> positive", flipped(), positiveToNegative,
                negativeToPositive);
            row(s, "corrected", "%,d of the flipped already have a correction by %s in out", alreadyCorrected, manifest.modelLabel());
            final StringBuilder models = new StringBuilder();
            originalModels.forEach((m, n) -> models.append(models.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                "%s %,d", m, n)));
            row(s, "originals", "%s", models.length() == 0 ? "-" : "scored by " + models);
            if (!topKeys.isEmpty())
            {
                s.append(String.format(Locale.ROOT, "top changed keys (most flips, then most changed Results)%n"));
                s.append(String.format(Locale.ROOT, "  %20s %10s %8s %12s%n", "key", "changed", "flips", "max |delta|"));
                for (final KeyChange k : topKeys)
                {
                    s.append(String.format(Locale.ROOT, "  %20d %,10d %,8d %12.6f%n", k.key(), k.changed(), k.flips(), k.maxAbsDelta()));
                }
            }
            return s.toString();
        }

        /** @return the report as one JSON object. */
        public ObjectNode json()
        {
            final ObjectNode o = ReplayOutput.JSON.createObjectNode().put("output", output).put("model", manifest.modelLabel())
                .put("topic", manifest.topic()).put("fromIndex", manifest.fromIndex()).put("toIndex", manifest.toIndex())
                .put("threshold", threshold).put("thresholdSource", thresholdSource).put("replayed", replayed)
                .put("matched", matched).put("missing", missing).put("identical", identical).put("changed", changed);
            o.putObject("absDelta").put("mean", meanAbsDelta).put("p50", p50AbsDelta).put("p99", p99AbsDelta)
                .put("max", maxAbsDelta).put("maxInIndex", maxDeltaInIndex);
            o.putObject("flipped").put("total", flipped()).put("positiveToNegative", positiveToNegative)
                .put("negativeToPositive", negativeToPositive);
            o.put("alreadyCorrected", alreadyCorrected);
            final ObjectNode models = o.putObject("originalModels");
            originalModels.forEach(models::put);
            final ArrayNode keys = o.putArray("topKeys");
            for (final KeyChange k : topKeys)
            {
                keys.addObject().put("key", k.key()).put("changed", k.changed()).put("flips", k.flips())
                    .put("maxAbsDelta", k.maxAbsDelta());
            }
            return o;
        }

        private static void row(final StringBuilder s, final String label, final String format, final Object... args)
        {
            s.append(String.format(Locale.ROOT, "  %-11s %s%n", label, String.format(Locale.ROOT, format, args)));
        }
    }

    /** A replayed Result and the original it was matched with. */
    interface MatchListener
    {
        /**
         * @param replayed the replayed Result (valid during the call).
         * @param original the cursor on its original in "out" (valid during the call).
         * @param flipped  true when the replay reverses the original's decision.
         */
        void onMatch(ReplayedResult replayed, OutResults original, boolean flipped);
    }

    /**
     * Compares an output with "out".
     *
     * @param threshold the decision threshold, NaN for the output model's own (model.json).
     * @param top       how many keys to list.
     */
    public static Report compare(final JournalConfig journal, final ReplayOutput output, final double threshold, final int top)
    {
        final ReplayManifest manifest = output.readManifest();
        final double t = Double.isNaN(threshold) ? manifest.threshold() : threshold;
        final String source = Double.isNaN(threshold) ? "model.json of " + manifest.modelLabel() : "--threshold";
        final Counts counts = new Counts(t);
        final LongHashSet flippedOriginals = new LongHashSet();
        final long[] corrected = {0};
        final OutResults.Corrections listener = (outIndex, correctsOutIndex, inIndex, modelName, modelVersion) ->
        {
            if (flippedOriginals.contains(correctsOutIndex) && modelName.equals(manifest.model()) &&
                modelVersion == manifest.modelVersion())
            {
                corrected[0]++;
            }
        };
        try (OutResults out = OutResults.open(journal, listener); ReplayCursor replayed = ReplayCursor.open(output, manifest))
        {
            match(replayed, out, t, counts, (r, original, flipped) ->
            {
                counts.matched(r, original, flipped);
                if (flipped)
                {
                    flippedOriginals.add(original.outIndex());
                }
            });
            out.drain(); // corrections of the flipped originals come after them
        }
        return counts.report(output.name(), manifest, source, corrected[0], top);
    }

    /**
     * Matches each replayed Result with its original by in index, both in "in" order.
     *
     * @param counts receives each replayed Result ({@link Counts#replayed}) and each without an original.
     * @return replayed Results read.
     */
    static long match(
        final ReplayCursor replayed, final OutResults out, final double threshold, final Counts counts, final MatchListener listener)
    {
        boolean haveOriginal = out.next();
        long read = 0;
        while (replayed.next())
        {
            final ReplayedResult r = replayed.current();
            read++;
            if (counts != null)
            {
                counts.replayed++;
            }
            while (haveOriginal && out.inIndex() < r.inIndex())
            {
                haveOriginal = out.next();
            }
            if (haveOriginal && out.inIndex() == r.inIndex())
            {
                listener.onMatch(r, out, (out.score() >= threshold) != (r.score() >= threshold));
                haveOriginal = out.next();
            }
            else if (counts != null)
            {
                counts.missing++;
            }
        }
        return read;
    }

    /** Running figures of a comparison. */
    static final class Counts
    {
        private final double threshold;
        private final Histogram deltas = new Histogram((long)UNITS, 3);
        private final Map<Long, long[]> keys = new HashMap<>(); // key -> changed, flips, max |delta| bits
        private final Map<String, Long> models = new TreeMap<>();
        long replayed;
        long matched;
        long missing;
        long identical;
        long changed;
        double sumAbsDelta;
        double maxAbsDelta;
        long maxDeltaInIndex = -1;
        long positiveToNegative;
        long negativeToPositive;

        Counts(final double threshold)
        {
            this.threshold = threshold;
        }

        void matched(final ReplayedResult r, final OutResults original, final boolean flipped)
        {
            matched++;
            models.merge(original.modelVersion() == 0 ? "unscored" : original.modelName() + "/" + original.modelVersion(), 1L,
                Long::sum);
            final double delta = Math.abs(r.score() - original.score());
            if (Double.doubleToLongBits(r.score()) == Double.doubleToLongBits(original.score()))
            {
                identical++;
            }
            else
            {
                changed++;
                final long[] k = keys.computeIfAbsent(r.key(), x -> new long[3]);
                k[0]++;
                k[1] += flipped ? 1 : 0;
                k[2] = Double.doubleToLongBits(Math.max(Double.longBitsToDouble(k[2]), Double.isNaN(delta) ? 1 : delta));
            }
            if (!Double.isNaN(delta))
            {
                sumAbsDelta += delta;
                deltas.recordValue(Math.min((long)UNITS, Math.round(delta * UNITS)));
                if (delta > maxAbsDelta)
                {
                    maxAbsDelta = delta;
                    maxDeltaInIndex = r.inIndex();
                }
            }
            if (flipped)
            {
                if (original.score() >= threshold)
                {
                    positiveToNegative++;
                }
                else
                {
                    negativeToPositive++;
                }
            }
        }

        Report report(final String output, final ReplayManifest manifest, final String source, final long corrected, final int top)
        {
            final List<KeyChange> changes = new ArrayList<>(keys.size());
            keys.forEach((key, k) -> changes.add(new KeyChange(key, k[0], k[1], Double.longBitsToDouble(k[2]))));
            changes.sort(Comparator.comparingLong(KeyChange::flips).thenComparingLong(KeyChange::changed)
                .thenComparingDouble(KeyChange::maxAbsDelta).reversed().thenComparingLong(KeyChange::key));
            final long n = deltas.getTotalCount();
            return new Report(output, manifest, threshold, source, replayed, matched, missing, identical, changed,
                n == 0 ? 0 : sumAbsDelta / n, n == 0 ? 0 : deltas.getValueAtPercentile(50) / UNITS,
                n == 0 ? 0 : deltas.getValueAtPercentile(99) / UNITS, maxAbsDelta, maxDeltaInIndex, positiveToNegative,
                negativeToPositive, corrected, models, List.copyOf(changes.subList(0, Math.min(top, changes.size()))));
        }
    }
}
