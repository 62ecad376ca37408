package dev.rill.bus;

import java.util.Locale;

/**
 * What values a topic field accepts. Every value travels as a double on the wire; the type only
 * narrows which doubles are valid.
 */
public enum FieldType
{
    /** Any finite double. */
    DOUBLE,
    /** A finite double without a fractional part. */
    INT,
    /** 0 (false) or 1 (true). */
    BOOL;

    /** @return the name used in configuration and messages: double, int, bool. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true when the (finite) value has this type; does not allocate. */
    public boolean accepts(final double value)
    {
        switch (this)
        {
            case INT:
                return value == Math.rint(value);
            case BOOL:
                return value == 0.0 || value == 1.0;
            default:
                return true;
        }
    }

    /**
     * @param key  configuration key, for the message.
     * @param text double, int or bool (any case).
     * @throws ConfigException naming the key when the text is none of them.
     */
    public static FieldType parse(final String key, final String text)
    {
        if (text != null)
        {
            for (final FieldType t : values())
            {
                if (t.label().equalsIgnoreCase(text.strip()))
                {
                    return t;
                }
            }
        }
        throw ConfigException.invalid(key, text, "double, int or bool");
    }
}
