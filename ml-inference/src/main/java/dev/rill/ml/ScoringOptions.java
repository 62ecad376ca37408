package dev.rill.ml;

/**
 * How the {@link ScoringStage} batches, budgets and falls back.
 *
 * @param maxBatch                     most events per model run (the micro-batch bound).
 * @param fallbackScore                score given when neither the primary nor the fallback model can score an event.
 * @param batchBudgetNanos             most time one model run may take before it is ended and its batch falls back; 0 for no budget.
 * @param journalRunsFirst             true when the journal stage has decided each event before the scoring stage sees it (fused
 *                                     threading): duplicates and fenced events are then skipped, and streaming features and their
 *                                     checkpoints are possible.
 * @param featureSnapshotIntervalNanos least time between two streaming-feature snapshots handed to the checkpoint writer.
 */
public record ScoringOptions(
    int maxBatch, double fallbackScore, long batchBudgetNanos, boolean journalRunsFirst, long featureSnapshotIntervalNanos)
{
    public ScoringOptions
    {
        if (maxBatch < 1)
        {
            throw new IllegalArgumentException("maxBatch must be 1 or more, found " + maxBatch);
        }
        if (!Double.isFinite(fallbackScore))
        {
            throw new IllegalArgumentException("fallbackScore must be a finite number, found " + fallbackScore);
        }
        if (batchBudgetNanos < 0 || featureSnapshotIntervalNanos < 0)
        {
            throw new IllegalArgumentException("batchBudgetNanos and featureSnapshotIntervalNanos must not be negative");
        }
    }

    /** @return options with no time budget, journal not known to run first, no feature snapshots. */
    public static ScoringOptions of(final int maxBatch, final double fallbackScore)
    {
        return new ScoringOptions(maxBatch, fallbackScore, 0, false, 0);
    }
}
