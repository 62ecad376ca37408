package dev.rill.gateway;

/**
 * What the gateway does with a producer's event when the producer is over its quota
 * ({@code gateway.quota.onExceeded} in rill.yaml). Either way the producer's connection stops
 * being read until its bucket has refilled, and nothing accepted is lost.
 */
public enum QuotaAction
{
    /**
     * Leave the event unread and stop reading the connection until the quota allows it:
     * back-pressure, as when the ring is full. The producer's sends wait; nothing is refused or
     * reordered. The default.
     */
    PAUSE,
    /**
     * Refuse the event with a Nack {@code QUOTA_EXCEEDED} (24), and every other event read while
     * the bucket is empty; stop reading the connection until the bucket has refilled. The
     * producer learns at once and may shed load or send again later (as new events).
     */
    REFUSE
}
