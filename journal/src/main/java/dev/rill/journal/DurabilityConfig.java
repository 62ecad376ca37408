package dev.rill.journal;

import java.util.Map;

import dev.rill.bus.ConfigException;

/**
 * What acknowledgements promise ({@code durability:} in rill.yaml).
 *
 * @param mode               global mode: {@link Durability#PAGE_CACHE} (default) or {@link Durability#SYNC}.
 * @param syncIntervalMicros in sync mode, the least time between two forces of journal "in" to
 *                           disk; 0 (default) forces at the end of every batch. A longer interval
 *                           makes batches, and so fewer forces, larger; acknowledgements wait for
 *                           the force either way.
 * @param topics             per-topic modes overriding the global one (topic name to mode).
 */
public record DurabilityConfig(Durability mode, long syncIntervalMicros, Map<String, Durability> topics)
{
    public DurabilityConfig
    {
        if (mode == null)
        {
            throw ConfigException.invalid("durability.mode", null, "page-cache or sync");
        }
        if (syncIntervalMicros < 0 || syncIntervalMicros > 1_000_000)
        {
            throw ConfigException.invalid("durability.syncIntervalMicros", syncIntervalMicros, "0 to 1000000 (1 s)");
        }
        topics = topics == null ? Map.of() : Map.copyOf(topics);
    }

    /** @return page-cache for every topic. */
    public static DurabilityConfig defaults()
    {
        return new DurabilityConfig(Durability.PAGE_CACHE, 0, Map.of());
    }

    /** @return the mode of the named topic. */
    public Durability modeOf(final String topic)
    {
        return topics.getOrDefault(topic, mode);
    }

    /** @return true when any topic is journaled in sync mode. */
    public boolean anySync()
    {
        return mode == Durability.SYNC || topics.containsValue(Durability.SYNC);
    }
}
