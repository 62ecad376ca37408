package dev.rill.bus.metrics;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpaceSavingSketchTest
{
    @Test
    void withNoMoreItemsThanCountersEveryCountIsExact()
    {
        final SpaceSavingSketch sketch = new SpaceSavingSketch(8);
        for (int i = 0; i < 1000; i++)
        {
            sketch.offer(i % 5, (int)(i % 5) + 100);
        }
        assertEquals(5, sketch.size());
        assertEquals(0, sketch.minCount(), "no counter was ever taken over");
        for (int c = 0; c < sketch.size(); c++)
        {
            assertEquals(200, sketch.count(c));
            assertEquals(0, sketch.error(c));
            assertEquals(sketch.item(c) + 100, sketch.tag(c), "the tag stays with its item");
        }
    }

    @Test
    void aHeavyItemArrivingLastAfterManyDistinctOnesIsStillFoundWithinTheErrorBound()
    {
        final SpaceSavingSketch sketch = new SpaceSavingSketch(16);
        for (long i = 0; i < 10_000; i++)
        {
            sketch.offer(1_000_000 + i, 0); // 10,000 distinct items, once each
        }
        for (int i = 0; i < 2000; i++)
        {
            sketch.offer(42, 1);
        }
        assertEquals(12_000, sketch.total());
        assertTrue(sketch.minCount() <= sketch.total() / 16);
        int found = -1;
        for (int c = 0; c < sketch.size(); c++)
        {
            if (sketch.item(c) == 42)
            {
                found = c;
            }
            assertTrue(sketch.error(c) <= sketch.minCount());
        }
        assertTrue(found >= 0, "2000 of 12,000 is above n/k = 750: the item holds a counter");
        assertTrue(sketch.count(found) - sketch.error(found) <= 2000 && 2000 <= sketch.count(found),
            "true count within [count - error, count]: " + sketch.count(found) + " - " + sketch.error(found));
        assertEquals(1, sketch.tag(found));
    }

    @Test
    void countsAlwaysBoundTheTrueCountsFromAboveAndCountMinusErrorFromBelow()
    {
        final SpaceSavingSketch sketch = new SpaceSavingSketch(32);
        final Map<Long, Long> exact = new HashMap<>();
        final java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 100_000; i++)
        {
            final long item = random.nextInt(10) < 6 ? random.nextInt(8) : random.nextInt(5000);
            sketch.offer(item, 0);
            exact.merge(item, 1L, Long::sum);
        }
        long countsSum = 0;
        for (int c = 0; c < sketch.size(); c++)
        {
            final long truth = exact.get(sketch.item(c));
            assertTrue(sketch.count(c) - sketch.error(c) <= truth && truth <= sketch.count(c));
            countsSum += sketch.count(c);
        }
        assertTrue(countsSum <= sketch.total(), "the counts never add up to more than the stream");
        final long min = sketch.minCount();
        exact.forEach((item, count) -> assertTrue(count <= min || monitored(sketch, item),
            "item " + item + " occurred " + count + " times, more than the smallest count " + min + ": it holds a counter"));
        sketch.reset();
        assertEquals(0, sketch.size());
        assertEquals(0, sketch.minCount());
        assertEquals(0, sketch.total());
        sketch.offer(7, 0);
        assertEquals(1, sketch.count(0));
        assertEquals(7, sketch.item(0));
    }

    private static boolean monitored(final SpaceSavingSketch sketch, final long item)
    {
        for (int c = 0; c < sketch.size(); c++)
        {
            if (sketch.item(c) == item)
            {
                return true;
            }
        }
        return false;
    }
}
