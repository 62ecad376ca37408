package dev.rill.ops.telemetry;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.metrics.PipelineLatencies;

/**
 * The one reader of a running bus's counters and latency recorders: every {@code interval} (1 s by
 * default) its thread, {@code rill-telemetry}, takes the interval histograms from
 * {@link PipelineLatencies}, turns the stages' running counts into deltas, reads the gauges, and
 * hands the resulting {@link TelemetryTick} to each {@link TelemetryListener} in order (SLO
 * evaluation, alert rules, the status page's history, the serve command's status line). It also
 * keeps the histograms since start, for {@code /metrics}.
 *
 * <p>Nothing here touches the pipeline's threads: the stages publish plain counters with release
 * stores and the histograms through HdrHistogram's interval pattern, so the cost on the hot path is
 * what those already cost. The thread parks between ticks (no spinning beside the pipeline on two
 * cores). {@link #sampleNow()} closes the current interval at once, from any thread (a command
 * that wants its last figures before it stops); samples are serialised.
 *
 * <p>Allocation: the tick and its histograms are allocated once and reused.
 */
public final class ServerTelemetry implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ServerTelemetry.class.getName());

    /** Where the counts and gauges come from; read on the telemetry thread. */
    public interface Sources
    {
        /** Running totals since start: fills {@code into} with counts since start, not deltas. */
        void totals(Totals into);

        /** Fills the tick's gauges (listening, ring, disk, connections). */
        void gauges(TelemetryTick tick);
    }

    /** Running totals since start, as the stages count them. */
    public static final class Totals
    {
        public long accepted;
        public long published;
        public long duplicates;
        public long fenced;
        public long fallbacks;
        /** Events accepted with the flag LATE (gateway.lateness, action flag). */
        public long late;
        /** Events accepted with the flag OUT_OF_ORDER. */
        public long outOfOrder;
        /** Reply frames sent (request-reply). */
        public long replies;
        public final long[] refusedByCode = new long[ErrorCode.values().length];

        void copyFrom(final Totals other)
        {
            accepted = other.accepted;
            published = other.published;
            duplicates = other.duplicates;
            fenced = other.fenced;
            fallbacks = other.fallbacks;
            late = other.late;
            outOfOrder = other.outOfOrder;
            replies = other.replies;
            System.arraycopy(other.refusedByCode, 0, refusedByCode, 0, refusedByCode.length);
        }
    }

    private final PipelineLatencies latencies;
    private final Sources sources;
    private final long intervalNanos;
    private final List<TelemetryListener> listeners = new CopyOnWriteArrayList<>();
    private final TelemetryTick tick = new TelemetryTick();
    private final PipelineLatencies.Interval sinceStart = PipelineLatencies.Interval.empty();
    private final Totals previous = new Totals();
    private final Totals current = new Totals();
    private final Thread thread;
    private long lastSampleMillis;
    private volatile boolean running = true;
    private volatile long ticks;

    /**
     * @param latencies the pipeline's recorder; this becomes its only reader.
     * @param sources   counts and gauges.
     * @param interval  tick length, 100 ms to 1 min.
     */
    public ServerTelemetry(final PipelineLatencies latencies, final Sources sources, final Duration interval)
    {
        this.latencies = Objects.requireNonNull(latencies, "latencies");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.intervalNanos = interval.toNanos();
        if (intervalNanos < TimeUnit.MILLISECONDS.toNanos(100) || intervalNanos > TimeUnit.MINUTES.toNanos(1))
        {
            throw new IllegalArgumentException("telemetry interval " + interval + " is outside 100 ms to 1 min");
        }
        sources.totals(previous); // counts before start (recovery) are not this run's first interval
        latencies.interval(tick.latencies()); // nor are latencies recorded before start
        tick.clearCounts();
        lastSampleMillis = System.currentTimeMillis();
        thread = new Thread(this::run, "rill-telemetry");
        thread.setDaemon(true);
    }

    /** Adds a listener; it hears every tick from the next one on. Any thread. */
    public ServerTelemetry addListener(final TelemetryListener listener)
    {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Starts the telemetry thread. */
    public ServerTelemetry start()
    {
        thread.start();
        return this;
    }

    /** @return the tick length. */
    public Duration interval()
    {
        return Duration.ofNanos(intervalNanos);
    }

    /** @return ticks delivered since start. */
    public long ticks()
    {
        return ticks;
    }

    /**
     * Ends the current interval now and delivers it to the listeners on the calling thread (the
     * regular tick on the telemetry thread waits meanwhile).
     */
    public synchronized void sampleNow()
    {
        final long now = System.currentTimeMillis();
        latencies.interval(tick.latencies());
        sinceStart.ingestToJournal().add(tick.latencies().ingestToJournal());
        sinceStart.ingestToScored().add(tick.latencies().ingestToScored());
        sinceStart.ingestToPublish().add(tick.latencies().ingestToPublish());
        sinceStart.freshness().add(tick.latencies().freshness());
        sources.totals(current);
        tick.interval(lastSampleMillis, now)
            .accepted(current.accepted - previous.accepted)
            .published(current.published - previous.published)
            .duplicates(current.duplicates - previous.duplicates)
            .fenced(current.fenced - previous.fenced)
            .fallbacks(current.fallbacks - previous.fallbacks)
            .late(current.late - previous.late);
        for (final ErrorCode code : ErrorCode.values())
        {
            tick.refused(code, current.refusedByCode[code.ordinal()] - previous.refusedByCode[code.ordinal()]);
        }
        sources.gauges(tick);
        previous.copyFrom(current);
        lastSampleMillis = now;
        for (final TelemetryListener listener : listeners)
        {
            try
            {
                listener.onTick(tick);
            }
            catch (final RuntimeException e)
            {
                // One broken listener must not silence the others (alerts, SLOs) nor stop the thread.
                LOG.log(System.Logger.Level.ERROR, "telemetry listener " + listener + " failed; the other listeners go on", e);
            }
        }
        ticks++;
    }

    /**
     * Copies the latency histograms since start into {@code into} (for {@code /metrics}).
     *
     * @return {@code into}.
     */
    public synchronized PipelineLatencies.Interval sinceStart(final PipelineLatencies.Interval into)
    {
        into.ingestToJournal().reset();
        into.ingestToJournal().add(sinceStart.ingestToJournal());
        into.ingestToScored().reset();
        into.ingestToScored().add(sinceStart.ingestToScored());
        into.ingestToPublish().reset();
        into.ingestToPublish().add(sinceStart.ingestToPublish());
        into.freshness().reset();
        into.freshness().add(sinceStart.freshness());
        return into;
    }

    private void run()
    {
        long next = System.nanoTime() + intervalNanos;
        while (running)
        {
            final long wait = next - System.nanoTime();
            if (wait > 0)
            {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            sampleNow();
            next += intervalNanos;
            if (next < System.nanoTime())
            {
                next = System.nanoTime() + intervalNanos; // fell behind (a long GC, a stopped VM): skip, don't burst
            }
        }
    }

    /** Stops the thread after the tick under way; does not deliver a last tick. */
    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
