package dev.rill.bus.metrics;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Latency histograms of the pipeline, in nanoseconds, following HdrHistogram's interval
 * (Recorder) pattern for four histograms at once:
 *
 * <ul>
 *   <li>{@code ingestToJournal}: gateway ingest stamp to the end of the "in" append;</li>
 *   <li>{@code ingestToScored}: ingest to the end of the batch's model call;</li>
 *   <li>{@code ingestToPublish}: ingest to the "out" append (end to end in the server);</li>
 *   <li>{@code freshness}: producer's event time to publish (includes the producer's clock offset).</li>
 * </ul>
 *
 * <p>The publish stage, the one writer, records all four values of an event inside one
 * {@link WriterReaderPhaser} critical section: two atomic increments per event rather than two
 * per value, and plain (non-atomic) histograms. Any thread may call {@link #interval}; readers are
 * serialised. Recording allocates nothing.
 */
public final class PipelineLatencies
{
    private static final long HIGHEST_TRACKABLE = TimeUnit.MINUTES.toNanos(10);
    private static final int DIGITS = 3;

    /** One interval's four histograms. */
    public record Interval(Histogram ingestToJournal, Histogram ingestToScored, Histogram ingestToPublish, Histogram freshness)
    {
        /** @return four empty histograms with the recorder's range and precision. */
        public static Interval empty()
        {
            return new Interval(histogram(), histogram(), histogram(), histogram());
        }

        void reset()
        {
            ingestToJournal.reset();
            ingestToScored.reset();
            ingestToPublish.reset();
            freshness.reset();
        }

        void add(final Interval other)
        {
            ingestToJournal.add(other.ingestToJournal);
            ingestToScored.add(other.ingestToScored);
            ingestToPublish.add(other.ingestToPublish);
            freshness.add(other.freshness);
        }
    }

    private final WriterReaderPhaser phaser = new WriterReaderPhaser();
    private volatile Interval active = Interval.empty();
    private Interval inactive = Interval.empty();

    /** Records one published event. Called by the publish stage's thread only. */
    public void record(
        final long ingestNanos, final long journaledNanos, final long scoredNanos, final long publishNanos,
        final long eventNanos)
    {
        final long criticalValue = phaser.writerCriticalSectionEnter();
        try
        {
            final Interval a = active;
            recordClamped(a.ingestToJournal, journaledNanos - ingestNanos);
            recordClamped(a.ingestToScored, scoredNanos - ingestNanos);
            recordClamped(a.ingestToPublish, publishNanos - ingestNanos);
            recordClamped(a.freshness, publishNanos - eventNanos);
        }
        finally
        {
            phaser.writerCriticalSectionExit(criticalValue);
        }
    }

    /**
     * Takes what was recorded since the previous call.
     *
     * @param into histograms to fill (their contents are replaced); null allocates new ones.
     * @return {@code into}, or the new histograms.
     */
    public synchronized Interval interval(final Interval into)
    {
        final Interval target = into == null ? Interval.empty() : into;
        phaser.readerLock();
        try
        {
            inactive.reset();
            final Interval swappedOut = active;
            active = inactive;
            phaser.flipPhase();
            target.reset();
            target.add(swappedOut);
            inactive = swappedOut;
        }
        finally
        {
            phaser.readerUnlock();
        }
        return target;
    }

    private static Histogram histogram()
    {
        return new Histogram(HIGHEST_TRACKABLE, DIGITS);
    }

    private static void recordClamped(final Histogram histogram, final long value)
    {
        // Clocks can step backwards (NTP) and producers' clocks differ: clamp rather than throw.
        histogram.recordValue(Math.max(0, Math.min(value, HIGHEST_TRACKABLE)));
    }
}
