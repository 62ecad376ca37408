package dev.rill.gateway;

/**
 * A token bucket kept as a time rather than a count (the generic cell rate algorithm): each unit
 * (an event, a byte) costs {@code 1e9 / rate} nanoseconds, and {@code due} is when the bucket
 * will be full again. Taking {@code n} units moves {@code due} forward by their cost; they fit
 * while {@code due} stays no more than the bucket's capacity (burst) ahead of now. No refill
 * loop, no timer: two comparisons and an add, all in {@code long} nanoseconds, with the
 * sub-nanosecond part of each cost carried over so rounding never drifts.
 *
 * <p>A bucket holds at least {@code minUnits} (one event; the largest frame's bytes), so
 * whatever fits the gateway's frame limit passes eventually.
 *
 * <p>Not thread-safe: owned by one connection's event loop. Allocates nothing.
 */
final class TokenBucket
{
    private final double nanosPerUnit;
    private final long capacityNanos;
    private long due;
    private double carry;

    /**
     * @param unitsPerSecond the rate, above 0.
     * @param burstNanos     how many nanoseconds of rate a full bucket holds.
     * @param minUnits       the least the bucket holds, whatever the burst.
     * @param nowNanos       the time now: the bucket starts full.
     */
    TokenBucket(final double unitsPerSecond, final long burstNanos, final long minUnits, final long nowNanos)
    {
        this.nanosPerUnit = 1e9 / unitsPerSecond;
        this.capacityNanos = Math.max(burstNanos, (long)Math.ceil(minUnits * nanosPerUnit));
        this.due = nowNanos;
    }

    /** @return 0 when {@code units} fit now, else the nanoseconds until they do. Takes nothing. */
    long delayNanos(final long nowNanos, final long units)
    {
        final long excess = Math.max(due, nowNanos) + cost(units) - nowNanos - capacityNanos;
        return Math.max(0, excess);
    }

    /** Takes {@code units}, which {@link #delayNanos} said fit at {@code nowNanos}. */
    void take(final long nowNanos, final long units)
    {
        final double exact = units * nanosPerUnit + carry;
        final long whole = (long)exact;
        carry = exact - whole;
        due = Math.max(due, nowNanos) + whole;
    }

    /**
     * @return the nanoseconds until the bucket holds {@code units} and at least a quarter of its
     *         capacity, 0 if it does now: when a paused connection should read again, so a
     *         producer held at its quota is woken a few times per burst rather than per event.
     */
    long refillDelayNanos(final long nowNanos, final long units)
    {
        final long wanted = Math.min(capacityNanos, Math.max(cost(units), capacityNanos / 4));
        return Math.max(0, Math.max(due, nowNanos) + wanted - nowNanos - capacityNanos);
    }

    /** @return units a full bucket holds. */
    long capacityUnits()
    {
        return (long)(capacityNanos / nanosPerUnit);
    }

    private long cost(final long units)
    {
        return (long)(units * nanosPerUnit + carry);
    }
}
