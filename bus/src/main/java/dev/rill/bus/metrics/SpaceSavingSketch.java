package dev.rill.bus.metrics;

import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * The heaviest items of a stream of 64-bit items in a fixed number of counters: Space-Saving
 * (Metwally, Agrawal, El Abbadi, 2005) with the filter of Filtered Space-Saving (Homem and
 * Carvalho, 2010).
 *
 * <p>Each counter holds an item, its estimated count and the estimate's error. A monitored item
 * adds one to its counter. An unmonitored item adds one to its cell of a small array of counts
 * indexed by its hash (the filter, sixteen cells per counter): the cell bounds from above the
 * occurrences of every unmonitored item that hashes there. Only when the cell reaches the
 * smallest counter's count {@code m} does the item take that counter over, with the cell's
 * count (this occurrence included) as its count and one less as its error; the evicted item's
 * count goes back to its own cell. Each cell also counts the monitored items hashing there, so an item in a
 * cell without any is known to be unmonitored without a map lookup.
 *
 * <p>Plain Space-Saving evicts on every unmonitored item; with the filter a rare key costs a hash
 * and an array increment instead of a map removal, a map insertion and a walk down the heap. A
 * stream of only rare keys, uniformly spread, still evicts on about one event in six: it is the
 * worst case. What is guaranteed, for a stream of {@code n} items and {@code k} counters:
 *
 * <ul>
 *   <li>a counter's item occurred at least {@code count - error} and at most {@code count} times;</li>
 *   <li>{@code error <= minCount() <= n / k}, and every item that occurred more than
 *       {@code minCount()} times holds a counter.</li>
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
    /** Occurrences of unmonitored items, by hash: an upper bound for each item hashing there. */
    private final long[] filter;
    /** Monitored items by cell: a cell with none spares an unmonitored item the map lookup. */
    private final short[] monitoredInCell;
    /** Counter to its item's cell. */
    private final int[] cells;
    private final int filterShift;
    private int size;
    private long total;

    /**
     * @param capacity number of counters, 1 to 32767; memory is about 230 bytes per counter (arrays 40, map 32, filter 160).
     */
    public SpaceSavingSketch(final int capacity)
    {
        if (capacity < 1 || capacity > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("capacity must be 1 to 32767: " + capacity);
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
        final int cells = Integer.highestOneBit(Math.max(16, capacity * 16) - 1) << 1;
        this.filter = new long[cells];
        this.monitoredInCell = new short[cells];
        this.cells = new int[capacity];
        this.filterShift = 64 - Integer.numberOfTrailingZeros(cells);
    }

    /** Counts one occurrence of {@code item}; {@code tag} is kept with it when it takes a counter. */
    public void offer(final long item, final int tag)
    {
        total++;
        final int cell = cell(item);
        if (monitoredInCell[cell] != 0)
        {
            final int counter = (int)counterOf.get(item);
            if (counter >= 0)
            {
                counts[counter]++;
                siftDown(positions[counter]);
                return;
            }
        }
        if (size < capacity)
        {
            final int fresh = size++;
            items[fresh] = item;
            tags[fresh] = tag;
            cells[fresh] = cell;
            counts[fresh] = 1;
            errors[fresh] = 0;
            heap[fresh] = fresh;
            positions[fresh] = fresh;
            counterOf.put(item, fresh);
            monitoredInCell[cell]++;
            siftUp(fresh);
            return;
        }
        final long seen = filter[cell] + 1;
        final int smallest = heap[0];
        final long min = counts[smallest];
        if (seen < min)
        {
            filter[cell] = seen;
            return;
        }
        final int evictedCell = cells[smallest];
        filter[evictedCell] = Math.max(filter[evictedCell], min);
        monitoredInCell[evictedCell]--;
        counterOf.remove(items[smallest]);
        items[smallest] = item;
        tags[smallest] = tag;
        cells[smallest] = cell;
        errors[smallest] = seen - 1;
        counts[smallest] = seen;
        counterOf.put(item, smallest);
        monitoredInCell[cell]++;
        siftDown(0);
    }

    /** Forgets every item: the counters and the filter are empty again. Costs O(capacity); allocates nothing. */
    public void reset()
    {
        counterOf.clear();
        Arrays.fill(filter, 0);
        Arrays.fill(monitoredInCell, (short)0);
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

    private int cell(final long item)
    {
        // Stafford's mix 13 (the finaliser of SplittableRandom): every bit of the item moves the cell.
        long z = (item ^ (item >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int)((z ^ (z >>> 31)) >>> filterShift);
    }

    private void place(final int counter, final int position)
    {
        heap[position] = counter;
        positions[counter] = position;
    }
}
