package dev.rill.ops.admin;

import java.util.List;

/**
 * The model's state as {@code rill model status} shows it: plain data, built by the
 * {@link ModelAdmin} on request, sent as JSON (every part serialises and deserialises with Jackson
 * as is). Counters count since the active model was deployed unless a part says otherwise.
 *
 * @param active        the version that scores now.
 * @param previous      the version active before it (what {@code rollback} returns to), or null.
 * @param fallbackMode  what a failed batch is scored with now: "none", "previous version fraud/1"
 *                      or "default score 0.0".
 * @param shadow        the version running in shadow and how it compares, or null when none runs.
 * @param batches       micro-batch sizes and the time budget.
 * @param drift         per-feature population stability of recent events against the model's
 *                      training data; empty when not measured.
 * @param scoreDriftPsi population stability of recent scores against the training scores, or null
 *                      when not measured.
 */
public record ModelStatus(
    ActiveModel active, ModelRef previous, String fallbackMode, Shadow shadow, BatchSizes batches, List<FeatureDrift> drift,
    Double scoreDriftPsi)
{
    public ModelStatus
    {
        drift = drift == null ? List.of() : List.copyOf(drift);
    }

    /**
     * A model version by name.
     *
     * @param name    model name (models/NAME/...).
     * @param version version number (models/NAME/VERSION).
     */
    public record ModelRef(String name, int version)
    {
        /** @return "name/version", as {@code rill model list} prints it. */
        @Override
        public String toString()
        {
            return name + "/" + version;
        }
    }

    /**
     * The version that scores now.
     *
     * @param name        model name.
     * @param version     version number.
     * @param directory   its version directory on the server (model.onnx, model.json).
     * @param activeSince when it started scoring, epoch milliseconds.
     * @param scored      events it scored (fallbacks not included).
     * @param fallbacks   events given a fallback score instead, by reason.
     */
    public record ActiveModel(String name, int version, String directory, long activeSince, long scored, Fallbacks fallbacks)
    {
    }

    /**
     * Events scored by fallback, by reason.
     *
     * @param loadFailure    the model could not be loaded or its session was not usable.
     * @param inferenceError the model run threw for the batch.
     * @param nonFinite      the model returned NaN or an infinite score for the event.
     * @param overBudget     the batch's run exceeded the time budget.
     */
    public record Fallbacks(long loadFailure, long inferenceError, long nonFinite, long overBudget)
    {
        /** @return every fallback, whatever the reason. */
        public long total()
        {
            return loadFailure + inferenceError + nonFinite + overBudget;
        }
    }

    /**
     * A version scoring beside the active one without publishing, and how the two compare.
     *
     * @param name                  model name.
     * @param version               version number.
     * @param compared              events both scored.
     * @param skippedLagging        events the shadow skipped because it lagged behind the pipeline.
     * @param meanAbsDelta          mean |shadow score - active score|.
     * @param p99AbsDelta           99th percentile of |delta|.
     * @param maxAbsDelta           largest |delta|.
     * @param flipsPositiveToNegative events at or above the threshold by the active model, below it by the shadow.
     * @param flipsNegativeToPositive events below the threshold by the active model, at or above it by the shadow.
     * @param threshold             the decision threshold the flips are counted at.
     * @param agreement             share of compared events on the same side of the threshold, 0 to 1.
     * @param latencyP50Micros      median time of the shadow's run per batch, µs.
     * @param latencyP99Micros      99th percentile of that time, µs.
     */
    public record Shadow(
        String name, int version, long compared, long skippedLagging, double meanAbsDelta, double p99AbsDelta, double maxAbsDelta,
        long flipsPositiveToNegative, long flipsNegativeToPositive, double threshold, double agreement, long latencyP50Micros,
        long latencyP99Micros)
    {
    }

    /**
     * Micro-batch sizes of the scoring stage.
     *
     * @param count        batches run.
     * @param mean         mean events per batch.
     * @param p50          median events per batch.
     * @param p99          99th percentile of events per batch.
     * @param max          largest batch.
     * @param bound        configured most events per batch (pipeline.maxBatch).
     * @param budgetMicros time budget of one batch's run, µs.
     * @param overBudget   batches whose run took longer than the budget.
     */
    public record BatchSizes(long count, double mean, int p50, int p99, int max, int bound, long budgetMicros, long overBudget)
    {
    }

    /**
     * Population stability of one feature.
     *
     * @param feature feature name, as in model.json.
     * @param psi     population stability index of recent values against the training data.
     * @param band    how to read it, e.g. "stable" (below 0.1), "moderate" (0.1 to 0.25), "shifted" (above).
     */
    public record FeatureDrift(String feature, double psi, String band)
    {
    }
}
