package dev.rill.bus.metrics;

import org.agrona.collections.Long2LongHashMap;

/**
 * The heaviest items of a stream of 64-bit items in a fixed number of counters: the
 * Space-Saving algorithm (Metwally, Agrawal, El Abbadi, 2005).
 *
 * <p>Each counter holds an item, its estimated count and the estimate's error. A monitored item
 * adds one to its counter; an unmonitored one takes over the counter with the smallest count
 * {@code m}, which becomes {@code m + 1} with error {@code m}. What that guarantees, for a
 * stream of {@code n} items and {@code k} counters:
 *
 * <ul>
 *   <li>a counter's item occurred at least {@code count - error} and at most {@code count} times;</li>
 *   <li>{@code error <= minCount() <= n / k}: every item that occurred more than {@code n / k}
 *       times holds a counter.</li>
 * </ul>
 *
 * <p>Counters sit in a binary min-heap by count (the eviction candidate at its root) and an
 * Agrona {@link Long2LongHashMap} finds an item's counter: an offer costs one hash lookup and at
 * most log2(k) swaps. Each counter also carries an int tag, set when its item takes it (the
 * topic of a key, for example), so an item made of two parts can be reported whole.
 *
 * <p>Single writer: one thread calls {@link #offer}, {@link #reset} and reads the counters.
 * Every array and the map are sized at construction: offering allocates nothing.
 */
public final class SpaceSavingSketch
{
    private static final long NOT_MONITORED = -1;

    private final int capacity;
    private final long[] items;
    private final int[] tags;
    private final long[] counts;
    private final long[] errors;
    /** Heap position to counter. */
    private final int[] heap;
    /** Counter to heap position. */
    private final int[] positions;
    private final Long2LongHashMap counterOf;
    private int size;
    private long total;

    /**
     * @param capacity number of counters, 1 or more; memory is about 70 bytes per counter (arrays and the map).
     */
    public SpaceSavingSketch(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.items = new long[capacity];
        this.tags = new int[capacity];
        this.counts = new long[capacity];
        this.errors = new long[capacity];
        this.heap = new int[capacity];
        this.positions = new int[capacity];
        // Never more than capacity entries: with this initial size and load factor it never resizes.
        this.counterOf = new Long2LongHashMap(capacity * 2, 0.65f, NOT_MONITORED);
    }

    /** Counts one occurrence of {@code item}; {@code tag} is kept with it when it takes a counter. */
    public void offer(final long item, final int tag)
    {
        total++;
        final int counter = (int)counterOf.get(item);
        if (counter >= 0)
        {
            counts[counter]++;
            siftDown(positions[counter]);
        }
        else if (size < capacity)
        {
            final int fresh = size++;
            items[fresh] = item;
            tags[fresh] = tag;
            counts[fresh] = 1;
            errors[fresh] = 0;
            heap[fresh] = fresh;
            positions[fresh] = fresh;
            counterOf.put(item, fresh);
            siftUp(fresh);
        }
        else
        {
            final int smallest = heap[0];
            counterOf.remove(items[smallest]);
            final long min = counts[smallest];
            items[smallest] = item;
            tags[smallest] = tag;
            errors[smallest] = min;
            counts[smallest] = min + 1;
            counterOf.put(item, smallest);
            siftDown(0);
        }
    }

    /** Forgets every item: the counters are empty again. Costs O(capacity); allocates nothing. */
    public void reset()
    {
        counterOf.clear();
        size = 0;
        total = 0;
    }

    /** @return counters in use, never more than {@link #capacity()}. */
    public int size()
    {
        return size;
    }

    public int capacity()
    {
        return capacity;
    }

    /** @return items offered since the last reset. */
    public long total()
    {
        return total;
    }

    /**
     * @return the smallest count while every counter is in use (a bound on every counter's error,
     *         at most {@code total() / capacity()}), else 0: no item was evicted, every count is exact.
     */
    public long minCount()
    {
        return size < capacity ? 0 : counts[heap[0]];
    }

    /** @param counter 0 to {@code size() - 1}, in no particular order. */
    public long item(final int counter)
    {
        return items[counter];
    }

    public int tag(final int counter)
    {
        return tags[counter];
    }

    /** @return the estimated count: an upper bound of the item's true count. */
    public long count(final int counter)
    {
        return counts[counter];
    }

    /** @return how much of the count may be another item's: the true count is at least {@code count - error}. */
    public long error(final int counter)
    {
        return errors[counter];
    }

    private void siftUp(final int start)
    {
        int position = start;
        final int counter = heap[position];
        final long count = counts[counter];
        while (position > 0)
        {
            final int parentPosition = (position - 1) >>> 1;
            final int parent = heap[parentPosition];
            if (counts[parent] <= count)
            {
                break;
            }
            place(parent, position);
            position = parentPosition;
        }
        place(counter, position);
    }

    private void siftDown(final int start)
    {
        int position = start;
        final int counter = heap[position];
        final long count = counts[counter];
        final int half = size >>> 1;
        while (position < half)
        {
            int childPosition = 2 * position + 1;
            int child = heap[childPosition];
            final int rightPosition = childPosition + 1;
            if (rightPosition < size && counts[heap[rightPosition]] < counts[child])
            {
                childPosition = rightPosition;
                child = heap[rightPosition];
            }
            if (count <= counts[child])
            {
                break;
            }
            place(child, position);
            position = childPosition;
        }
        place(counter, position);
    }

    private void place(final int counter, final int position)
    {
        heap[position] = counter;
        positions[counter] = position;
    }
}
