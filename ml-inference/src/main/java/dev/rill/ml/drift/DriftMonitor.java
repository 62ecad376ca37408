package dev.rill.ml.drift;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelDescriptor.Distribution;
import dev.rill.ml.ModelDescriptor.Distributions;

/**
 * Counts live model inputs and scores into the bins of the model's training distributions
 * ({@code distributions} in model.json) and reports, per feature and for the score, the
 * population stability index against training:
 *
 * <pre>
 *   PSI = sum over bins i of (a_i - e_i) * ln(a_i / e_i)
 * </pre>
 *
 * where {@code e_i} is the training share of bin i and {@code a_i} the observed share. A share of
 * zero on either side is replaced by {@value #EMPTY_BIN_SHARE} (the logarithm would otherwise be
 * infinite), so a bin the training rows never reached contributes a large but finite amount.
 * {@link DriftLevel} gives the bands (below 0.1 stable, 0.1 to 0.25 moderate, above 0.25
 * significant).
 *
 * <p>Cost: per observed value one binary search over at most ~10 edges and one counter
 * increment; {@link #observeRow} and {@link #observe} do not allocate. A feature the model.json has
 * no distribution for is skipped (reported as {@link DriftLevel#NO_BASELINE}). A NaN feature counts
 * in its last bin; a NaN score is not counted.
 *
 * <p>Threading: one owner thread calls everything (typically the scoring stage's, at the end of a
 * batch, or a sampler's); it is not thread-safe. {@link #report()} allocates the report; hand the
 * report, not the monitor, to other threads.
 */
public final class DriftMonitor
{
    /** The share used for a bin with no rows, on the training or the observed side. */
    public static final double EMPTY_BIN_SHARE = 1e-4;

    private final String model;
    private final int featureCount;
    private final String[] names;
    private final double[][] edges;
    private final double[][] expected;
    private final long[][] counts;
    private final double[] scoreEdges;
    private final double[] scoreExpected;
    private final long[] scoreCounts;
    private long observed;
    private long scoresObserved;

    /**
     * @param descriptor the model whose inputs will be observed; its {@code distributions} (may be
     *                   absent) are the baseline.
     */
    public DriftMonitor(final ModelDescriptor descriptor)
    {
        model = descriptor.name() + "/" + descriptor.version();
        featureCount = descriptor.featureCount();
        names = new String[featureCount];
        edges = new double[featureCount][];
        expected = new double[featureCount][];
        counts = new long[featureCount][];
        final Distributions distributions = descriptor.distributions();
        for (int i = 0; i < featureCount; i++)
        {
            names[i] = descriptor.features().get(i).name();
            final Distribution d = distributions == null ? null : distributions.feature(names[i]);
            if (d != null)
            {
                edges[i] = toArray(d.edges());
                expected[i] = toArray(d.proportions());
                counts[i] = new long[d.binCount()];
            }
        }
        final Distribution score = distributions == null ? null : distributions.score();
        scoreEdges = score == null ? null : toArray(score.edges());
        scoreExpected = score == null ? null : toArray(score.proportions());
        scoreCounts = score == null ? null : new long[score.binCount()];
    }

    /** @return the model as {@code name/version}. */
    public String model()
    {
        return model;
    }

    /** @return input features per row. */
    public int featureCount()
    {
        return featureCount;
    }

    /** @return whether the model.json had any training distribution. */
    public boolean hasBaseline()
    {
        if (scoreEdges != null)
        {
            return true;
        }
        for (final double[] e : edges)
        {
            if (e != null)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Observes one row of model input and its score. Does not allocate.
     *
     * @param rows  row-major input rows, {@link #featureCount()} floats per row (absolute gets only).
     * @param row   the row.
     * @param score the model's score of the row; NaN when it has none (not counted).
     */
    public void observeRow(final FloatBuffer rows, final int row, final float score)
    {
        final int base = row * featureCount;
        for (int i = 0; i < featureCount; i++)
        {
            final double[] e = edges[i];
            if (e != null)
            {
                counts[i][QuantileBins.binOf(e, rows.get(base + i))]++;
            }
        }
        if (scoreEdges != null && !Float.isNaN(score))
        {
            scoreCounts[QuantileBins.binOf(scoreEdges, score)]++;
            scoresObserved++;
        }
        observed++;
    }

    /**
     * Observes a batch: rows 0 to {@code rowCount - 1} and their scores. Does not allocate.
     *
     * @param rows         row-major input rows.
     * @param rowCount     rows to observe.
     * @param featureCount floats per row; must be {@link #featureCount()}.
     * @param scores       the scores of the rows, at least {@code rowCount}.
     */
    public void observe(final FloatBuffer rows, final int rowCount, final int featureCount, final float[] scores)
    {
        if (featureCount != this.featureCount)
        {
            throw new IllegalArgumentException("model " + model + " has " + this.featureCount + " features, rows have " +
                featureCount + "; observe the rows of this model only");
        }
        for (int r = 0; r < rowCount; r++)
        {
            observeRow(rows, r, scores[r]);
        }
    }

    /** @return rows observed since construction or the last {@link #reset()}. */
    public long observed()
    {
        return observed;
    }

    /** Forgets every observation. */
    public void reset()
    {
        for (final long[] c : counts)
        {
            if (c != null)
            {
                Arrays.fill(c, 0);
            }
        }
        if (scoreCounts != null)
        {
            Arrays.fill(scoreCounts, 0);
        }
        observed = 0;
        scoresObserved = 0;
    }

    /**
     * @param feature the feature's input column.
     * @return the feature's PSI; NaN without a training distribution or an observation.
     */
    public double psi(final int feature)
    {
        return expected[feature] == null ? Double.NaN : psi(counts[feature], observed, expected[feature]);
    }

    /** @return the score's PSI; NaN without a training distribution or an observed score. */
    public double scorePsi()
    {
        return scoreExpected == null ? Double.NaN : psi(scoreCounts, scoresObserved, scoreExpected);
    }

    /** @return an immutable snapshot of every feature's and the score's PSI and band. */
    public DriftReport report()
    {
        final List<DriftReport.Entry> entries = new ArrayList<>(featureCount);
        for (int i = 0; i < featureCount; i++)
        {
            entries.add(entry(names[i], expected[i] != null, psi(i)));
        }
        return new DriftReport(model, observed, entries, entry(Distributions.SCORE, scoreExpected != null, scorePsi()));
    }

    private static DriftReport.Entry entry(final String name, final boolean hasBaseline, final double psi)
    {
        return new DriftReport.Entry(name, psi, hasBaseline ? DriftLevel.of(psi) : DriftLevel.NO_BASELINE);
    }

    private static double psi(final long[] counts, final long total, final double[] expected)
    {
        if (total == 0)
        {
            return Double.NaN;
        }
        double psi = 0;
        for (int i = 0; i < counts.length; i++)
        {
            final double a = Math.max((double)counts[i] / total, EMPTY_BIN_SHARE);
            final double e = Math.max(expected[i], EMPTY_BIN_SHARE);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    private static double[] toArray(final List<Double> values)
    {
        final double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = values.get(i);
        }
        return out;
    }
}
