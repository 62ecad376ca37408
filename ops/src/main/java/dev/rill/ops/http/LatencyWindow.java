package dev.rill.ops.http;

import java.util.concurrent.TimeUnit;

import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;
import org.HdrHistogram.Histogram;

/**
 * The latencies of the last minute or so, for the quantiles of {@code /metrics}' summaries: a
 * sliding window of {@value #SLOTS} slots of {@value #TICKS_PER_SLOT} telemetry ticks each (50 to 60
 * s at the server's 1 s tick). Each tick's histograms are added to the current slot; when it is
 * full the oldest slot is emptied and becomes the current one.
 *
 * <p>Slots keep two significant digits (quantiles within 1 %), which keeps the window at about
 * 0.8 MB for the four spans rather than ten times that at the recorder's three digits.
 *
 * <p>Threads: {@link #onTick} on the telemetry thread, {@link #merge} on the HTTP threads;
 * both are synchronized (once a second, and once a scrape). Allocates its slots once.
 */
public final class LatencyWindow implements TelemetryListener
{
    /** Slots in the window. */
    public static final int SLOTS = 6;
    /** Telemetry ticks per slot. */
    public static final int TICKS_PER_SLOT = 10;

    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int DIGITS = 2;

    private final Histogram[][] slots = new Histogram[SLOTS][LatencySpan.values().length];
    private int current;
    private int ticksInSlot;

    public LatencyWindow()
    {
        for (final Histogram[] slot : slots)
        {
            for (int s = 0; s < slot.length; s++)
            {
                slot[s] = newHistogram();
            }
        }
    }

    /** @return an empty histogram of the window's range and precision, for {@link #merge}. */
    public static Histogram newHistogram()
    {
        return new Histogram(1, HIGHEST_NANOS, DIGITS);
    }

    @Override
    public synchronized void onTick(final TelemetryTick tick)
    {
        final Histogram[] slot = slots[current];
        for (final LatencySpan span : LatencySpan.values())
        {
            slot[span.ordinal()].add(span.of(tick.latencies()));
        }
        if (++ticksInSlot == TICKS_PER_SLOT)
        {
            ticksInSlot = 0;
            current = (current + 1) % SLOTS;
            for (final Histogram h : slots[current])
            {
                h.reset();
            }
        }
    }

    /**
     * Fills {@code into} with the span's values over the window.
     *
     * @param into a histogram from {@link #newHistogram()}; its contents are replaced.
     * @return {@code into}.
     */
    public synchronized Histogram merge(final LatencySpan span, final Histogram into)
    {
        into.reset();
        for (final Histogram[] slot : slots)
        {
            into.add(slot[span.ordinal()]);
        }
        return into;
    }
}
