package dev.rill.gateway;

import java.time.Duration;
import java.util.Map;

import dev.rill.bus.ConfigException;

/**
 * Per-producer quotas of the gateway ({@code gateway.quota:} in rill.yaml): a default for every
 * producer and overrides by producer id. Each connection of a producer gets a token bucket of its
 * limits when it says Hello (anonymous producers, id 0, a bucket per connection).
 *
 * @param eventsPerSecond default events per second per producer; 0 (the default) for no limit.
 * @param bytesPerSecond  default bytes per second per producer; 0 (the default) for no limit.
 * @param burst           default seconds of quota a bucket holds (1 ms to 1 h; 1 s by default).
 * @param onExceeded      pause (default) or refuse, for every producer.
 * @param producers       limits by producer id, replacing the defaults for that producer.
 */
public record QuotaConfig(long eventsPerSecond, long bytesPerSecond, Duration burst, QuotaAction onExceeded,
    Map<Long, QuotaLimits> producers)
{
    public static final Duration DEFAULT_BURST = Duration.ofSeconds(1);
    /** Most events per second a quota may name: one event costs a bucket at least 100 ns. */
    public static final long MAX_EVENTS_PER_SECOND = 10_000_000;
    /** Most bytes per second a quota may name (1 TiB/s). */
    public static final long MAX_BYTES_PER_SECOND = 1L << 40;

    public QuotaConfig
    {
        burst = burst == null ? DEFAULT_BURST : burst;
        onExceeded = onExceeded == null ? QuotaAction.PAUSE : onExceeded;
        producers = producers == null ? Map.of() : Map.copyOf(producers);
        check("gateway.quota.", new QuotaLimits(eventsPerSecond, bytesPerSecond, burst));
        for (final Map.Entry<Long, QuotaLimits> e : producers.entrySet())
        {
            if (e.getKey() < 0)
            {
                throw ConfigException.invalid("gateway.quota.producers", e.getKey(), "producer ids of 0 (anonymous) or more");
            }
            check("gateway.quota.producers." + e.getKey() + ".", e.getValue());
        }
    }

    /** @return no limit for anyone: the default. */
    public static QuotaConfig unlimited()
    {
        return new QuotaConfig(0, 0, DEFAULT_BURST, QuotaAction.PAUSE, Map.of());
    }

    /** @return the limits of {@code producerId}: its override, else the defaults. Allocates (call once per connection). */
    public QuotaLimits limitsFor(final long producerId)
    {
        final QuotaLimits own = producers.get(producerId);
        return own != null ? own : new QuotaLimits(eventsPerSecond, bytesPerSecond, burst);
    }

    private static void check(final String prefix, final QuotaLimits limits)
    {
        if (limits.eventsPerSecond() < 0 || limits.eventsPerSecond() > MAX_EVENTS_PER_SECOND)
        {
            throw ConfigException.invalid(prefix + "eventsPerSecond", limits.eventsPerSecond(),
                "0 (no limit) to " + MAX_EVENTS_PER_SECOND + " events per second");
        }
        if (limits.bytesPerSecond() < 0 || limits.bytesPerSecond() > MAX_BYTES_PER_SECOND)
        {
            throw ConfigException.invalid(prefix + "bytesPerSecond", limits.bytesPerSecond(),
                "0 (no limit) to 1TiB per second: bytes, or a number and a unit B, KiB, MiB, GiB, TiB");
        }
        final Duration burst = limits.burst();
        if (burst == null || burst.compareTo(Duration.ofMillis(1)) < 0 || burst.compareTo(Duration.ofHours(1)) > 0)
        {
            throw ConfigException.invalid(prefix + "burst", burst == null ? null : burst.toMillis() + "ms",
                "a duration from 1ms to 1h, e.g. 1s");
        }
    }
}
