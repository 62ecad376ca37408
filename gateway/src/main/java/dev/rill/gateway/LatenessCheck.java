package dev.rill.gateway;

import java.util.Arrays;

import dev.rill.bus.EventSlot;
import dev.rill.bus.TopicRegistry;

/**
 * The event-time checks of one producing connection ({@link LatenessConfig}): how late an event
 * is against the gateway's clock, whether its time lies too far ahead, and whether it is earlier
 * than an event the connection sent before on the same topic (out of order: flagged, never
 * reordered or dropped).
 *
 * <p>One instance per connection, on its event loop. The per-topic settings are resolved once, at
 * construction (one allocation per connection); checking an event allocates nothing, except the
 * detail text of a refusal.
 */
final class LatenessCheck
{
    /** {@link #check} result: refuse the event as too late. */
    static final int TOO_LATE = -1;
    /** {@link #check} result: refuse the event as too far in the future. */
    static final int TOO_EARLY = -2;

    private final TopicRegistry topics;
    private final long maxFutureSkewNanos;
    private final long[] allowedNanos;
    private final boolean[] reject;
    private final long[] latestEventTime;
    private long lastLatenessNanos;

    LatenessCheck(final LatenessConfig config, final TopicRegistry topics)
    {
        this.topics = topics;
        this.maxFutureSkewNanos = config.maxFutureSkewNanos();
        // Topic ids are fixed while the server runs (a new topic needs a restart), so these are sized once.
        final int n = topics.size();
        allowedNanos = new long[n];
        reject = new boolean[n];
        latestEventTime = new long[n];
        Arrays.fill(latestEventTime, Long.MIN_VALUE);
        for (int i = 0; i < n; i++)
        {
            final String name = topics.topic(i).name();
            allowedNanos[i] = config.allowedNanos(name);
            reject[i] = config.actionFor(name) == LatenessAction.REJECT;
        }
    }

    /**
     * @param topicId        the event's topic.
     * @param eventTimeNanos the event's time (producer's clock).
     * @param nowNanos       the gateway's clock: the event's ingest time.
     * @return the Result flags to add ({@link EventSlot#FLAG_LATE}, {@link EventSlot#FLAG_OUT_OF_ORDER}),
     *         or {@link #TOO_LATE} / {@link #TOO_EARLY} to refuse it.
     */
    int check(final int topicId, final long eventTimeNanos, final long nowNanos)
    {
        int flags = 0;
        long lateness = nowNanos - eventTimeNanos;
        if (((nowNanos ^ eventTimeNanos) & (nowNanos ^ lateness)) < 0)
        {
            lateness = eventTimeNanos < 0 ? Long.MAX_VALUE : Long.MIN_VALUE + 1; // a hostile time: saturate, never wrap
        }
        if (lateness > allowedNanos[topicId])
        {
            lastLatenessNanos = lateness;
            if (reject[topicId])
            {
                return TOO_LATE;
            }
            flags |= EventSlot.FLAG_LATE;
        }
        else if (-lateness > maxFutureSkewNanos)
        {
            lastLatenessNanos = lateness;
            return TOO_EARLY;
        }
        if (eventTimeNanos < latestEventTime[topicId])
        {
            flags |= EventSlot.FLAG_OUT_OF_ORDER;
        }
        return flags;
    }

    /** The event was accepted: later events of the topic are compared with it. */
    void accepted(final int topicId, final long eventTimeNanos)
    {
        if (eventTimeNanos > latestEventTime[topicId])
        {
            latestEventTime[topicId] = eventTimeNanos;
        }
    }

    /** @return the refusal's detail for the last refused event; allocates. */
    String refusal(final int topicId)
    {
        final String topic = topics.topic(topicId).name();
        if (lastLatenessNanos > 0)
        {
            return "event time is " + millis(lastLatenessNanos) + " behind the server's clock; topic '" + topic +
                "' allows " + millis(allowedNanos[topicId]) + " (gateway.lateness): the event was not journaled; " +
                "send current events, or ask the operator to raise the topic's allowed lateness";
        }
        return "eventTimeNanos is " + millis(-lastLatenessNanos) + " ahead of the server's clock, more than " +
            "gateway.lateness.maxFutureSkew (" + millis(maxFutureSkewNanos) + "): fix the producer's clock or its event times";
    }

    private static String millis(final long nanos)
    {
        return nanos / 1_000_000 + " ms";
    }
}
