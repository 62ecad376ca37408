package dev.rill.journal;

import dev.rill.bus.ConfigException;

/**
 * When checkpoints are taken ({@code checkpoint:} in rill.yaml).
 *
 * @param intervalSeconds time between two checkpoints while events flow (one is also written at
 *                        clean shutdown). Recovery replays journal "in" from the newest
 *                        checkpoint, so this bounds the replay at start.
 * @param keep            checkpoint files kept (at least 2, so a damaged newest one has a predecessor).
 */
public record CheckpointConfig(int intervalSeconds, int keep)
{
    public static final int DEFAULT_INTERVAL_SECONDS = 10;

    public CheckpointConfig
    {
        if (intervalSeconds < 1 || intervalSeconds > 3600)
        {
            throw ConfigException.invalid("checkpoint.intervalSeconds", intervalSeconds, "1 to 3600");
        }
        if (keep < 2 || keep > 100)
        {
            throw ConfigException.invalid("checkpoint.keep", keep, "2 to 100");
        }
    }

    public static CheckpointConfig defaults()
    {
        return new CheckpointConfig(DEFAULT_INTERVAL_SECONDS, CheckpointStore.DEFAULT_KEEP);
    }
}
