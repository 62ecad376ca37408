package dev.rill.gateway;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 5 * SECOND;

    @Test
    void aFullBucketHoldsRateTimesBurstAndRefillsAtTheRate()
    {
        final TokenBucket bucket = new TokenBucket(3, SECOND, 1, T0);
        assertEquals(3, bucket.capacityUnits());
        for (int i = 0; i < 3; i++)
        {
            assertEquals(0, bucket.delayNanos(T0, 1), "event " + i + " fits");
            bucket.take(T0, 1);
        }
        final long wait = bucket.delayNanos(T0, 1);
        assertEquals(SECOND / 3, wait, 1, "the fourth waits a third of a second");
        assertEquals(0, bucket.delayNanos(T0 + wait, 1));
        assertTrue(bucket.delayNanos(T0 + wait - 2, 1) > 0);
    }

    @Test
    void roundingNeverDriftsOverManyTakes()
    {
        final TokenBucket bucket = new TokenBucket(3, SECOND, 1, T0);
        long now = T0;
        int taken = 0;
        // a thousand seconds at exactly the rate: every event fits, and the thousand-and-first second's four does not
        for (int second = 0; second < 1000; second++)
        {
            now = T0 + second * SECOND;
            while (bucket.delayNanos(now, 1) == 0)
            {
                bucket.take(now, 1);
                taken++;
            }
        }
        assertEquals(3 + 3 * 999, taken, "the full bucket, then exactly 3 per second: " + taken);
    }

    @Test
    void aBucketAlwaysHoldsItsMinimumAndRefillWaitsForAQuarter()
    {
        final TokenBucket bytes = new TokenBucket(1000, TimeUnit.MILLISECONDS.toNanos(100), 4096, T0);
        assertEquals(4096, bytes.capacityUnits(), "100 ms of 1000 B/s is 100 B, less than one largest frame");
        assertEquals(0, bytes.delayNanos(T0, 4096), "so the largest frame still fits");
        bytes.take(T0, 4096);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1024), bytes.refillDelayNanos(T0, 0), 1,
            "read again when a quarter of the bucket (1024 B at 1000 B/s) has refilled");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2000), bytes.refillDelayNanos(T0, 2000), 1,
            "or when the waiting frame fits, if that is more");
    }
}
