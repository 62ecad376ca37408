package dev.rill.ops.telemetry;

import java.util.Arrays;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.metrics.PipelineLatencies;

/**
 * What the bus did during one telemetry interval: counts of events by outcome, the interval's
 * latency histograms, and gauges read at its end. {@link ServerTelemetry} fills one instance per
 * tick and hands it to every {@link TelemetryListener}; tests and drills fill their own with the
 * fluent setters to feed listeners synthetic intervals.
 *
 * <p>Counts are deltas over the interval ({@code startMillis} to {@code endMillis}, wall clock).
 * Gauges are values at its end. Not thread-safe: owned by the telemetry thread; a listener must
 * copy what it keeps, because the instance and its histograms are reused for the next tick.
 */
public final class TelemetryTick
{
    private long startMillis;
    private long endMillis;
    private long accepted;
    private long published;
    private long duplicates;
    private long fenced;
    private long fallbacks;
    private long late;
    private final long[] refusedByCode = new long[ErrorCode.values().length];
    private final PipelineLatencies.Interval latencies;
    private boolean gatewayListening;
    private long ringDepth;
    private long ringCapacity;
    private boolean belowDiskReserve;
    private long diskUsableBytes;
    private long diskReserveBytes;
    private int subscribers;
    private int pausedConnections;
    private long maxSubscriberLag;

    /** A tick with empty histograms of the recorder's range and precision. */
    public TelemetryTick()
    {
        this(PipelineLatencies.Interval.empty());
    }

    TelemetryTick(final PipelineLatencies.Interval latencies)
    {
        this.latencies = latencies;
    }

    /** @return wall-clock start of the interval, epoch milliseconds. */
    public long startMillis()
    {
        return startMillis;
    }

    /** @return wall-clock end of the interval, epoch milliseconds. */
    public long endMillis()
    {
        return endMillis;
    }

    /** @return events the gateway accepted into the ring. */
    public long accepted()
    {
        return accepted;
    }

    /** @return Results appended to "out" (one per accepted, non-duplicate event). */
    public long published()
    {
        return published;
    }

    /** @return events dropped by the journal as resends of an already journaled (producer, seq); still acknowledged. */
    public long duplicates()
    {
        return duplicates;
    }

    /** @return events refused because a newer session of their producer fenced them. */
    public long fenced()
    {
        return fenced;
    }

    /** @return events scored by the fallback (fallback model or default score) rather than the primary model. */
    public long fallbacks()
    {
        return fallbacks;
    }

    /** @return events flagged late (event time too far behind ingest time); 0 until lateness is configured. */
    public long late()
    {
        return late;
    }

    /** @return frames refused with {@code code} (Nack or Error). */
    public long refused(final ErrorCode code)
    {
        return refusedByCode[code.ordinal()];
    }

    /** @return frames refused with any code. */
    public long refused()
    {
        long sum = 0;
        for (final long r : refusedByCode)
        {
            sum += r;
        }
        return sum;
    }

    /** @return the interval's latency histograms (nanoseconds); reused: copy what you keep. */
    public PipelineLatencies.Interval latencies()
    {
        return latencies;
    }

    /** @return whether the gateway was bound and taking connections at the end of the interval. */
    public boolean gatewayListening()
    {
        return gatewayListening;
    }

    /** @return events in the ring, not yet published, at the end of the interval. */
    public long ringDepth()
    {
        return ringDepth;
    }

    /** @return the ring's size in slots. */
    public long ringCapacity()
    {
        return ringCapacity;
    }

    /** @return whether the data directory was below its free-space reserve. */
    public boolean belowDiskReserve()
    {
        return belowDiskReserve;
    }

    /** @return usable bytes of the data directory's file system (-1 when not monitored). */
    public long diskUsableBytes()
    {
        return diskUsableBytes;
    }

    /** @return the configured free-space reserve in bytes (0 when off). */
    public long diskReserveBytes()
    {
        return diskReserveBytes;
    }

    /** @return subscriptions open at the end of the interval. */
    public int subscribers()
    {
        return subscribers;
    }

    /** @return producing connections not being read (ring full, disk, quota) at the end of the interval. */
    public int pausedConnections()
    {
        return pausedConnections;
    }

    /** @return records of "out" the furthest-behind subscription had not read at the end of the interval (0 without any). */
    public long maxSubscriberLag()
    {
        return maxSubscriberLag;
    }

    /** @return interval length in seconds (at least a millisecond's worth, so rates never divide by zero). */
    public double seconds()
    {
        return Math.max(1, endMillis - startMillis) / 1000.0;
    }

    public TelemetryTick interval(final long startMillis, final long endMillis)
    {
        this.startMillis = startMillis;
        this.endMillis = endMillis;
        return this;
    }

    public TelemetryTick accepted(final long accepted)
    {
        this.accepted = accepted;
        return this;
    }

    public TelemetryTick published(final long published)
    {
        this.published = published;
        return this;
    }

    public TelemetryTick duplicates(final long duplicates)
    {
        this.duplicates = duplicates;
        return this;
    }

    public TelemetryTick fenced(final long fenced)
    {
        this.fenced = fenced;
        return this;
    }

    public TelemetryTick fallbacks(final long fallbacks)
    {
        this.fallbacks = fallbacks;
        return this;
    }

    public TelemetryTick late(final long late)
    {
        this.late = late;
        return this;
    }

    public TelemetryTick refused(final ErrorCode code, final long count)
    {
        refusedByCode[code.ordinal()] = count;
        return this;
    }

    public TelemetryTick gatewayListening(final boolean listening)
    {
        this.gatewayListening = listening;
        return this;
    }

    public TelemetryTick ring(final long depth, final long capacity)
    {
        this.ringDepth = depth;
        this.ringCapacity = capacity;
        return this;
    }

    public TelemetryTick disk(final boolean belowReserve, final long usableBytes, final long reserveBytes)
    {
        this.belowDiskReserve = belowReserve;
        this.diskUsableBytes = usableBytes;
        this.diskReserveBytes = reserveBytes;
        return this;
    }

    public TelemetryTick connections(final int subscribers, final int pausedConnections)
    {
        this.subscribers = subscribers;
        this.pausedConnections = pausedConnections;
        return this;
    }

    public TelemetryTick maxSubscriberLag(final long records)
    {
        this.maxSubscriberLag = records;
        return this;
    }

    /** Zeroes every count and empties the histograms (gauges are kept until set again). */
    public TelemetryTick clearCounts()
    {
        accepted = 0;
        published = 0;
        duplicates = 0;
        fenced = 0;
        fallbacks = 0;
        late = 0;
        Arrays.fill(refusedByCode, 0);
        latencies.ingestToJournal().reset();
        latencies.ingestToScored().reset();
        latencies.ingestToPublish().reset();
        latencies.freshness().reset();
        return this;
    }
}
