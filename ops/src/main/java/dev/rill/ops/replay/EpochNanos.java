package dev.rill.ops.replay;

import java.time.Instant;

/** Epoch nanoseconds as ISO-8601 instants, for the replay tools' messages. Stateless; allocates the text. */
final class EpochNanos
{
    private EpochNanos()
    {
    }

    /** @return e.g. {@code 2026-11-25T18:12:00.000123Z}. */
    static String text(final long epochNanos)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }
}
