package dev.rill.ops.topic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

import dev.rill.bus.ConfigException;
import dev.rill.bus.SchemaVersion;
import dev.rill.bus.TopicCatalog;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.TopicSchema;
import dev.rill.ops.RillConfig;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.admin.TopicAdmin;

/**
 * Applies topic schema changes to a running bus: checks the new definition against the one in
 * force, writes it to {@link TopicStore} and only then swaps the {@link TopicCatalog} snapshot the
 * gateway validates against. A refused change changes nothing (neither the file nor the snapshot).
 *
 * <p>Rules: the topic must already be configured (a new topic needs rill.yaml and a restart: topic
 * ids size per-topic tables of the journal, scoring and hot-key stages); every version in force
 * stays exactly as it is; added versions keep every earlier field (name, type, position) and add
 * only optional fields with defaults; the newest version's fields plus the topic's streaming
 * features must fit {@code pipeline.maxFields}.
 *
 * <p>Threading: {@link #apply} is synchronized (one change at a time, on the admin thread);
 * {@link #topics()} reads the current snapshot from any thread.
 */
public final class TopicChanges implements TopicAdmin
{
    private final TopicCatalog catalog;
    private final TopicStore store;
    private final int maxFields;
    private final IntUnaryOperator streamingFeatures;

    /**
     * @param maxFields         {@code pipeline.maxFields}.
     * @param streamingFeatures topic id to the number of streaming features its events carry after their values.
     */
    public TopicChanges(final TopicCatalog catalog, final TopicStore store, final int maxFields, final IntUnaryOperator streamingFeatures)
    {
        this.catalog = catalog;
        this.store = store;
        this.maxFields = maxFields;
        this.streamingFeatures = streamingFeatures;
    }

    @Override
    public List<RillConfig.TopicSection> topics()
    {
        final List<RillConfig.TopicSection> list = new ArrayList<>();
        for (final TopicSchema t : catalog.current().topics())
        {
            list.add(RillConfig.TopicSection.of(t));
        }
        return list;
    }

    @Override
    public synchronized AdminOutcome apply(final RillConfig.TopicSection section)
    {
        final TopicSchema next;
        try
        {
            next = section.toSchema("topic");
        }
        catch (final ConfigException e)
        {
            return AdminOutcome.refused("INVALID_TOPIC", e.getMessage());
        }
        final TopicRegistry current = catalog.current();
        final int id = current.find(next.name());
        if (id < 0)
        {
            return AdminOutcome.refused("UNKNOWN_TOPIC", "topic '" + next.name() + "' is not configured; the topics are " +
                current.topics().stream().map(TopicSchema::name).toList() + ". A new topic needs an entry under topics: in " +
                "rill.yaml and a restart (topic ids size per-topic tables of the running pipeline); nothing changed");
        }
        final TopicSchema was = current.topic(id);
        if (was.equals(next))
        {
            return AdminOutcome.done("UNCHANGED", "topic '" + next.name() + "' already has exactly these " +
                next.versions().size() + " version(s); nothing changed");
        }
        final String problem = was.incompatibility(next);
        if (problem != null)
        {
            return AdminOutcome.refused("INCOMPATIBLE_SCHEMA", problem + "; nothing changed");
        }
        final int features = streamingFeatures.applyAsInt(id);
        if (next.latest().size() + features > maxFields)
        {
            return AdminOutcome.refused("TOO_MANY_FIELDS", "topic '" + next.name() + "' version " + next.latest().version() +
                " has " + next.latest().size() + " fields" + (features > 0 ? " plus " + features + " streaming features" : "") +
                ", above pipeline.maxFields (" + maxFields + "); raise pipeline.maxFields (restart) or add fewer fields; nothing changed");
        }
        final TopicRegistry updated = current.withTopic(next);
        try
        {
            store.save(updated.topics());
        }
        catch (final IOException e)
        {
            return AdminOutcome.refused("NOT_PERSISTED", "could not write " + store.file() + " (" + e.getMessage() +
                "), so the change would not survive a restart; nothing changed: fix the data directory and apply again");
        }
        catalog.replace(updated);
        final List<String> added = new ArrayList<>();
        for (int v = was.versions().size(); v < next.versions().size(); v++)
        {
            final SchemaVersion version = next.versions().get(v);
            added.add("version " + version.version() + " (adds " +
                version.names().subList(next.versions().get(v - 1).size(), version.size()) + ")");
        }
        return AdminOutcome.done("APPLIED", "topic '" + next.name() + "' now has versions 1 to " + next.versions().size() +
            "; added " + String.join(", ", added) + "; saved in " + store.file());
    }
}
