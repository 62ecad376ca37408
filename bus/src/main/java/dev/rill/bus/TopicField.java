package dev.rill.bus;

import java.util.Objects;

/**
 * One field of a topic schema version: its name, type, whether producers must send it, the range
 * its values must lie in, and the value the server fills in when an optional field is left out.
 *
 * @param name         field name (what models and features refer to).
 * @param type         which doubles are valid.
 * @param required     true when a producer must send it; optional fields are trailing and have a default.
 * @param min          smallest valid value (inclusive); {@code -Infinity} for no bound.
 * @param max          largest valid value (inclusive); {@code +Infinity} for no bound.
 * @param defaultValue value of an optional field a producer left out; NaN for a required field.
 */
public record TopicField(String name, FieldType type, boolean required, double min, double max, double defaultValue)
{
    public TopicField
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("a field name is at least one character");
        }
        if (Double.isNaN(min) || Double.isNaN(max) || min > max)
        {
            throw new IllegalArgumentException("field '" + name + "': range [" + min + ", " + max + "] is empty; min must be <= max");
        }
        if (!required && !valid(type, min, max, defaultValue))
        {
            throw new IllegalArgumentException("field '" + name + "': default " + defaultValue + " is not a valid " + type.label() +
                " in " + rangeText(min, max) + "; an optional field needs a default it would accept from a producer");
        }
        if (required)
        {
            defaultValue = Double.NaN;
        }
    }

    /** @return a required double without a range: what the plain list of field names declares. */
    public static TopicField requiredDouble(final String name)
    {
        return new TopicField(name, FieldType.DOUBLE, true, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN);
    }

    /** @return true when the field has a bound on either side. */
    public boolean hasRange()
    {
        return min != Double.NEGATIVE_INFINITY || max != Double.POSITIVE_INFINITY;
    }

    /** @return the range as text, such as [0, 23]. */
    public String rangeText()
    {
        return rangeText(min, max);
    }

    /** @return what this field accepts, for messages: "int in [0, 23]", "bool", "double". */
    public String expected()
    {
        return type.label() + (hasRange() ? " in " + rangeText() : "");
    }

    private static boolean valid(final FieldType type, final double min, final double max, final double value)
    {
        return Double.isFinite(value) && type.accepts(value) && value >= min && value <= max;
    }

    private static String rangeText(final double min, final double max)
    {
        return "[" + number(min) + ", " + number(max) + "]";
    }

    private static String number(final double v)
    {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long)v) : Double.toString(v);
    }
}
