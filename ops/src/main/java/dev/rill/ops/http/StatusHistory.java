package dev.rill.ops.http;

import java.util.concurrent.TimeUnit;

import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;
import org.HdrHistogram.Histogram;

/**
 * The status page's memory: for each of the last {@value #CAPACITY} telemetry ticks (10 minutes at
 * the server's 1 s tick) the events per second accepted, published and refused, and the p50, p99,
 * p99.9 and max of ingest → publish in that tick; plus when the last tick arrived, which
 * {@link HealthPage} uses to tell that the telemetry thread is still ticking.
 *
 * <p>A bounded ring of primitive arrays, allocated once: the oldest tick is overwritten.
 * Threads: {@link #onTick} on the telemetry thread, {@link #copy} and the getters on the HTTP
 * threads; the ring is guarded by this object's lock, the last tick time is volatile.
 */
public final class StatusHistory implements TelemetryListener
{
    /** Ticks kept. */
    public static final int CAPACITY = 600;

    private final long[] endMillis = new long[CAPACITY];
    private final double[] acceptedPerSecond = new double[CAPACITY];
    private final double[] publishedPerSecond = new double[CAPACITY];
    private final double[] refusedPerSecond = new double[CAPACITY];
    private final long[] p50Micros = new long[CAPACITY];
    private final long[] p99Micros = new long[CAPACITY];
    private final long[] p999Micros = new long[CAPACITY];
    private final long[] maxMicros = new long[CAPACITY];
    private final long createdNanos = System.nanoTime();
    private long written;
    private volatile long lastTickNanos;

    /** One tick as the page shows it; latencies in microseconds, -1 when nothing was published. */
    public record Point(
        long endMillis, double acceptedPerSecond, double publishedPerSecond, double refusedPerSecond, long p50Micros,
        long p99Micros, long p999Micros, long maxMicros)
    {
    }

    /**
     * The ticks kept, oldest first, as parallel arrays (what the page's plot reads).
     *
     * @param endMillis          end of each tick, epoch milliseconds.
     * @param acceptedPerSecond  events accepted per second.
     * @param publishedPerSecond events published per second.
     * @param refusedPerSecond   frames refused per second.
     * @param p50Micros          median ingest → publish, µs (-1: nothing published in that tick).
     * @param p99Micros          99th percentile, µs.
     * @param p999Micros         99.9th percentile, µs.
     * @param maxMicros          largest, µs.
     */
    public record Series(
        long[] endMillis, double[] acceptedPerSecond, double[] publishedPerSecond, double[] refusedPerSecond,
        long[] p50Micros, long[] p99Micros, long[] p999Micros, long[] maxMicros)
    {
    }

    @Override
    public void onTick(final TelemetryTick tick)
    {
        final Histogram h = tick.latencies().ingestToPublish();
        final boolean any = h.getTotalCount() > 0;
        final double seconds = tick.seconds();
        synchronized (this)
        {
            final int i = (int)(written % CAPACITY);
            endMillis[i] = tick.endMillis();
            acceptedPerSecond[i] = tick.accepted() / seconds;
            publishedPerSecond[i] = tick.published() / seconds;
            refusedPerSecond[i] = tick.refused() / seconds;
            p50Micros[i] = any ? micros(h.getValueAtPercentile(50)) : -1;
            p99Micros[i] = any ? micros(h.getValueAtPercentile(99)) : -1;
            p999Micros[i] = any ? micros(h.getValueAtPercentile(99.9)) : -1;
            maxMicros[i] = any ? micros(h.getMaxValue()) : -1;
            written++;
        }
        lastTickNanos = System.nanoTime();
    }

    /** @return nanoseconds since the last tick arrived (since this history was made, before the first). */
    public long nanosSinceLastTick()
    {
        final long last = lastTickNanos;
        return System.nanoTime() - (last == 0 ? createdNanos : last);
    }

    /** @return the newest tick, or null before the first. */
    public synchronized Point latest()
    {
        if (written == 0)
        {
            return null;
        }
        final int i = (int)((written - 1) % CAPACITY);
        return new Point(endMillis[i], acceptedPerSecond[i], publishedPerSecond[i], refusedPerSecond[i], p50Micros[i],
            p99Micros[i], p999Micros[i], maxMicros[i]);
    }

    /** @return a copy of the ticks kept, oldest first. */
    public synchronized Series copy()
    {
        final int n = (int)Math.min(written, CAPACITY);
        final Series s = new Series(new long[n], new double[n], new double[n], new double[n], new long[n], new long[n],
            new long[n], new long[n]);
        final long first = written - n;
        for (int k = 0; k < n; k++)
        {
            final int i = (int)((first + k) % CAPACITY);
            s.endMillis()[k] = endMillis[i];
            s.acceptedPerSecond()[k] = acceptedPerSecond[i];
            s.publishedPerSecond()[k] = publishedPerSecond[i];
            s.refusedPerSecond()[k] = refusedPerSecond[i];
            s.p50Micros()[k] = p50Micros[i];
            s.p99Micros()[k] = p99Micros[i];
            s.p999Micros()[k] = p999Micros[i];
            s.maxMicros()[k] = maxMicros[i];
        }
        return s;
    }

    private static long micros(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }
}
