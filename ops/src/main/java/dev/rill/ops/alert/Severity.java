package dev.rill.ops.alert;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How urgently an alert needs a person: {@link #PAGE} wakes someone now, {@link #TICKET} is for
 * the next working hours, {@link #INFO} is only recorded. Written in lower case in the
 * configuration and in JSON ({@code page}, {@code ticket}, {@code info}).
 */
public enum Severity
{
    /** Someone must act now: the error budget or the bus itself is at risk within hours. */
    PAGE,
    /** Someone should look within a working day. */
    TICKET,
    /** Recorded and sent to the sinks, nobody needs to act. */
    INFO;

    /** @return the name as configured and in JSON: "page", "ticket", "info". */
    @JsonValue
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return whether this is more urgent than {@code other}. */
    public boolean above(final Severity other)
    {
        return ordinal() < other.ordinal();
    }

    @Override
    public String toString()
    {
        return configName();
    }
}
