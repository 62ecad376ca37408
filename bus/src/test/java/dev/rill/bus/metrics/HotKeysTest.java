package dev.rill.bus.metrics;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.rill.bus.TopicRegistry;
import dev.rill.bus.TopicSchema;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HotKeysTest
{
    private static final long WINDOW = Duration.ofSeconds(10).toNanos();
    /** A window boundary: 10 s windows align to multiples of 10 s. */
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final TopicRegistry TOPICS = new TopicRegistry(List.of(
        new TopicSchema("payments", List.of("amount")), new TopicSchema("logins", List.of("attempts"))));

    private final AtomicLong now = new AtomicLong(T0 + 1);

    @Test
    void aKeyWithHalfTheTrafficIsReportedAtHalfWithinItsErrorBoundAndIsTheOnlyKeyAboveTheAlertShare()
    {
        final HotKeys hot = new HotKeys(HotspotConfig.defaults(), TOPICS, now::get);
        final SplittableRandom random = new SplittableRandom(7);
        final int events = 200_000;
        final long hotKey = 4242;
        long hotCount = 0;
        for (int i = 0; i < events; i++)
        {
            final long t = T0 + 1 + i * (WINDOW - 2) / events;
            if (i % 2 == 0)
            {
                hot.record(0, hotKey, 7, t);
                hotCount++;
            }
            else
            {
                hot.record(random.nextInt(2), 10_000 + random.nextLong(50_000), 100 + random.nextInt(20), t); // never the hot key or its producer
            }
        }
        closeWindowAt(hot, T0 + WINDOW);

        final HotspotSnapshot s = hot.snapshot();
        assertEquals(T0, s.windowStartNanos());
        assertEquals(T0 + WINDOW, s.windowEndNanos());
        assertEquals(events, s.totalEvents());
        final HotKey top = s.topKeys().get(0);
        assertEquals(hotKey, top.key());
        assertEquals("payments", top.topic());
        assertTrue(top.guaranteedCount() <= hotCount && hotCount <= top.count(),
            "true count " + hotCount + " within [" + top.guaranteedCount() + ", " + top.count() + "]");
        assertEquals(0.5, top.share(), (double)top.error() / events + 1e-9, "share about one half, within the error bound");
        assertEquals(top.count() / 10.0, top.ratePerSecond(), 1e-6, "rate per second over the 10 s window");
        assertTrue(s.keyErrorBound() <= events / HotspotConfig.DEFAULT_COUNTERS, "error bound at most n/k: " + s.keyErrorBound());
        assertEquals(List.of(top), hot.keysAboveShare(), "the hot key and no other is above the 0.2 alert share");
        assertTrue(s.topKeys().get(1).share() < 0.01, "the next key is far below: " + s.topKeys().get(1));

        final HotProducer producer = s.topProducers().get(0);
        assertEquals(7, producer.producerId(), "the producer sending the hot key is the top producer");
        assertEquals(0.5, producer.share(), (double)producer.error() / events + 1e-9);
    }

    @Test
    void onASkewedStreamTheTrueTopKeysAreFoundAndEveryCountIsWithinItsErrorOfTheExactCount()
    {
        final int counters = 128;
        final HotKeys hot = new HotKeys(new HotspotConfig(true, Duration.ofSeconds(10), counters, counters, 0.2, 1000), TOPICS, now::get);
        final Zipf zipf = new Zipf(100_000, 1.1, new SplittableRandom(11));
        final Map<Long, Long> exact = new HashMap<>();
        final int events = 300_000;
        for (int i = 0; i < events; i++)
        {
            final long key = zipf.next() * 7919L; // spread the ranks over the key space
            hot.record(1, key, 1, T0 + 1 + i);
            exact.merge(key, 1L, Long::sum);
        }
        closeWindowAt(hot, T0 + WINDOW);
        final HotspotSnapshot s = hot.snapshot();
        assertEquals(events, s.totalEvents());
        assertTrue(s.keyErrorBound() > 0, "more distinct keys than counters: the sketch had to evict");
        assertTrue(s.keyErrorBound() <= events / counters, "error bound " + s.keyErrorBound() + " at most n/k " + events / counters);

        final Map<Long, HotKey> reported = new HashMap<>();
        for (final HotKey k : s.topKeys())
        {
            assertEquals("logins", k.topic());
            reported.put(k.key(), k);
            final long truth = exact.getOrDefault(k.key(), 0L);
            assertTrue(k.guaranteedCount() <= truth && truth <= k.count(),
                "key " + k.key() + ": exact " + truth + " within [" + k.guaranteedCount() + ", " + k.count() + "]");
            assertTrue(k.error() <= s.keyErrorBound());
        }
        exact.forEach((key, count) -> assertTrue(count <= s.keyErrorBound() || reported.containsKey(key),
            "key " + key + " with " + count + " events (above the error bound) is reported"));

        final List<Long> trueTop = exact.entrySet().stream()
            .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
            .limit(10).map(Map.Entry::getKey).collect(Collectors.toList());
        final List<Long> reportedTop = s.topKeys().stream().limit(10).map(HotKey::key).collect(Collectors.toList());
        assertEquals(trueTop, reportedTop, "the ten heaviest keys, in order");
        assertTrue(s.keysAboveShare().isEmpty(), "with Zipf 1.1 over 100,000 keys no key has a fifth of the traffic: " +
            s.topKeys().get(0).share());
    }

    @Test
    void closingAWindowPublishesANewSnapshotThatForgetsTheOldWindow()
    {
        final HotKeys hot = new HotKeys(HotspotConfig.defaults(), TOPICS, now::get);
        assertEquals(0, hot.snapshot().totalEvents(), "nothing closed yet");
        assertEquals(T0, hot.snapshot().windowEndNanos(), "the empty window before the first");

        sendSkewed(hot, T0, 111, 5000);
        now.set(T0 + WINDOW + 5);
        assertEquals(0, hot.snapshot().totalEvents(), "the writer has not closed the first window yet: no event since its end");

        sendSkewed(hot, T0 + WINDOW, 222, 3000); // its first event closes the first window
        final HotspotSnapshot first = hot.snapshot();
        assertEquals(T0, first.windowStartNanos());
        assertEquals(10_000, first.totalEvents());
        assertEquals(List.of(111L), keysOf(first.keysAboveShare()));

        closeWindowAt(hot, T0 + 2 * WINDOW);
        final HotspotSnapshot second = hot.snapshot();
        assertEquals(T0 + WINDOW, second.windowStartNanos(), "a new snapshot for the second window");
        assertEquals(6000, second.totalEvents(), "only the second window's events: the first is forgotten");
        assertEquals(List.of(222L), keysOf(second.keysAboveShare()));
        assertTrue(second.topKeys().stream().noneMatch(k -> k.key() == 111L), "the first window's hot key is gone");
        assertEquals(10_000, first.totalEvents(), "a published snapshot never changes");

        now.set(T0 + 3 * WINDOW + 1);
        assertEquals(second, hot.snapshot(), "the third window ended and no event closed it: the second is still the newest");
        now.set(T0 + 4 * WINDOW + 1);
        final HotspotSnapshot idle = hot.snapshot();
        assertEquals(T0 + 3 * WINDOW, idle.windowStartNanos(), "an idle bus: the newest complete window had no events");
        assertEquals(0, idle.totalEvents());
        assertTrue(hot.keysAboveShare().isEmpty(), "nothing stays hot on an idle bus");
    }

    @Test
    void aWindowWithFewerEventsThanTheMinimumRaisesNoHotKey()
    {
        final HotKeys hot = new HotKeys(HotspotConfig.defaults(), TOPICS, now::get);
        for (int i = 0; i < 999; i++)
        {
            hot.record(0, 1, 1, T0 + 1 + i);
        }
        closeWindowAt(hot, T0 + WINDOW);
        assertEquals(1.0, hot.snapshot().topKeys().get(0).share(), 0.01);
        assertTrue(hot.keysAboveShare().isEmpty(), "999 events are below minEventsPerWindow (1000)");
    }

    @Test
    void memoryIsBoundedByTheCountersHoweverManyKeysPass()
    {
        final HotspotConfig config = new HotspotConfig(true, Duration.ofSeconds(10), 10, 64, 0.2, 1000);
        final HotKeys hot = new HotKeys(config, TOPICS, now::get);
        final SpaceSavingSketch sketch = new SpaceSavingSketch(64);
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1_000_000; i++)
        {
            final long key = random.nextLong();
            sketch.offer(key, 0);
            hot.record(0, key, random.nextLong(), T0 + 1 + i);
            assertTrue(sketch.size() <= 64, "counters in use: " + sketch.size());
        }
        assertEquals(64, sketch.size());
        assertTrue(sketch.minCount() <= sketch.total() / 64);
        closeWindowAt(hot, T0 + WINDOW);
        assertEquals(10, hot.snapshot().topKeys().size(), "topN keys");
        assertEquals(10, hot.snapshot().topProducers().size(), "topN producers");
    }

    @Test
    void recordingWithinAWindowAllocatesNothing()
    {
        final HotKeys hot = new HotKeys(HotspotConfig.defaults(), TOPICS, now::get);
        final SplittableRandom random = new SplittableRandom(5);
        final long[] keys = new long[1 << 16];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = random.nextLong(100_000);
        }
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long time = T0 + 1;
        for (int round = 0; round < 2; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 2_000_000; i++)
            {
                hot.record(i & 1, keys[i & (keys.length - 1)], i & 15, time++);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1)
            {
                assertTrue(allocated < 1024, "bytes allocated by 2,000,000 records in one window: " + allocated);
            }
        }
    }

    private void closeWindowAt(final HotKeys hot, final long windowEnd)
    {
        hot.record(0, -1, -1, windowEnd);
        now.set(windowEnd + 1);
    }

    /** 10,000 events in the window starting at {@code start}: {@code hotKey} half of them, the rest spread. */
    private void sendSkewed(final HotKeys hot, final long start, final long hotKey, final int hotEvents)
    {
        for (int i = 0; i < 2 * hotEvents; i++)
        {
            hot.record(0, i % 2 == 0 ? hotKey : 10_000 + i, 1, start + 1 + i);
        }
        now.set(start + 2 * hotEvents + 1);
    }

    private static List<Long> keysOf(final List<HotKey> keys)
    {
        final List<Long> out = new ArrayList<>();
        keys.forEach(k -> out.add(k.key()));
        return out;
    }

    /** Ranks 1..n with probability proportional to 1/rank^s, by inverting the cumulative distribution. */
    private static final class Zipf
    {
        private final double[] cumulative;
        private final SplittableRandom random;

        Zipf(final int n, final double s, final SplittableRandom random)
        {
            this.random = random;
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += 1 / Math.pow(i + 1, s);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++)
            {
                cumulative[i] /= sum;
            }
        }

        long next()
        {
            final double u = random.nextDouble();
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi)
            {
                final int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            return lo + 1;
        }
    }
}
