package dev.rill.bus;

import java.util.List;
import java.util.Objects;

/**
 * A topic and the versions of its schema. Version {@code n} is {@code versions().get(n - 1)}; each
 * later version keeps every field of the one before it (same name, type and position) and only
 * appends optional fields, so a field's position is the same in every version that has it.
 *
 * <p>Immutable, so any thread may read it. {@link #version(int)} does not allocate.
 */
public final class TopicSchema
{
    private final String name;
    private final List<SchemaVersion> versions;
    private final SchemaVersion[] byNumber;
    private final List<String> fields;

    /**
     * A topic of one version whose fields are all required doubles (the plain list form of
     * {@code topics:}).
     *
     * @param name   topic name as producers send it (ASCII, 1 to 64 characters).
     * @param fields field names, in the order producers send their values.
     */
    public TopicSchema(final String name, final List<String> fields)
    {
        this(name, List.of(SchemaVersion.ofNames(fields)), true);
    }

    private TopicSchema(final String name, final List<SchemaVersion> versions, final boolean unused)
    {
        this.name = Objects.requireNonNull(name, "name");
        this.versions = List.copyOf(versions);
        if (this.versions.isEmpty())
        {
            throw new IllegalArgumentException("topic '" + name + "' has no schema version");
        }
        byNumber = this.versions.toArray(new SchemaVersion[0]);
        for (int i = 0; i < byNumber.length; i++)
        {
            if (byNumber[i].version() != i + 1)
            {
                throw new IllegalArgumentException("topic '" + name + "': versions are numbered 1, 2, ... in order; entry " +
                    (i + 1) + " says version " + byNumber[i].version());
            }
            if (i > 0)
            {
                final String problem = successorProblem(byNumber[i - 1], byNumber[i]);
                if (problem != null)
                {
                    throw new IllegalArgumentException("topic '" + name + "': " + problem);
                }
            }
        }
        fields = byNumber[byNumber.length - 1].names();
    }

    /**
     * @param name     topic name.
     * @param versions versions 1, 2, ... in order, each a compatible successor of the one before.
     * @throws IllegalArgumentException naming the version and field that break the rules.
     */
    public static TopicSchema versioned(final String name, final List<SchemaVersion> versions)
    {
        return new TopicSchema(name, versions, true);
    }

    public String name()
    {
        return name;
    }

    public List<SchemaVersion> versions()
    {
        return versions;
    }

    /** @return the newest version. */
    public SchemaVersion latest()
    {
        return byNumber[byNumber.length - 1];
    }

    /**
     * @param version 1, 2, ...; 0 means 1 (events of producers that do not name a version).
     * @return the version, or null when the topic has no such version. Does not allocate.
     */
    public SchemaVersion version(final int version)
    {
        final int n = version == 0 ? 1 : version;
        return n >= 1 && n <= byNumber.length ? byNumber[n - 1] : null;
    }

    /**
     * @return field names of the newest version, in wire order: every field any version has, each
     * at the position it has in every version.
     */
    public List<String> fields()
    {
        return fields;
    }

    /** @return position of a field (the same in every version that has it), or -1 when no version has it. */
    public int fieldIndex(final String field)
    {
        return fields.indexOf(field);
    }

    /**
     * Checks that {@code next} may replace this schema while producers and models keep running:
     * same name, every version here unchanged, and each added version a compatible successor.
     *
     * @return null when it may, else one sentence naming the version and field and why not.
     */
    public String incompatibility(final TopicSchema next)
    {
        if (!next.name.equals(name))
        {
            return "topic name '" + next.name + "' is not '" + name + "'";
        }
        if (next.byNumber.length < byNumber.length)
        {
            return "topic '" + name + "' has versions 1 to " + byNumber.length + "; the new definition has only " +
                next.byNumber.length + ": versions are never removed (producers may still send them)";
        }
        for (int i = 0; i < byNumber.length; i++)
        {
            final SchemaVersion was = byNumber[i];
            final SchemaVersion now = next.byNumber[i];
            if (!was.equals(now))
            {
                return "topic '" + name + "' version " + was.version() + " would change (" + difference(was, now) +
                    "); a published version never changes: add a new version instead";
            }
        }
        return null;
    }

    /** @return null when {@code next} is a compatible successor of {@code previous}, else why not. */
    static String successorProblem(final SchemaVersion previous, final SchemaVersion next)
    {
        if (next.size() < previous.size())
        {
            return "version " + next.version() + " drops field '" + previous.name(next.size()) + "' of version " +
                previous.version() + "; a new version keeps every earlier field";
        }
        for (int i = 0; i < previous.size(); i++)
        {
            final TopicField was = previous.fields().get(i);
            final TopicField now = next.fields().get(i);
            if (!was.name().equals(now.name()))
            {
                return "version " + next.version() + " has field '" + now.name() + "' at position " + (i + 1) + " where version " +
                    previous.version() + " has '" + was.name() + "'; a new version keeps every earlier field, in the same order";
            }
            if (was.type() != now.type())
            {
                return "version " + next.version() + " changes the type of field '" + now.name() + "' from " + was.type().label() +
                    " to " + now.type().label() + "; a new version keeps each earlier field's type";
            }
        }
        for (int i = previous.size(); i < next.size(); i++)
        {
            final TopicField added = next.fields().get(i);
            if (added.required())
            {
                return "version " + next.version() + " adds field '" + added.name() + "' as required; a new version may only add " +
                    "optional fields with a default (producers of version " + previous.version() + " do not send it)";
            }
        }
        return null;
    }

    private static String difference(final SchemaVersion was, final SchemaVersion now)
    {
        final int n = Math.max(was.size(), now.size());
        for (int i = 0; i < n; i++)
        {
            final TopicField a = i < was.size() ? was.fields().get(i) : null;
            final TopicField b = i < now.size() ? now.fields().get(i) : null;
            if (a == null)
            {
                return "field '" + b.name() + "' added at position " + (i + 1);
            }
            if (b == null)
            {
                return "field '" + a.name() + "' removed";
            }
            if (!a.equals(b))
            {
                return "field '" + a.name() + "' was " + describe(a) + ", now '" + b.name() + "' " + describe(b);
            }
        }
        return "no field differs";
    }

    private static String describe(final TopicField f)
    {
        return f.expected() + (f.required() ? ", required" : ", optional, default " + f.defaultValue());
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof TopicSchema other && other.name.equals(name) && other.versions.equals(versions);
    }

    @Override
    public int hashCode()
    {
        return name.hashCode() * 31 + versions.hashCode();
    }

    @Override
    public String toString()
    {
        return "TopicSchema[name=" + name + ", versions=" + versions + "]";
    }
}
