package dev.rill.ops.replay;

import java.util.Locale;

import dev.rill.bus.ErrorCode;

/** How a replay keeps its Results. */
public enum ReplayFormat
{
    /** A Chronicle journal of SBE Result records with CRC32C trailers, like "out" ({@code <output>/results/}). */
    JOURNAL,
    /** One JSON object per line ({@code <output>/results.jsonl}): for scripts and other tools. */
    JSONL;

    /**
     * @return the format named {@code journal} or {@code jsonl}.
     * @throws ReplayException (USAGE) for any other name.
     */
    public static ReplayFormat parse(final String text)
    {
        for (final ReplayFormat f : values())
        {
            if (f.name().equalsIgnoreCase(text))
            {
                return f;
            }
        }
        throw new ReplayException(ErrorCode.USAGE, "--format: '" + text + "' is not a format; use journal or jsonl");
    }

    /** @return the name as written on the command line. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
