package dev.rill.ml.features;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Objects;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.TopicSchema;

/**
 * The streaming features of every topic that has them, as the scoring stage keeps them: one
 * {@link StreamingFeatures} per topic id, applied to each accepted event in ring order (the
 * order of journal "in"), with the "in" index of the last event applied.
 *
 * <p>{@link #apply} writes the event's features into its slot after the topic's own fields
 * ({@code fields[fieldCount ..]}), where the model's {@code FeatureExtractor} reads them by name:
 * {@link #extendedSchema} gives the field list extractors are built against.
 *
 * <p>State is a pure function of the sequence of events of "in", so recovery and replay, which
 * restore a checkpointed state and apply the following events of "in" again, compute exactly the
 * features the live path computed. Threading: one owner (the scoring thread); the state may be
 * restored before that thread starts.
 */
public final class FeatureState
{
    private static final int FORMAT = 1;

    private final StreamingFeatures[] byTopic;
    private final String[] topicNames;
    private long lastAppliedInIndex = Journal.NO_INDEX;
    private long applied;

    /**
     * @param topics  the configured topics, by topic id.
     * @param configs streaming features per topic; topics without an entry have none.
     */
    public FeatureState(final List<TopicSchema> topics, final List<StreamingFeaturesConfig> configs)
    {
        byTopic = new StreamingFeatures[topics.size()];
        topicNames = new String[topics.size()];
        for (int i = 0; i < topics.size(); i++)
        {
            topicNames[i] = topics.get(i).name();
        }
        for (final StreamingFeaturesConfig config : configs)
        {
            int topicId = -1;
            for (int i = 0; i < topics.size(); i++)
            {
                if (topics.get(i).name().equals(config.topic()))
                {
                    topicId = i;
                }
            }
            if (topicId < 0)
            {
                throw new dev.rill.bus.ConfigException("features: topic '" + config.topic() +
                    "' is not configured; the topics are " + List.of(topicNames) + "; add it under topics: or remove its features");
            }
            byTopic[topicId] = new StreamingFeatures(config, topics.get(topicId));
        }
    }

    /** @return a state with no streaming features (every topic scored from its own fields only). */
    public static FeatureState none(final List<TopicSchema> topics)
    {
        return new FeatureState(topics, List.of());
    }

    /** @return number of topic ids covered. */
    public int topicCount()
    {
        return byTopic.length;
    }

    /** @return true when at least one topic has streaming features. */
    public boolean any()
    {
        for (final StreamingFeatures f : byTopic)
        {
            if (f != null)
            {
                return true;
            }
        }
        return false;
    }

    /** @return streaming features a topic's events carry after their own fields (0 for none). */
    public int featureCount(final int topicId)
    {
        final StreamingFeatures f = topicId >= 0 && topicId < byTopic.length ? byTopic[topicId] : null;
        return f == null ? 0 : f.featureCount();
    }

    /** @return names of a topic's streaming features, in the order events carry them after their own values; empty for none. */
    public List<String> featureNames(final int topicId)
    {
        final StreamingFeatures f = topicId >= 0 && topicId < byTopic.length ? byTopic[topicId] : null;
        return f == null ? List.of() : f.featureNames();
    }

    /**
     * @return the topic's fields followed by its streaming feature names: what a model's feature
     * extractor resolves its fields against.
     */
    public TopicSchema extendedSchema(final int topicId, final TopicSchema topic)
    {
        final StreamingFeatures f = byTopic[topicId];
        if (f == null)
        {
            return topic;
        }
        final java.util.ArrayList<String> fields = new java.util.ArrayList<>(topic.fields());
        fields.addAll(f.featureNames());
        return new TopicSchema(topic.name(), fields);
    }

    /**
     * Applies one accepted event of "in" to its key's windows and writes its features into the
     * slot after the topic's fields. Does nothing for a topic without streaming features.
     * No allocation.
     */
    public void apply(final EventSlot slot)
    {
        final int topicId = slot.topicId();
        final StreamingFeatures f = topicId >= 0 && topicId < byTopic.length ? byTopic[topicId] : null;
        if (f != null)
        {
            f.update(slot.key(), slot.eventTimeNanos(), slot.fields(), slot.fields(), slot.fieldCount());
            lastAppliedInIndex = slot.inIndex();
            applied++;
        }
    }

    /** @return the "in" index of the last event applied ({@link Journal#NO_INDEX} before any). */
    public long lastAppliedInIndex()
    {
        return lastAppliedInIndex;
    }

    /** @return events applied since start (or restore). */
    public long applied()
    {
        return applied;
    }

    /** @return live keys over every topic. */
    public long keyCount()
    {
        long keys = 0;
        for (final StreamingFeatures f : byTopic)
        {
            keys += f == null ? 0 : f.keyCount();
        }
        return keys;
    }

    /** @return keys evicted over every topic (idle or over the bound). */
    public long evictedKeys()
    {
        long evicted = 0;
        for (final StreamingFeatures f : byTopic)
        {
            evicted += f == null ? 0 : f.evictedKeys();
        }
        return evicted;
    }

    /** @return the whole state as bytes (topic by topic, by name), for a checkpoint. Allocates. */
    public byte[] snapshot()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(FORMAT);
            out.writeLong(lastAppliedInIndex);
            int count = 0;
            for (final StreamingFeatures f : byTopic)
            {
                count += f == null ? 0 : 1;
            }
            out.writeInt(count);
            for (int i = 0; i < byTopic.length; i++)
            {
                if (byTopic[i] != null)
                {
                    out.writeUTF(topicNames[i]);
                    final byte[] state = byTopic[i].snapshot();
                    out.writeInt(state.length);
                    out.write(state);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot happen: writing to memory", ex);
        }
        return bytes.toByteArray();
    }

    /**
     * Replaces the state with a snapshot.
     *
     * @throws IllegalArgumentException when the snapshot does not fit this configuration (a topic
     *         added or removed, windows changed) or is malformed; the state is then left empty.
     */
    public void restore(final byte[] snapshot)
    {
        Objects.requireNonNull(snapshot, "snapshot");
        clear();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot)))
        {
            final int format = in.readInt();
            if (format != FORMAT)
            {
                throw new IllegalArgumentException("feature state format " + format + " is not " + FORMAT);
            }
            final long index = in.readLong();
            final int count = in.readInt();
            int expected = 0;
            for (final StreamingFeatures f : byTopic)
            {
                expected += f == null ? 0 : 1;
            }
            if (count != expected)
            {
                throw new IllegalArgumentException("feature state holds " + count + " topics, the configuration has " + expected);
            }
            for (int n = 0; n < count; n++)
            {
                final String name = in.readUTF();
                final int topicId = List.of(topicNames).indexOf(name);
                if (topicId < 0 || byTopic[topicId] == null)
                {
                    throw new IllegalArgumentException("feature state of topic '" + name + "', which has no streaming features now");
                }
                final byte[] state = new byte[in.readInt()];
                in.readFully(state);
                byTopic[topicId].restore(state);
            }
            lastAppliedInIndex = index;
        }
        catch (final IOException | RuntimeException ex)
        {
            clear();
            throw ex instanceof IllegalArgumentException iae ? iae :
                new IllegalArgumentException("feature state is malformed: " + ex.getMessage(), ex);
        }
    }

    /** Empties every topic's state. */
    public void clear()
    {
        for (final StreamingFeatures f : byTopic)
        {
            if (f != null)
            {
                f.clear();
            }
        }
        lastAppliedInIndex = Journal.NO_INDEX;
        applied = 0;
    }
}
