package dev.rill.journal;

/**
 * What an acknowledgement promises about an event ({@code durability.mode} in rill.yaml, and per
 * topic under {@code durability.topics}).
 */
public enum Durability
{
    /**
     * Acknowledged once the event is in the memory-mapped journal: it survives a crash or kill of
     * the process (the kernel still holds the page), not a power loss or kernel crash.
     */
    PAGE_CACHE("page-cache"),
    /**
     * Acknowledged once journal "in" is forced to disk (msync per batch, group commit): survives
     * power loss, at the cost of one disk flush per batch.
     */
    SYNC("sync");

    private final String configName;

    Durability(final String configName)
    {
        this.configName = configName;
    }

    /** @return the name used in configuration. */
    public String configName()
    {
        return configName;
    }

    /** @return the mode named {@code name} ("page-cache" or "sync"), or null. */
    public static Durability ofConfigName(final String name)
    {
        for (final Durability d : values())
        {
            if (d.configName.equalsIgnoreCase(name) || d.name().equalsIgnoreCase(name))
            {
                return d;
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        return configName;
    }
}
