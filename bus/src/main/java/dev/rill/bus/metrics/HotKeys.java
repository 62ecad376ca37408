package dev.rill.bus.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.rill.bus.TopicRegistry;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Which keys and which producers carry most of the traffic: two bounded {@link SpaceSavingSketch}es
 * (keys per topic, producers) counted over tumbling windows of {@code hotspots.window}, aligned
 * to the clock (a 10 s window runs from :00 to :10, :10 to :20, ...).
 *
 * <p><b>Writer.</b> One thread, the one that sees every accepted event once after the journal's
 * decision (the publish stage: resends dropped as duplicates and fenced events are not counted),
 * calls {@link #record} per event. Within a window that costs two sketch offers and allocates
 * nothing. The first event at or after a window's end closes it: the writer builds an immutable
 * {@link HotspotSnapshot} (top keys and producers, shares, rates, error bounds, the keys above
 * the alert share), publishes it through a volatile reference and starts counting afresh. That
 * allocates once per window: the snapshot and its lists, a few kilobytes.
 *
 * <p><b>Readers.</b> Any thread may call {@link #snapshot()} and {@link #keysAboveShare()}. Since
 * a window is closed by the next event, an idle bus closes nothing: readers therefore judge the
 * published snapshot against the clock. While the window after it runs, it is the answer; when
 * that window has ended too and no event has closed it yet, it is still the answer (so it may be
 * up to one window late); after that, the newest complete window had no events and an empty
 * snapshot of it is the answer (allocated per call), so nothing stays hot on an idle bus.
 *
 * <p>A key is counted per topic: the pair (topic index, key) is one item of the key sketch,
 * {@code key ^ topicIndex * 0x9E3779B97F4A7C15}, with the topic kept as the counter's tag. Two
 * pairs of different topics share an item only when their keys differ by exactly that mix of
 * their topics: for topic indexes below 256 that takes a key of 2^54 or more (checked), so ids
 * never collide; two random 64-bit keys do with probability 2^-64.
 */
public final class HotKeys
{
    private static final long TOPIC_MIX = 0x9E3779B97F4A7C15L;

    private final HotspotConfig config;
    private final TopicRegistry topics;
    private final EpochNanoClock clock;
    private final long windowNanos;
    private final SpaceSavingSketch keys;
    private final SpaceSavingSketch producers;
    private long windowStart;
    private long windowEnd;
    private volatile Published published;

    /** The newest closed window and the start of the window the writer counts now. */
    private record Published(HotspotSnapshot snapshot, long writerWindowStart)
    {
    }

    /**
     * @param config window, counters, top N, alert share.
     * @param topics the configured topics, for the names in the report.
     * @param clock  the clock whose time the writer passes to {@link #record}; readers use it to tell stale windows.
     */
    public HotKeys(final HotspotConfig config, final TopicRegistry topics, final EpochNanoClock clock)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windowNanos = config.window().toNanos();
        this.keys = new SpaceSavingSketch(config.counters());
        this.producers = new SpaceSavingSketch(config.counters());
        this.windowStart = align(clock.nanoTime());
        this.windowEnd = windowStart + windowNanos;
        this.published = new Published(HotspotSnapshot.empty(windowStart - windowNanos, windowStart), windowStart);
    }

    /**
     * Counts one accepted event. Writer thread only; allocates nothing except when it closes a window.
     *
     * @param topicId    the event's topic index.
     * @param key        the event's key.
     * @param producerId the event's producer.
     * @param nowNanos   the time now on this object's clock (the publish stage passes its publish time).
     */
    public void record(final int topicId, final long key, final long producerId, final long nowNanos)
    {
        if (nowNanos >= windowEnd)
        {
            roll(nowNanos);
        }
        keys.offer(key ^ topicId * TOPIC_MIX, topicId);
        producers.offer(producerId, 0);
    }

    /**
     * @return the newest complete window, as explained in the class comment: what the writer last
     *         closed, or an empty window when the bus has been idle for a whole window since. Any thread.
     */
    public HotspotSnapshot snapshot()
    {
        final Published p = published;
        final long now = clock.nanoTime();
        final long counting = p.writerWindowStart();
        if (now < counting + windowNanos)
        {
            // The writer's window is the current one: the complete one before it is the answer, and
            // when the writer skipped it (no events), it was empty.
            return p.snapshot().windowEndNanos() == counting ? p.snapshot() :
                HotspotSnapshot.empty(counting - windowNanos, counting);
        }
        if (now < counting + 2 * windowNanos)
        {
            return p.snapshot(); // the writer's window has ended; the next event closes it
        }
        final long current = align(now);
        return HotspotSnapshot.empty(current - windowNanos, current);
    }

    /**
     * @return the keys of the newest complete window that certainly had at least
     *         {@code hotspots.keyShareAlert} of its events, heaviest first; empty when it had fewer
     *         than {@code hotspots.minEventsPerWindow} events. For the hot-key alert. Any thread.
     */
    public List<HotKey> keysAboveShare()
    {
        return snapshot().keysAboveShare();
    }

    public HotspotConfig config()
    {
        return config;
    }

    private long align(final long nanos)
    {
        return nanos - Math.floorMod(nanos, windowNanos);
    }

    private void roll(final long nowNanos)
    {
        final HotspotSnapshot closed = close(windowStart, windowEnd);
        keys.reset();
        producers.reset();
        windowStart = align(nowNanos);
        windowEnd = windowStart + windowNanos;
        published = new Published(closed, windowStart);
    }

    private HotspotSnapshot close(final long start, final long end)
    {
        final long total = keys.total();
        final double seconds = (end - start) / 1e9;
        final int[] keyOrder = heaviestFirst(keys);
        final List<HotKey> topKeys = new ArrayList<>(Math.min(config.topN(), keyOrder.length));
        final List<HotKey> aboveShare = new ArrayList<>();
        final boolean enoughEvents = total > 0 && total >= config.minEventsPerWindow();
        for (int i = 0; i < keyOrder.length; i++)
        {
            final int c = keyOrder[i];
            final boolean hot = enoughEvents && keys.count(c) - keys.error(c) >= config.keyShareAlert() * total;
            if (i >= config.topN() && !hot)
            {
                continue;
            }
            final int topic = keys.tag(c);
            final HotKey key = new HotKey(topic, topics.topic(topic).name(), keys.item(c) ^ topic * TOPIC_MIX,
                keys.count(c), keys.error(c), keys.count(c) / seconds, (double)keys.count(c) / total);
            if (i < config.topN())
            {
                topKeys.add(key);
            }
            if (hot)
            {
                aboveShare.add(key);
            }
        }
        final int[] producerOrder = heaviestFirst(producers);
        final List<HotProducer> topProducers = new ArrayList<>(Math.min(config.topN(), producerOrder.length));
        for (int i = 0; i < producerOrder.length && i < config.topN(); i++)
        {
            final int c = producerOrder[i];
            topProducers.add(new HotProducer(producers.item(c), producers.count(c), producers.error(c),
                producers.count(c) / seconds, (double)producers.count(c) / producers.total()));
        }
        return new HotspotSnapshot(start, end, total, topKeys, topProducers, aboveShare, keys.minCount(), producers.minCount());
    }

    /** @return the sketch's counters by estimated count, largest first (ties: smaller error first). */
    private static int[] heaviestFirst(final SpaceSavingSketch sketch)
    {
        final int n = sketch.size();
        final long[][] rows = new long[n][];
        for (int c = 0; c < n; c++)
        {
            rows[c] = new long[] {sketch.count(c), sketch.error(c), c};
        }
        Arrays.sort(rows, (a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
        final int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = (int)rows[i][2];
        }
        return order;
    }
}
