package dev.rill.bus;

import java.util.ArrayList;
import java.util.List;

/**
 * One version of a topic's schema: its fields in wire order. Producers send values positionally in
 * this order and may leave out trailing optional fields.
 *
 * <p>Immutable; the arrays below are what the gateway's validator reads per event, so checking an
 * event against a version allocates nothing.
 */
public final class SchemaVersion
{
    private final int version;
    private final List<TopicField> fields;
    private final String[] names;
    private final FieldType[] types;
    private final double[] min;
    private final double[] max;
    private final double[] defaults;
    private final int requiredCount;

    /**
     * @param version 1, 2, ...
     * @param fields  at least one field, names unique; optional fields only after the last required one.
     * @throws IllegalArgumentException saying which field is wrong.
     */
    public SchemaVersion(final int version, final List<TopicField> fields)
    {
        if (version < 1 || version > 65_535)
        {
            throw new IllegalArgumentException("schema version " + version + " is outside 1 to 65535");
        }
        if (fields.isEmpty())
        {
            throw new IllegalArgumentException("schema version " + version + " has no fields; declare at least one");
        }
        this.version = version;
        this.fields = List.copyOf(fields);
        final int n = this.fields.size();
        names = new String[n];
        types = new FieldType[n];
        min = new double[n];
        max = new double[n];
        defaults = new double[n];
        int required = 0;
        for (int i = 0; i < n; i++)
        {
            final TopicField f = this.fields.get(i);
            for (int j = 0; j < i; j++)
            {
                if (names[j].equals(f.name()))
                {
                    throw new IllegalArgumentException("schema version " + version + " declares field '" + f.name() + "' twice");
                }
            }
            if (f.required() && required < i)
            {
                throw new IllegalArgumentException("schema version " + version + ": required field '" + f.name() +
                    "' comes after optional field '" + names[required] + "'; values are positional, so optional fields go last");
            }
            if (f.required())
            {
                required = i + 1;
            }
            names[i] = f.name();
            types[i] = f.type();
            min[i] = f.min();
            max[i] = f.max();
            defaults[i] = f.defaultValue();
        }
        requiredCount = required;
    }

    /** @return version 1 of all-required doubles: what a plain list of field names declares. */
    public static SchemaVersion ofNames(final List<String> names)
    {
        final List<TopicField> fields = new ArrayList<>(names.size());
        for (final String name : names)
        {
            fields.add(TopicField.requiredDouble(name));
        }
        return new SchemaVersion(1, fields);
    }

    public int version()
    {
        return version;
    }

    public List<TopicField> fields()
    {
        return fields;
    }

    /** @return number of fields. */
    public int size()
    {
        return names.length;
    }

    /** @return how many values an event of this version must carry at least (up to the last required field). */
    public int requiredCount()
    {
        return requiredCount;
    }

    public String name(final int index)
    {
        return names[index];
    }

    public FieldType type(final int index)
    {
        return types[index];
    }

    public double min(final int index)
    {
        return min[index];
    }

    public double max(final int index)
    {
        return max[index];
    }

    /** @return the default of an optional field (NaN for a required one). */
    public double defaultValue(final int index)
    {
        return defaults[index];
    }

    /** @return the field names in wire order. */
    public List<String> names()
    {
        return List.of(names);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof SchemaVersion other && other.version == version && other.fields.equals(fields);
    }

    @Override
    public int hashCode()
    {
        return 31 * version + fields.hashCode();
    }

    @Override
    public String toString()
    {
        return "v" + version + fields;
    }
}
