package dev.rill.gateway;

import java.time.Duration;
import java.util.Map;

import dev.rill.bus.ConfigException;

/**
 * Event-time checks of the gateway ({@code gateway.lateness:} in rill.yaml). On arrival, after
 * validation, an event whose {@code eventTimeNanos} lies more than {@code allowed} behind the
 * gateway's clock is late: it is flagged {@code LATE} or refused with {@code EVENT_TOO_LATE},
 * by {@code action}; one more than {@code maxFutureSkew} ahead of it is refused with
 * {@code VALUE_OUT_OF_RANGE} (a producer clock that far off makes every freshness figure wrong).
 * Out-of-order events (earlier than one their connection sent before on the topic) are always
 * flagged {@code OUT_OF_ORDER}, never reordered or dropped.
 *
 * @param allowed       default allowed lateness; null (the default) checks no lateness.
 * @param action        default action for late events: flag (the default) or reject.
 * @param maxFutureSkew most an event's time may lie ahead of the gateway's clock; null (the default) for no limit.
 * @param topics        overrides by topic name.
 */
public record LatenessConfig(Duration allowed, LatenessAction action, Duration maxFutureSkew, Map<String, TopicLateness> topics)
{
    /** Longest lateness or skew that may be configured. */
    public static final Duration MAX = Duration.ofDays(365);

    public LatenessConfig
    {
        action = action == null ? LatenessAction.FLAG : action;
        topics = topics == null ? Map.of() : Map.copyOf(topics);
        check("gateway.lateness.allowed", allowed);
        check("gateway.lateness.maxFutureSkew", maxFutureSkew);
        for (final Map.Entry<String, TopicLateness> e : topics.entrySet())
        {
            if (e.getValue() == null)
            {
                throw ConfigException.invalid("gateway.lateness.topics." + e.getKey(), null, "allowed and/or action");
            }
            check("gateway.lateness.topics." + e.getKey() + ".allowed", e.getValue().allowed());
        }
    }

    /** @return no lateness check (out-of-order events are still flagged): the default. */
    public static LatenessConfig off()
    {
        return new LatenessConfig(null, LatenessAction.FLAG, null, Map.of());
    }

    /** @return the allowed lateness of {@code topic} in nanoseconds, {@link Long#MAX_VALUE} when unchecked. */
    public long allowedNanos(final String topic)
    {
        final TopicLateness own = topics.get(topic);
        final Duration d = own != null && own.allowed() != null ? own.allowed() : allowed;
        return d == null ? Long.MAX_VALUE : d.toNanos();
    }

    /** @return what happens to a late event of {@code topic}. */
    public LatenessAction actionFor(final String topic)
    {
        final TopicLateness own = topics.get(topic);
        return own != null && own.action() != null ? own.action() : action;
    }

    /** @return the largest future skew in nanoseconds, {@link Long#MAX_VALUE} when unchecked. */
    public long maxFutureSkewNanos()
    {
        return maxFutureSkew == null ? Long.MAX_VALUE : maxFutureSkew.toNanos();
    }

    private static void check(final String key, final Duration d)
    {
        if (d != null && (d.isNegative() || d.compareTo(MAX) > 0))
        {
            throw ConfigException.invalid(key, d.toMillis() + "ms", "a duration from 0ms to 365d, e.g. 5s or 10m");
        }
    }
}
