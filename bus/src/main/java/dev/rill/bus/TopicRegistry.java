package dev.rill.bus;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * The configured topics, found by the bytes of their name without allocating.
 *
 * <p>Immutable after construction, so any thread may read it; a schema change makes a new registry
 * ({@link #withTopic}) that {@link TopicCatalog} swaps in. A topic's id is its position, the same
 * in every registry derived from the first. Topics are few (tens), so a
 * linear scan comparing lengths first beats hashing the name.
 */
public final class TopicRegistry
{
    private final TopicSchema[] topics;
    private final byte[][] names;

    public TopicRegistry(final List<TopicSchema> topics)
    {
        this.topics = topics.toArray(new TopicSchema[0]);
        this.names = new byte[this.topics.length][];
        for (int i = 0; i < this.topics.length; i++)
        {
            names[i] = this.topics[i].name().getBytes(StandardCharsets.UTF_8);
            for (int j = 0; j < i; j++)
            {
                if (this.topics[j].name().equals(this.topics[i].name()))
                {
                    throw new IllegalArgumentException("topic '" + this.topics[i].name() + "' is declared twice");
                }
            }
        }
    }

    /**
     * @return a registry like this one with the topic of the same name replaced by {@code topic}
     * (same id), or with {@code topic} added at the end when none has its name.
     */
    public TopicRegistry withTopic(final TopicSchema topic)
    {
        final java.util.ArrayList<TopicSchema> list = new java.util.ArrayList<>(List.of(topics));
        final int id = find(topic.name());
        if (id < 0)
        {
            list.add(topic);
        }
        else
        {
            list.set(id, topic);
        }
        return new TopicRegistry(list);
    }

    /**
     * @return id of the topic whose name is the given bytes, or -1 when none is.
     */
    public int find(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < names.length; i++)
        {
            final byte[] name = names[i];
            if (name.length == length && equals(name, buffer, offset))
            {
                return i;
            }
        }
        return -1;
    }

    /** @return id of the named topic, or -1. */
    public int find(final String name)
    {
        for (int i = 0; i < topics.length; i++)
        {
            if (topics[i].name().equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    public TopicSchema topic(final int id)
    {
        return topics[id];
    }

    /** @return encoded name of a topic; callers must not modify it. */
    public byte[] nameBytes(final int id)
    {
        return names[id];
    }

    public int size()
    {
        return topics.length;
    }

    public List<TopicSchema> topics()
    {
        return List.of(topics);
    }

    private static boolean equals(final byte[] name, final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < name.length; i++)
        {
            if (name[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }
}
