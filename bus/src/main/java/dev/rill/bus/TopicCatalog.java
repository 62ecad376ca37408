package dev.rill.bus;

import java.util.Objects;

/**
 * The topic registry in force: an immutable {@link TopicRegistry} snapshot behind a volatile
 * reference, replaced whole when a schema version is added while the bus runs.
 *
 * <p>Readers (the gateway's event loops) take {@link #current()} once per event and validate
 * against that snapshot, so an event in flight keeps the schema it was validated with. Writers
 * (the admin channel, one change at a time) call {@link #replace}; a replacement keeps every
 * topic id. One volatile read per event; no locks, no allocation for readers.
 */
public final class TopicCatalog
{
    private volatile TopicRegistry current;

    public TopicCatalog(final TopicRegistry initial)
    {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /** @return the snapshot in force now. Any thread. */
    public TopicRegistry current()
    {
        return current;
    }

    /**
     * Puts a new snapshot in force. Callers check compatibility first and serialise their changes
     * (the admin channel runs one request at a time).
     */
    public void replace(final TopicRegistry next)
    {
        current = Objects.requireNonNull(next, "next");
    }
}
