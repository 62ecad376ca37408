package dev.rill.bus.metrics;

import java.util.List;

/**
 * The heaviest keys and producers of one closed window of {@link HotKeys}. Immutable: any thread
 * may keep and read it.
 *
 * @param windowStartNanos   start of the window, epoch nanoseconds (inclusive).
 * @param windowEndNanos     end of the window, epoch nanoseconds (exclusive).
 * @param totalEvents        accepted events in the window (resends dropped as duplicates are not counted).
 * @param topKeys            up to {@code hotspots.topN} keys, heaviest first.
 * @param topProducers       up to {@code hotspots.topN} producers, heaviest first.
 * @param keysAboveShare     keys that certainly had at least {@code hotspots.keyShareAlert} of the window's events
 *                           ({@code count - error} at or above the share), heaviest first; empty when the window had
 *                           fewer than {@code hotspots.minEventsPerWindow} events.
 * @param keyErrorBound      the most any key's count may be over its true count in this window (0: all counts exact);
 *                           at most {@code totalEvents / hotspots.counters}. Any key with more events than this is listed
 *                           by the sketch.
 * @param producerErrorBound the same for producers.
 */
public record HotspotSnapshot(
    long windowStartNanos, long windowEndNanos, long totalEvents, List<HotKey> topKeys, List<HotProducer> topProducers,
    List<HotKey> keysAboveShare, long keyErrorBound, long producerErrorBound)
{
    public HotspotSnapshot
    {
        topKeys = List.copyOf(topKeys);
        topProducers = List.copyOf(topProducers);
        keysAboveShare = List.copyOf(keysAboveShare);
    }

    /** @return a window without events. */
    public static HotspotSnapshot empty(final long windowStartNanos, final long windowEndNanos)
    {
        return new HotspotSnapshot(windowStartNanos, windowEndNanos, 0, List.of(), List.of(), List.of(), 0, 0);
    }

    /** @return the window's length in seconds. */
    public double windowSeconds()
    {
        return (windowEndNanos - windowStartNanos) / 1e9;
    }

    /** @return accepted events per second over the window. */
    public double eventsPerSecond()
    {
        return totalEvents / windowSeconds();
    }
}
