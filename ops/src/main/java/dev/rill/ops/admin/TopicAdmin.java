package dev.rill.ops.admin;

import java.util.List;

import dev.rill.ops.RillConfig;

/**
 * What the admin channel may ask of a running bus about its topics: list their schemas, and
 * apply a new definition of one (a compatible new schema version). {@code RillServer} implements
 * it through {@link dev.rill.ops.topic.TopicChanges}; {@link AdminClient} is the remote form.
 *
 * <p>Threading: the admin channel calls it one request at a time. An expected refusal (an
 * incompatible change, an unknown topic) is an {@link AdminOutcome} that was not done, never an
 * exception.
 */
public interface TopicAdmin
{
    /** @return every topic in force, with all its schema versions, in topic id order. */
    List<RillConfig.TopicSection> topics();

    /**
     * Puts a new definition of a configured topic in force: every version it has stays as it is,
     * versions may be added (each keeping every earlier field, adding only optional fields).
     *
     * @return APPLIED or UNCHANGED when done; INVALID_TOPIC, UNKNOWN_TOPIC, INCOMPATIBLE_SCHEMA,
     *         TOO_MANY_FIELDS or NOT_PERSISTED when refused (then nothing changed).
     */
    AdminOutcome apply(RillConfig.TopicSection topic);
}
