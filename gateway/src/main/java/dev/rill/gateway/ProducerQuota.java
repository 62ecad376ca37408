package dev.rill.gateway;

/**
 * One producing connection's quota: its event and byte buckets (either may be absent: no limit),
 * its producer's counters, and the Nack message it sends when refusing, made once.
 *
 * <p>Owned by the connection's event loop, made at Hello; checking and taking allocate nothing.
 * A producer has one live connection at a time (a newer one fences the older), so a bucket per
 * connection is a bucket per producer; a new connection starts with a full bucket.
 */
final class ProducerQuota
{
    private final TokenBucket events;
    private final TokenBucket bytes;
    private final ProducerQuotaCounters counters;
    private final String refusal;

    ProducerQuota(final long producerId, final QuotaLimits limits, final int maxFrameLength, final ProducerQuotaCounters counters,
        final long nowNanos)
    {
        final long burstNanos = limits.burst().toNanos();
        this.events = limits.eventsPerSecond() == 0 ? null : new TokenBucket(limits.eventsPerSecond(), burstNanos, 1, nowNanos);
        this.bytes = limits.bytesPerSecond() == 0 ? null : new TokenBucket(limits.bytesPerSecond(), burstNanos, maxFrameLength, nowNanos);
        this.counters = counters;
        this.refusal = "producer " + producerId + " is over its quota of " + describe(limits) +
            " (gateway.quota): this event was not journaled; slow down, and send it again later as a new event (new seq); " +
            "the connection is read again once the quota allows";
    }

    /** @return 0 when an event of {@code length} bytes fits now, else nanoseconds until it does. */
    long delayNanos(final long nowNanos, final int length)
    {
        final long e = events == null ? 0 : events.delayNanos(nowNanos, 1);
        final long b = bytes == null ? 0 : bytes.delayNanos(nowNanos, length);
        return Math.max(e, b);
    }

    /** Charges an accepted event of {@code length} bytes, which {@link #delayNanos} let through at {@code nowNanos}. */
    void take(final long nowNanos, final int length)
    {
        if (events != null)
        {
            events.take(nowNanos, 1);
        }
        if (bytes != null)
        {
            bytes.take(nowNanos, length);
        }
    }

    /**
     * @param pendingLength the waiting event's length (pause), or 0 (refuse: nothing waits).
     * @return nanoseconds until the buckets have refilled enough to read again, 0 if they have.
     */
    long refillDelayNanos(final long nowNanos, final int pendingLength)
    {
        final long e = events == null ? 0 : events.refillDelayNanos(nowNanos, 1);
        final long b = bytes == null ? 0 : bytes.refillDelayNanos(nowNanos, pendingLength);
        return Math.max(e, b);
    }

    String refusal()
    {
        return refusal;
    }

    void countThrottled()
    {
        counters.throttled.incrementAndGet();
    }

    void countRefused()
    {
        counters.refused.incrementAndGet();
    }

    private static String describe(final QuotaLimits limits)
    {
        final String events = limits.eventsPerSecond() == 0 ? "" : limits.eventsPerSecond() + " events/s";
        final String bytes = limits.bytesPerSecond() == 0 ? "" : dev.rill.bus.ByteSize.format(limits.bytesPerSecond()) + "/s";
        return (events.isEmpty() ? bytes : bytes.isEmpty() ? events : events + " and " + bytes) +
            ", burst " + dev.rill.bus.TimeSpan.format(limits.burst());
    }
}
