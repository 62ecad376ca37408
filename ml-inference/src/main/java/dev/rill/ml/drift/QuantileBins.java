package dev.rill.ml.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.rill.ml.ModelDescriptor.Distribution;
import dev.rill.ml.ModelDescriptor.Distributions;

/**
 * Cuts one value's training rows into quantile bins and counts the share of rows in each: the
 * baseline a {@link DriftMonitor} compares live traffic with.
 *
 * <p>The cut points are the nearest-rank quantiles at 1/n, 2/n, ... (n-1)/n of the sorted values
 * (the smallest value with at least that share of rows at or below it), deduplicated, and without
 * the largest value: so a 0/1 feature gets the single edge 0 and two bins, a continuous one about
 * n bins of about 1/n each, and no bin is empty in training. Bins are closed above (see
 * {@link Distribution}).
 *
 * <p>Stateless static functions; any thread; they allocate (training-time code).
 */
public final class QuantileBins
{
    /** Bins per feature the trainers ask for. */
    public static final int DEFAULT_BINS = 10;

    private QuantileBins()
    {
    }

    /**
     * The training distributions of a model: every input feature and the score.
     *
     * @param featureNames the features' names, in the rows' column order.
     * @param rows         the training rows' feature values, one array per row.
     * @param scores       the model's score of each training row (as the float ONNX Runtime gives).
     * @param bins         quantile bins to aim for per value.
     * @return the distributions for model.json.
     */
    public static Distributions distributions(
        final List<String> featureNames, final float[][] rows, final float[] scores, final int bins)
    {
        if (rows.length != scores.length)
        {
            throw new IllegalArgumentException(rows.length + " rows but " + scores.length + " scores");
        }
        final List<Distribution> features = new ArrayList<>(featureNames.size());
        final float[] column = new float[rows.length];
        for (int f = 0; f < featureNames.size(); f++)
        {
            for (int r = 0; r < rows.length; r++)
            {
                column[r] = rows[r][f];
            }
            features.add(of(featureNames.get(f), column, bins));
        }
        return new Distributions(rows.length, features, of(Distributions.SCORE, scores, bins));
    }

    /**
     * @param name   the feature's name, or the score's.
     * @param values the training rows' values (not modified); at least one, none NaN.
     * @param bins   how many quantile bins to aim for, 2 or more.
     * @return the distribution, proportions rounded to 6 decimals.
     */
    public static Distribution of(final String name, final float[] values, final int bins)
    {
        if (values.length == 0)
        {
            throw new IllegalArgumentException("no training values of '" + name + "' to cut into bins");
        }
        if (bins < 2)
        {
            throw new IllegalArgumentException("bins must be 2 or more, found " + bins);
        }
        final float[] sorted = values.clone();
        Arrays.sort(sorted);
        if (Float.isNaN(sorted[sorted.length - 1]))
        {
            throw new IllegalArgumentException("training values of '" + name + "' contain NaN");
        }
        final int n = sorted.length;
        final double max = sorted[n - 1];
        final List<Double> edges = new ArrayList<>(bins - 1);
        for (int k = 1; k < bins; k++)
        {
            final int rank = (int)Math.ceil((double)k * n / bins);
            final double q = sorted[Math.max(0, rank - 1)];
            if (q < max && (edges.isEmpty() || q > edges.get(edges.size() - 1)))
            {
                edges.add(q);
            }
        }
        final long[] counts = new long[edges.size() + 1];
        final double[] edgeArray = edges.stream().mapToDouble(Double::doubleValue).toArray();
        for (final float v : values)
        {
            counts[binOf(edgeArray, v)]++;
        }
        final List<Double> proportions = new ArrayList<>(counts.length);
        for (final long c : counts)
        {
            proportions.add(Math.round((double)c / n * 1e6) / 1e6);
        }
        return new Distribution(name, edges, proportions);
    }

    /**
     * The bin of a value: the number of edges below it (binary search). NaN falls in the last bin.
     * Does not allocate.
     *
     * @param edges strictly increasing inclusive upper bounds.
     * @param value the value.
     * @return 0 to {@code edges.length}.
     */
    public static int binOf(final double[] edges, final double value)
    {
        int low = 0;
        int high = edges.length;
        // invariant: edges[< low] < value, and value <= edges[>= high] (or value is NaN)
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (value <= edges[mid])
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }
}
