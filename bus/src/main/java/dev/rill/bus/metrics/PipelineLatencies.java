package dev.rill.bus.metrics;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Latency recorders for the pipeline, in nanoseconds, following HdrHistogram's interval pattern:
 * the publish stage, the one writer, records without locks or atomic read-modify-writes
 * ({@link SingleWriterRecorder}); one reader at a time calls an {@code interval...} method, which
 * swaps the recorder and returns what was recorded since the previous call.
 *
 * <ul>
 *   <li>{@code ingestToJournal}: gateway ingest stamp to the end of the "in" append;</li>
 *   <li>{@code ingestToScored}: ingest to the end of the batch's model call;</li>
 *   <li>{@code ingestToPublish}: ingest to the end of the "out" append (end to end in the server);</li>
 *   <li>{@code freshness}: producer's event time to publish (includes the producer's clock offset).</li>
 * </ul>
 */
public final class PipelineLatencies
{
    private static final long HIGHEST_TRACKABLE = TimeUnit.MINUTES.toNanos(10);

    private final SingleWriterRecorder ingestToJournal = new SingleWriterRecorder(HIGHEST_TRACKABLE, 3);
    private final SingleWriterRecorder ingestToScored = new SingleWriterRecorder(HIGHEST_TRACKABLE, 3);
    private final SingleWriterRecorder ingestToPublish = new SingleWriterRecorder(HIGHEST_TRACKABLE, 3);
    private final SingleWriterRecorder freshness = new SingleWriterRecorder(HIGHEST_TRACKABLE, 3);

    /** Records one published event. Called by the publish stage's thread. */
    public void record(
        final long ingestNanos, final long journaledNanos, final long scoredNanos, final long publishNanos,
        final long eventNanos)
    {
        recordClamped(ingestToJournal, journaledNanos - ingestNanos);
        recordClamped(ingestToScored, scoredNanos - ingestNanos);
        recordClamped(ingestToPublish, publishNanos - ingestNanos);
        recordClamped(freshness, publishNanos - eventNanos);
    }

    public Histogram intervalIngestToJournal(final Histogram recycle)
    {
        return ingestToJournal.getIntervalHistogram(recycle);
    }

    public Histogram intervalIngestToScored(final Histogram recycle)
    {
        return ingestToScored.getIntervalHistogram(recycle);
    }

    public Histogram intervalIngestToPublish(final Histogram recycle)
    {
        return ingestToPublish.getIntervalHistogram(recycle);
    }

    public Histogram intervalFreshness(final Histogram recycle)
    {
        return freshness.getIntervalHistogram(recycle);
    }

    private static void recordClamped(final SingleWriterRecorder recorder, final long value)
    {
        // Clocks can step backwards (NTP) and producers' clocks differ: clamp rather than throw.
        recorder.recordValue(Math.max(0, Math.min(value, HIGHEST_TRACKABLE)));
    }
}
