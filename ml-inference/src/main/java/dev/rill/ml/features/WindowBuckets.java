package dev.rill.ml.features;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The bucket rings of every window for every key slot, in three flat arrays: bucket id, event
 * count and field sum. Slot {@code s} owns entries {@code [s * bucketsPerKey, (s + 1) *
 * bucketsPerKey)}; within them window {@code w} owns {@code buckets(w)} entries from {@code
 * offset(w)}, and bucket id {@code b} lives at ring position {@code floorMod(b, buckets(w))}.
 *
 * <p>Allocated once at construction; nothing here allocates afterwards. Not thread-safe: owned by
 * the thread that owns the {@link StreamingFeatures}.
 */
final class WindowBuckets
{
    /** Bucket id of a ring entry that holds nothing; below any id a real event time can give. */
    static final long EMPTY = Long.MIN_VALUE;

    /** Bytes one key's rings take in a snapshot: id, count and sum bits per bucket. */
    static final int SNAPSHOT_BYTES_PER_BUCKET = 3 * Long.BYTES;

    private final int windowCount;
    private final int bucketsPerKey;
    private final Aggregate[] aggregates;
    private final int[] fieldIndexes;
    private final long[] bucketNanos;
    private final int[] buckets;
    private final int[] offsets;
    private final double[] windowSeconds;
    private final long[] bucketIds;
    private final long[] counts;
    private final double[] sums;

    /**
     * @param windows      the windows, in output order.
     * @param fieldIndexes per window, the position of the summed field in an event's fields, or -1.
     * @param slots        key slots to allocate rings for.
     */
    WindowBuckets(final List<WindowSpec> windows, final int[] fieldIndexes, final int slots)
    {
        windowCount = windows.size();
        aggregates = new Aggregate[windowCount];
        this.fieldIndexes = fieldIndexes.clone();
        bucketNanos = new long[windowCount];
        buckets = new int[windowCount];
        offsets = new int[windowCount];
        windowSeconds = new double[windowCount];
        int offset = 0;
        for (int w = 0; w < windowCount; w++)
        {
            final WindowSpec spec = windows.get(w);
            aggregates[w] = spec.aggregate();
            bucketNanos[w] = spec.bucketNanos();
            buckets[w] = spec.buckets();
            offsets[w] = offset;
            windowSeconds[w] = spec.window().toNanos() / 1e9;
            offset += spec.buckets();
        }
        bucketsPerKey = offset;
        final int entries = Math.multiplyExact(slots, bucketsPerKey);
        bucketIds = new long[entries];
        counts = new long[entries];
        sums = new double[entries];
        Arrays.fill(bucketIds, EMPTY);
    }

    /** Empties every ring of one slot, for a key that is new to it. */
    void reset(final int slot)
    {
        final int from = slot * bucketsPerKey;
        final int to = from + bucketsPerKey;
        Arrays.fill(bucketIds, from, to, EMPTY);
        Arrays.fill(counts, from, to, 0L);
        Arrays.fill(sums, from, to, 0.0);
    }

    /**
     * Adds one event to each window of a slot whose current span still covers it: a window skips
     * the event when its bucket is {@code buckets} or more older than the bucket of the key's
     * newest event time.
     *
     * @param slot                 the key's slot.
     * @param eventTimeNanos       the event's time.
     * @param keyNewestEventTime   the key's newest event time, this event included.
     * @param fields               the event's field values in topic order.
     */
    void add(final int slot, final long eventTimeNanos, final long keyNewestEventTime, final double[] fields)
    {
        final int base = slot * bucketsPerKey;
        for (int w = 0; w < windowCount; w++)
        {
            final long width = bucketNanos[w];
            final int ringSize = buckets[w];
            final long bucketId = Math.floorDiv(eventTimeNanos, width);
            if (bucketId <= Math.floorDiv(keyNewestEventTime, width) - ringSize)
            {
                continue;
            }
            final int i = base + offsets[w] + Math.floorMod(bucketId, ringSize);
            if (bucketIds[i] != bucketId)
            {
                // A different id at this ring position is at least one window older: its events no longer count.
                bucketIds[i] = bucketId;
                counts[i] = 0;
                sums[i] = 0.0;
            }
            counts[i]++;
            final int field = fieldIndexes[w];
            if (field >= 0)
            {
                final double value = fields[field];
                if (!Double.isNaN(value))
                {
                    sums[i] += value;
                }
            }
        }
    }

