package dev.rill.ops.replay;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a replay to at most {@code ratePerSecond} records a second (0: no limit): after each chunk
 * of work the caller says how many records it has done in all, and the pacer parks until the time
 * that many records are due at (start + done / rate). It never spins; a chunk runs at full speed,
 * so the bound holds on average over a chunk (256 records).
 *
 * <p>One owner thread; no allocation.
 */
final class RatePacer
{
    private final long ratePerSecond;
    private long startNanos = -1;

    /** @param ratePerSecond most records a second, 0 for no limit. */
    RatePacer(final long ratePerSecond)
    {
        if (ratePerSecond < 0)
        {
            throw new IllegalArgumentException("rate must be 0 (no limit) or more, found " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
    }

    /** @param done records done since the first call. */
    void pace(final long done)
    {
        if (ratePerSecond == 0)
        {
            return;
        }
        final long now = System.nanoTime();
        if (startNanos < 0)
        {
            startNanos = now;
            return;
        }
        final long due = startNanos + (long)(done * (1e9 / ratePerSecond));
        long wait = due - now;
        while (wait > 0)
        {
            LockSupport.parkNanos(wait);
            wait = due - System.nanoTime();
        }
    }

    long ratePerSecond()
    {
        return ratePerSecond;
    }
}
