package dev.rill.ml.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelDescriptor.CalibrationBin;

/**
 * Metrics of a binary scorer over labelled rows: ROC AUC, precision and recall at a threshold,
 * log loss, the F1-maximising threshold and calibration bins.
 *
 * <p>Stateless static functions; any thread; they allocate (training-time code).
 */
public final class BinaryMetrics
{
    /** Upper bounds of the calibration bins; scores are mostly small, so the low bins are narrow. */
    private static final double[] CALIBRATION_EDGES = {0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

    private BinaryMetrics()
    {
    }

    /**
     * @return the probability that a random positive scores above a random negative (ties count
     * half), computed from ranks; NaN when a class is absent.
     */
    public static double auc(final double[] scores, final boolean[] positive)
    {
        final int n = scores.length;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n)
        {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }
            final double averageRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++)
            {
                if (positive[order[k]])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        final long negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /** @return precision of {@code score >= threshold}; 0 when nothing passes it. */
    public static double precision(final double[] scores, final boolean[] positive, final double threshold)
    {
        long flagged = 0;
        long truePositives = 0;
        for (int i = 0; i < scores.length; i++)
        {
            if (scores[i] >= threshold)
            {
                flagged++;
                truePositives += positive[i] ? 1 : 0;
            }
        }
        return flagged == 0 ? 0.0 : (double)truePositives / flagged;
    }

    /** @return recall of {@code score >= threshold}; 0 when there are no positives. */
    public static double recall(final double[] scores, final boolean[] positive, final double threshold)
    {
        long positives = 0;
        long truePositives = 0;
        for (int i = 0; i < scores.length; i++)
        {
            if (positive[i])
            {
                positives++;
                truePositives += scores[i] >= threshold ? 1 : 0;
            }
        }
        return positives == 0 ? 0.0 : (double)truePositives / positives;
    }

    /** @return mean negative log likelihood of the true class, probabilities clipped to [1e-15, 1 - 1e-15]. */
    public static double logLoss(final double[] scores, final boolean[] positive)
    {
        double sum = 0;
        for (int i = 0; i < scores.length; i++)
        {
            final double p = Math.min(1 - 1e-15, Math.max(1e-15, scores[i]));
            sum -= positive[i] ? Math.log(p) : Math.log(1 - p);
        }
        return sum / scores.length;
    }

    /** @return share of positive rows. */
    public static double baseRate(final boolean[] positive)
    {
        long positives = 0;
        for (final boolean p : positive)
        {
            positives += p ? 1 : 0;
        }
        return (double)positives / positive.length;
    }

    /** @return the score threshold that maximises F1 of {@code score >= threshold}. */
    public static double maxF1Threshold(final double[] scores, final boolean[] positive)
    {
        final int n = scores.length;
        final Integer[] order = new Integer[n];
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            positives += positive[i] ? 1 : 0;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        double bestF1 = -1;
        double bestThreshold = 0.5;
        long truePositives = 0;
        for (int k = 0; k < n; k++)
        {
            truePositives += positive[order[k]] ? 1 : 0;
            // only cut between distinct scores: every row with this score is flagged together
            if (k + 1 < n && scores[order[k + 1]] == scores[order[k]])
            {
                continue;
            }
            final double f1 = 2.0 * truePositives / (k + 1 + positives);
            if (f1 > bestF1)
            {
                bestF1 = f1;
                bestThreshold = scores[order[k]];
            }
        }
        return bestThreshold;
    }

    /** @return calibration bins with at least one row. */
    public static List<CalibrationBin> calibration(final double[] scores, final boolean[] positive)
    {
        final List<CalibrationBin> bins = new ArrayList<>();
        for (int b = 0; b + 1 < CALIBRATION_EDGES.length; b++)
        {
            final double from = CALIBRATION_EDGES[b];
            final double to = CALIBRATION_EDGES[b + 1];
            final boolean last = b + 2 == CALIBRATION_EDGES.length;
            long rows = 0;
            long positives = 0;
            double sum = 0;
            for (int i = 0; i < scores.length; i++)
            {
                if (scores[i] >= from && (scores[i] < to || (last && scores[i] <= to)))
                {
                    rows++;
                    positives += positive[i] ? 1 : 0;
                    sum += scores[i];
                }
            }
            if (rows > 0)
            {
                bins.add(new CalibrationBin(from, to, rows, round(sum / rows), round((double)positives / rows)));
            }
        }
        return bins;
    }

    /**
     * Every metric model.json records for held-out rows, each rounded with {@link #round}.
     *
     * @param scores    the model's scores.
     * @param positive  the rows' labels.
     * @param threshold decision threshold for precision and recall.
     * @return AUC, precision and recall at the threshold, log loss, base rate, row count and
     * calibration bins.
     */
    public static ModelDescriptor.Evaluation evaluation(final double[] scores, final boolean[] positive, final double threshold)
    {
        return new ModelDescriptor.Evaluation(
            round(auc(scores, positive)),
            round(precision(scores, positive, threshold)),
            round(recall(scores, positive, threshold)),
            round(logLoss(scores, positive)),
            round(baseRate(positive)),
            scores.length,
            calibration(scores, positive));
    }

    /** @return the value rounded to 6 decimals, for readable model.json files; NaN and infinities as they are. */
    public static double round(final double value)
    {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
    }
}
