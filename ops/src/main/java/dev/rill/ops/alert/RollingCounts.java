package dev.rill.ops.alert;

import java.time.Duration;
import java.util.Arrays;

/**
 * Good and total counts over several rolling time windows at once, in bounded memory: a ring of
 * per-bucket counts as long as the longest window, and a running sum per window, so adding a
 * count and reading a window's sums cost O(windows), never a scan.
 *
 * <p>Time is whatever the caller says it is (a telemetry tick's end, in epoch milliseconds), never
 * the wall clock, so tests can feed days of synthetic intervals in milliseconds. Time is cut into
 * buckets of {@code bucket} length; a window of length W holds the last ceil(W / bucket) buckets,
 * the current one included, so it covers between W - bucket and W of time. Counts for a time
 * before the current bucket (a clock stepped back) go into the current bucket. A jump forward
 * longer than the longest window clears everything.
 *
 * <p>Memory: 2 longs per bucket of the longest window plus 2 per window, e.g. a 3 d window in
 * 30 s buckets: 8,640 buckets, 138 KiB. Allocates only in the constructor.
 *
 * <p>Not thread-safe: one owner thread (the telemetry thread).
 */
public final class RollingCounts
{
    private final long bucketMillis;
    private final int[] windowBuckets;
    private final long[] good;
    private final long[] total;
    private final long[] windowGood;
    private final long[] windowTotal;
    private long current = Long.MIN_VALUE;

    /**
     * @param bucket  bucket length, at least 1 ms.
     * @param windows window lengths, each at least one bucket long.
     */
    public RollingCounts(final Duration bucket, final Duration... windows)
    {
        bucketMillis = bucket.toMillis();
        if (bucketMillis < 1 || windows.length == 0)
        {
            throw new IllegalArgumentException("a bucket of at least 1 ms and one window at least are needed: " + bucket);
        }
        windowBuckets = new int[windows.length];
        int longest = 0;
        for (int i = 0; i < windows.length; i++)
        {
            final long buckets = (windows[i].toMillis() + bucketMillis - 1) / bucketMillis;
            if (buckets < 1 || buckets > 10_000_000)
            {
                throw new IllegalArgumentException("window " + windows[i] + " is not 1 to 10,000,000 buckets of " + bucket);
            }
            windowBuckets[i] = (int)buckets;
            longest = Math.max(longest, windowBuckets[i]);
        }
        good = new long[longest];
        total = new long[longest];
        windowGood = new long[windows.length];
        windowTotal = new long[windows.length];
    }

    /** @return bytes held by the counts (the ring and the sums). */
    public long memoryBytes()
    {
        return 16L * (good.length + windowGood.length);
    }

    /** Adds {@code goodCount} good of {@code totalCount} at {@code timeMillis} (first moving the windows there). */
    public void add(final long timeMillis, final long goodCount, final long totalCount)
    {
        advanceTo(timeMillis);
        final int slot = slot(current);
        good[slot] += goodCount;
        total[slot] += totalCount;
        for (int w = 0; w < windowBuckets.length; w++)
        {
            windowGood[w] += goodCount;
            windowTotal[w] += totalCount;
        }
    }

    /** Moves the windows to {@code timeMillis}: counts of buckets that fall out leave the sums. */
    public void advanceTo(final long timeMillis)
    {
        final long bucket = Math.floorDiv(timeMillis, bucketMillis);
        if (current == Long.MIN_VALUE)
        {
            current = bucket;
            return;
        }
        if (bucket <= current)
        {
            return;
        }
        if (bucket - current >= good.length)
        {
            Arrays.fill(good, 0);
            Arrays.fill(total, 0);
            Arrays.fill(windowGood, 0);
            Arrays.fill(windowTotal, 0);
            current = bucket;
            return;
        }
        while (current < bucket)
        {
            current++;
            for (int w = 0; w < windowBuckets.length; w++)
            {
                final int leaving = slot(current - windowBuckets[w]); // the bucket just outside window w now
                windowGood[w] -= good[leaving];
                windowTotal[w] -= total[leaving];
            }
            final int slot = slot(current);
            good[slot] = 0;
            total[slot] = 0;
        }
    }

    /** @return good counts in window {@code w} (the constructor's order). */
    public long good(final int w)
    {
        return windowGood[w];
    }

    /** @return total counts in window {@code w}. */
    public long total(final int w)
    {
        return windowTotal[w];
    }

    /** @return the share of bad counts in window {@code w}: (total - good) / total, 0 when empty. */
    public double errorRatio(final int w)
    {
        final long t = windowTotal[w];
        return t <= 0 ? 0.0 : (double)Math.max(0, t - windowGood[w]) / t;
    }

    private int slot(final long bucket)
    {
        return (int)Math.floorMod(bucket, (long)good.length);
    }
}
