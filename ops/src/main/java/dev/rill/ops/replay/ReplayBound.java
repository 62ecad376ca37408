package dev.rill.ops.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.TimeSpan;

/**
 * One end of a replay range as the operator wrote it: an index of journal "in" (decimal, as
 * {@code rill journal dump} prints it, or {@code 0x} and hex, as checkpoint file names show it), or
 * a time compared with the events' ingest time: an ISO-8601 instant ({@code 2026-11-25T18:00:00Z},
 * an offset such as {@code +01:00} allowed), {@code now}, or a time before now ({@code -2h},
 * {@code -90m}, {@code -30s}, {@code -1d}).
 *
 * <p>Immutable; any thread.
 *
 * @param text      what was written, for messages.
 * @param index     the index, or {@link #NONE} for a time.
 * @param timeNanos the time in epoch nanoseconds, or {@link #NONE} for an index.
 */
public record ReplayBound(String text, long index, long timeNanos)
{
    /** Marks the part of the bound that is not given. */
    public static final long NONE = Long.MIN_VALUE;

    /** @return true when the bound is an index of "in", false for a time. */
    public boolean isIndex()
    {
        return index != NONE;
    }

    /** @return a bound at an index of "in". */
    public static ReplayBound index(final long index)
    {
        return new ReplayBound(Long.toString(index), index, NONE);
    }

    /**
     * @param option the option's name ({@code --from}), for the message.
     * @param text   the option's value.
     * @param now    the time relative bounds count back from.
     * @throws ReplayException (USAGE) when the text is none of the forms.
     */
    public static ReplayBound parse(final String option, final String text, final Instant now)
    {
        final String t = text == null ? "" : text.strip();
        try
        {
            if (t.matches("[0-9]{1,19}"))
            {
                return new ReplayBound(t, Long.parseLong(t), NONE);
            }
            if (t.matches("0[xX][0-9a-fA-F]{1,16}"))
            {
                return new ReplayBound(t, Long.parseUnsignedLong(t.substring(2), 16), NONE);
            }
            if (t.equals("now"))
            {
                return new ReplayBound(t, NONE, nanos(now));
            }
            if (t.startsWith("-"))
            {
                final Duration ago = TimeSpan.parse(option, t.substring(1));
                return new ReplayBound(t, NONE, nanos(now.minus(ago)));
            }
            if (t.indexOf('T') > 0)
            {
                final Instant instant = t.endsWith("Z") || t.endsWith("z") ? Instant.parse(t.toUpperCase(java.util.Locale.ROOT)) :
                    OffsetDateTime.parse(t).toInstant();
                return new ReplayBound(t, NONE, nanos(instant));
            }
        }
        catch (final NumberFormatException | DateTimeParseException | ConfigException | ArithmeticException e)
        {
            // falls through to the message below
        }
        throw new ReplayException(ErrorCode.USAGE, option + ": '" + text + "' is neither an index of journal in (a number as " +
            "`rill journal dump` prints it, or 0x and hex) nor a time (an ISO-8601 instant such as 2026-11-25T18:00:00Z, " +
            "now, or a time before now such as -2h, -30m, -90s)");
    }

    private static long nanos(final Instant instant)
    {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }
}