    /**
     * Writes every window's value for a slot as of an event time: each window counts the ring
     * entries whose bucket id lies in {@code (floor(t / width) - buckets, floor(t / width)]}.
     */
    void write(final int slot, final long eventTimeNanos, final double[] out, final int outOffset)
    {
        final int base = slot * bucketsPerKey;
        for (int w = 0; w < windowCount; w++)
        {
            final int ringSize = buckets[w];
            final long newestId = Math.floorDiv(eventTimeNanos, bucketNanos[w]);
            final long oldestExcluded = newestId - ringSize;
            long count = 0;
            double sum = 0.0;
            final int from = base + offsets[w];
            final int to = from + ringSize;
            for (int i = from; i < to; i++)
            {
                final long bucketId = bucketIds[i];
                if (bucketId > oldestExcluded && bucketId <= newestId)
                {
                    count += counts[i];
                    sum += sums[i];
                }
            }
            out[outOffset + w] = value(w, count, sum);
        }
    }

    /** Writes every window's value for a key with no events: zero counts, sums and rates. */
    void writeEmpty(final double[] out, final int outOffset)
    {
        for (int w = 0; w < windowCount; w++)
        {
            out[outOffset + w] = value(w, 0, 0.0);
        }
    }

    private double value(final int window, final long count, final double sum)
    {
        switch (aggregates[window])
        {
            case SUM:
                return sum;
            case RATE:
                return count / windowSeconds[window];
            default:
                return count;
        }
    }

    /** @return snapshot bytes of one key's rings. */
    int snapshotBytesPerKey()
    {
        return bucketsPerKey * SNAPSHOT_BYTES_PER_BUCKET;
    }

    /** Appends a slot's rings to a snapshot, every entry, in window and ring order. */
    void writeTo(final int slot, final ByteBuffer snapshot)
    {
        final int from = slot * bucketsPerKey;
        for (int i = from, to = from + bucketsPerKey; i < to; i++)
        {
            snapshot.putLong(bucketIds[i]);
            snapshot.putLong(counts[i]);
            snapshot.putLong(Double.doubleToRawLongBits(sums[i]));
        }
    }

    /**
     * Reads a slot's rings back from a snapshot, checking that each entry could have been written by
     * {@link #add}.
     *
     * @param keyNewestEventTime the key's newest event time as the snapshot states it.
     * @return what is wrong with the entries, or null when they are consistent.
     */
    String readFrom(final int slot, final ByteBuffer snapshot, final long keyNewestEventTime)
    {
        final int base = slot * bucketsPerKey;
        for (int w = 0; w < windowCount; w++)
        {
            final int ringSize = buckets[w];
            final long newestId = Math.floorDiv(keyNewestEventTime, bucketNanos[w]);
            for (int r = 0; r < ringSize; r++)
            {
                final int i = base + offsets[w] + r;
                final long bucketId = snapshot.getLong();
                final long count = snapshot.getLong();
                final long sumBits = snapshot.getLong();
                bucketIds[i] = bucketId;
                counts[i] = count;
                sums[i] = Double.longBitsToDouble(sumBits);
                final boolean consistent = bucketId == EMPTY ? count == 0 && sumBits == 0 :
                    count > 0 && bucketId <= newestId && Math.floorMod(bucketId, ringSize) == r;
                if (!consistent)
                {
                    return "window " + w + " ring position " + r + " holds bucket " + bucketId + " with count " + count +
                        ", which no sequence of events produces";
                }
            }
        }
        return null;
    }
}
