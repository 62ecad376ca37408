package dev.rill.gateway.auth;

import java.util.Objects;

import dev.rill.bus.TopicRegistry;

/**
 * Who a connection is, once its Hello token matched, and what it may do: produce to the topics of
 * {@link #produce()}, subscribe to those of {@link #subscribe()}, and, with {@link #admin()}, use
 * the admin channel (model deploy, shadow, rollback).
 *
 * <p>Immutable; any thread. A connection keeps the principal it authenticated as for its whole
 * life, even when the tokens file changes (a revoked token is refused at its next Hello).
 *
 * @param name      the principal's name, shown in logs and refusals (never a token).
 * @param produce   topics it may send events to.
 * @param subscribe topics it may subscribe to.
 * @param admin     whether its token is accepted on the admin channel.
 */
public record Principal(String name, TopicAcl produce, TopicAcl subscribe, boolean admin)
{
    /** Everyone when authentication is off: every topic, no admin rights (the admin channel has its own token). */
    public static final Principal ANONYMOUS = new Principal("anonymous", TopicAcl.all(), TopicAcl.all(), false);

    public Principal
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(produce, "produce");
        Objects.requireNonNull(subscribe, "subscribe");
    }

    /**
     * @return per topic id of {@code topics}, whether this principal may produce to it: the
     *         per-event check is then one array read. Allocates (once per connection).
     */
    public boolean[] producibleTopics(final TopicRegistry topics)
    {
        final boolean[] allowed = new boolean[topics.size()];
        for (int i = 0; i < allowed.length; i++)
        {
            allowed[i] = produce.allows(topics.topic(i).name());
        }
        return allowed;
    }
}
