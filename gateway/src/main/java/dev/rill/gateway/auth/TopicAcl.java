package dev.rill.gateway.auth;

import java.util.List;
import java.util.Set;

/**
 * Topics a principal may produce to, or subscribe to: a set of topic names, where {@value #ANY}
 * allows every topic (and is needed to subscribe to all topics at once, the empty topic).
 *
 * <p>Immutable; any thread. {@link #allows(String)} does not allocate.
 */
public final class TopicAcl
{
    /** The wildcard: every topic. */
    public static final String ANY = "*";

    private static final TopicAcl NONE = new TopicAcl(Set.of(), false);
    private static final TopicAcl ALL = new TopicAcl(Set.of(), true);

    private final Set<String> topics;
    private final boolean any;

    private TopicAcl(final Set<String> topics, final boolean any)
    {
        this.topics = topics;
        this.any = any;
    }

    /** @return an ACL of these names ({@value #ANY} among them allows everything); null or empty allows nothing. */
    public static TopicAcl of(final List<String> names)
    {
        if (names == null || names.isEmpty())
        {
            return NONE;
        }
        return names.contains(ANY) ? ALL : new TopicAcl(Set.copyOf(names), false);
    }

    /** @return an ACL allowing every topic. */
    public static TopicAcl all()
    {
        return ALL;
    }

    /** @return whether this ACL allows the topic; the empty topic (all topics) only with {@value #ANY}. */
    public boolean allows(final String topic)
    {
        return any || (!topic.isEmpty() && topics.contains(topic));
    }

    /** @return whether it allows every topic. */
    public boolean allowsAll()
    {
        return any;
    }

    @Override
    public String toString()
    {
        return any ? ANY : topics.isEmpty() ? "none" : String.join(",", topics.stream().sorted().toList());
    }
}
