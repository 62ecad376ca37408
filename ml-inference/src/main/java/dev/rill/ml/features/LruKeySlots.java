package dev.rill.ml.features;

import java.util.Arrays;

import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;

/**
 * The live keys of {@link StreamingFeatures}: each key owns a slot index in {@code [0, capacity)}
 * (its row in the bucket arrays), and the slots are kept in least-recently-updated order by an
 * intrusive doubly linked list in two int arrays, cold end first. Free slots form a stack.
 *
 * <p>Everything is allocated at construction for {@code capacity} keys; lookups, inserts, moves and
 * removals are O(1) and allocate nothing (the key-to-slot map is sized never to grow). Also keeps
 * each key's newest event time, which idle eviction reads.
 *
 * <p>Not thread-safe: owned by the thread that owns the {@link StreamingFeatures}.
 */
final class LruKeySlots
{
    /** Slot index that means "none": the end of the list, a missing key. */
    static final int NONE = -1;

    private final int capacity;
    private final Long2LongHashMap slotByKey;
    private final long[] keyBySlot;
    private final long[] newestEventTimeBySlot;
    private final int[] colderBySlot;
    private final int[] hotterBySlot;
    private final int[] freeSlots;
    private int freeCount;
    private int coldest = NONE;
    private int hottest = NONE;

    LruKeySlots(final int capacity)
    {
        this.capacity = capacity;
        final float loadFactor = Hashing.DEFAULT_LOAD_FACTOR;
        slotByKey = new Long2LongHashMap((int)Math.ceil(capacity / (double)loadFactor) + 1, loadFactor, NONE);
        if (slotByKey.resizeThreshold() < capacity)
        {
            throw new IllegalStateException("key map holds " + slotByKey.resizeThreshold() + " keys before it grows, needs " + capacity);
        }
        keyBySlot = new long[capacity];
        newestEventTimeBySlot = new long[capacity];
        colderBySlot = new int[capacity];
        hotterBySlot = new int[capacity];
        freeSlots = new int[capacity];
        clear();
    }

    /** Forgets every key; all slots become free, to be handed out from slot 0 up. */
    void clear()
    {
        slotByKey.clear();
        for (int i = 0; i < capacity; i++)
        {
            freeSlots[i] = capacity - 1 - i;
        }
        freeCount = capacity;
        Arrays.fill(colderBySlot, NONE);
        Arrays.fill(hotterBySlot, NONE);
        coldest = NONE;
        hottest = NONE;
    }

    /** @return the key's slot, or {@link #NONE} when the key is not live. */
    int slotOf(final long key)
    {
        return (int)slotByKey.get(key);
    }

    /** @return number of live keys. */
    int size()
    {
        return capacity - freeCount;
    }

    /** @return true when every slot is taken. */
    boolean isFull()
    {
        return freeCount == 0;
    }

    /**
     * Makes a key live in a free slot, at the hot end.
     *
     * @param key             a key that is not live.
     * @param newestEventTime the key's newest event time.
     * @return its slot.
     */
    int insertHottest(final long key, final long newestEventTime)
    {
        final int slot = freeSlots[--freeCount];
        slotByKey.put(key, slot);
        keyBySlot[slot] = key;
        newestEventTimeBySlot[slot] = newestEventTime;
        link(slot);
        return slot;
    }

    /** Moves a live slot to the hot end. */
    void moveToHottest(final int slot)
    {
        if (slot != hottest)
        {
            unlink(slot);
            link(slot);
        }
    }

    /** Removes a live slot's key and frees the slot. */
    void remove(final int slot)
    {
        unlink(slot);
        slotByKey.remove(keyBySlot[slot]);
        freeSlots[freeCount++] = slot;
    }

    /** @return the least recently updated slot, or {@link #NONE} when empty. */
    int coldest()
    {
        return coldest;
    }

    /** @return the slot updated next after this one, or {@link #NONE} at the hot end. */
    int hotter(final int slot)
    {
        return hotterBySlot[slot];
    }

    long key(final int slot)
    {
        return keyBySlot[slot];
    }

    long newestEventTime(final int slot)
    {
        return newestEventTimeBySlot[slot];
    }

    void newestEventTime(final int slot, final long eventTimeNanos)
    {
        newestEventTimeBySlot[slot] = eventTimeNanos;
    }

    private void link(final int slot)
    {
        colderBySlot[slot] = hottest;
        hotterBySlot[slot] = NONE;
        if (hottest == NONE)
        {
            coldest = slot;
        }
        else
        {
            hotterBySlot[hottest] = slot;
        }
        hottest = slot;
    }

    private void unlink(final int slot)
    {
        final int colder = colderBySlot[slot];
        final int hotter = hotterBySlot[slot];
        if (colder == NONE)
        {
            coldest = hotter;
        }
        else
        {
            hotterBySlot[colder] = hotter;
        }
        if (hotter == NONE)
        {
            hottest = colder;
        }
        else
        {
            colderBySlot[hotter] = colder;
        }
        colderBySlot[slot] = NONE;
        hotterBySlot[slot] = NONE;
    }
}
