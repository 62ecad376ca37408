package dev.rill.ml.train;

import java.nio.file.Path;
import java.util.Locale;

import ai.onnxruntime.OrtException;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.OnnxScorer;

/**
 * Decides whether a candidate model version may replace the active one: both score the same
 * labelled rows, each through its own {@code model.json} (its features, its extractor) and its
 * own {@code model.onnx}, and both get the metrics model.json records ({@link BinaryMetrics}; each
 * at its own threshold).
 *
 * <p><b>The rule.</b> The candidate passes when its ROC AUC on the rows is higher than the active
 * model's by more than {@value #MIN_AUC_GAIN}:
 * {@code candidateAuc > activeAuc + MIN_AUC_GAIN}. AUC is the metric because it does not depend on
 * the threshold (each model picks its own) and ranks payments as an analyst's queue does. The
 * margin keeps a retrain that is only different, not better, out: two fits of the same data
 * differ in the third decimal by chance, and a deploy is a risk worth taking for a real gain
 * only. Anything else is refused: an equal or lower AUC, rows holding one class only (AUC is
 * undefined) and no rows at all.
 *
 * <p>Stateless; any thread. Opens an ONNX Runtime session per model per call, scores in batches
 * of {@value #BATCH}, and allocates (a tool, not the hot path).
 */
public final class DeploymentGate
{
    /** The candidate's AUC must exceed the active model's by more than this. */
    public static final double MIN_AUC_GAIN = 0.001;

    private static final int BATCH = 256;

    /**
     * The gate's answer.
     *
     * @param passed           whether the candidate may be deployed.
     * @param reason           one line saying why, naming both models, their AUCs and the rows.
     * @param candidate        the candidate as {@code name/version}.
     * @param active           the active model as {@code name/version}.
     * @param candidateMetrics the candidate's metrics on the rows (at its own threshold).
     * @param activeMetrics    the active model's metrics on the rows (at its own threshold).
     * @param rows             where the rows came from ("in [1200, 1600)").
     * @param rowCount         labelled rows scored.
     */
    public record Verdict(
        boolean passed,
        String reason,
        String candidate,
        String active,
        ModelDescriptor.Evaluation candidateMetrics,
        ModelDescriptor.Evaluation activeMetrics,
        String rows,
        int rowCount)
    {
        @Override
        public String toString()
        {
            return (passed ? "PASSED: " : "REFUSED: ") + reason;
        }
    }

    private DeploymentGate()
    {
    }

    /**
     * Scores the rows with both models and applies the rule.
     *
     * @param rows         labelled rows of the topic both models score.
     * @param candidateDir the candidate's version directory.
     * @param activeDir    the active version's directory.
     * @return the verdict; never null.
     * @throws ModelLoadException when a model does not load or needs a field the rows lack.
     * @throws OrtException       when ONNX Runtime fails.
     */
    public static Verdict compare(final LabelledRows rows, final Path candidateDir, final Path activeDir) throws OrtException
    {
        final Scored candidate = score(rows, candidateDir);
        final Scored active = score(rows, activeDir);
        final String on = String.format(Locale.ROOT, "on %s (%d labelled events, %d positive)", rows.description(), rows.size(),
            rows.positives());
        final double c = candidate.metrics == null ? Double.NaN : candidate.metrics.auc();
        final double a = active.metrics == null ? Double.NaN : active.metrics.auc();
        final boolean passed;
        final String reason;
        if (rows.size() == 0)
        {
            passed = false;
            reason = "cannot compare candidate " + candidate.name + " with active " + active.name + ": no labelled events " + on;
        }
        else if (Double.isNaN(c) || Double.isNaN(a))
        {
            passed = false;
            reason = "cannot compare candidate " + candidate.name + " with active " + active.name + ": the rows hold only " +
                (rows.positives() == 0 ? "negative" : "positive") + " events, so AUC is undefined " + on;
        }
        else if (c > a + MIN_AUC_GAIN)
        {
            passed = true;
            reason = String.format(Locale.ROOT, "candidate %s AUC %.4f beats active %s AUC %.4f by %.4f (more than %s) %s",
                candidate.name, c, active.name, a, c - a, MIN_AUC_GAIN, on);
        }
        else
        {
            passed = false;
            reason = String.format(Locale.ROOT, "candidate %s AUC %.4f does not beat active %s AUC %.4f by more than %s %s",
                candidate.name, c, active.name, a, MIN_AUC_GAIN, on);
        }
        return new Verdict(passed, reason, candidate.name, active.name, candidate.metrics, active.metrics, rows.description(),
            rows.size());
    }

    private record Scored(String name, ModelDescriptor.Evaluation metrics)
    {
    }

    private static Scored score(final LabelledRows rows, final Path dir) throws OrtException
    {
        try (OnnxScorer scorer = OnnxScorer.open(dir, BATCH))
        {
            final ModelDescriptor descriptor = scorer.descriptor();
            final String name = descriptor.name() + "/" + descriptor.version();
            final FeatureExtractor extractor;
            try
            {
                extractor = new FeatureExtractor(descriptor, rows.topic());
            }
            catch (final RuntimeException ex)
            {
                throw new ModelLoadException("model " + name + " cannot score the gate's rows: " + ex.getMessage(), ex);
            }
            if (rows.size() == 0)
            {
                return new Scored(name, null);
            }
            final double[] scores = new double[rows.size()];
            for (int batchStart = 0; batchStart < rows.size(); batchStart += BATCH)
            {
                final int n = Math.min(BATCH, rows.size() - batchStart);
                for (int r = 0; r < n; r++)
                {
                    extractor.extract(rows.fields()[batchStart + r], scorer.inputRows(), r);
                }
                scorer.run(n);
                for (int r = 0; r < n; r++)
                {
                    scores[batchStart + r] = scorer.score(r);
                }
            }
            return new Scored(name, BinaryMetrics.evaluation(scores, rows.labels(), descriptor.threshold()));
        }
    }
}
