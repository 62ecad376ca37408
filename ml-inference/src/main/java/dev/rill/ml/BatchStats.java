package dev.rill.ml;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Micro-batching as it happens: the size of every model run and how long it took, recorded by
 * the scoring thread without allocation or locks (HdrHistogram interval recorders), read as
 * totals since start by any thread.
 */
public final class BatchStats
{
    private static final long HIGHEST_RUN_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int maxBatch;
    private final long budgetNanos;
    private final SingleWriterRecorder sizes;
    private final SingleWriterRecorder runNanos;
    private Histogram sizeTotal;
    private Histogram runTotal;
    private Histogram sizeInterval;
    private Histogram runInterval;

    /** A copy of the totals. Sizes in events, run times in nanoseconds. */
    public record Snapshot(int maxBatch, long budgetNanos, Histogram sizes, Histogram runNanos)
    {
        /** @return batches run so far. */
        public long batches()
        {
            return sizes.getTotalCount();
        }
    }

    BatchStats(final int maxBatch, final long budgetNanos)
    {
        this.maxBatch = maxBatch;
        this.budgetNanos = budgetNanos;
        this.sizes = new SingleWriterRecorder(1, Math.max(2, maxBatch), 3);
        this.runNanos = new SingleWriterRecorder(1, HIGHEST_RUN_NANOS, 3);
        this.sizeTotal = new Histogram(1, Math.max(2, maxBatch), 3);
        this.runTotal = new Histogram(1, HIGHEST_RUN_NANOS, 3);
    }

    /** Records one run. Scoring thread only. */
    void record(final int size, final long nanos)
    {
        sizes.recordValue(size);
        runNanos.recordValue(Math.min(HIGHEST_RUN_NANOS, Math.max(1, nanos)));
    }

    /** @return the totals since start; any thread (readers are serialised). */
    public synchronized Snapshot snapshot()
    {
        sizeInterval = sizes.getIntervalHistogram(sizeInterval);
        runInterval = runNanos.getIntervalHistogram(runInterval);
        sizeTotal.add(sizeInterval);
        runTotal.add(runInterval);
        return new Snapshot(maxBatch, budgetNanos, sizeTotal.copy(), runTotal.copy());
    }
}
