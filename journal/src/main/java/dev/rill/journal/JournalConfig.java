package dev.rill.journal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import dev.rill.bus.ConfigException;
import net.openhft.chronicle.queue.RollCycles;

/**
 * Configuration of the journals ({@code journal:} in rill.yaml, plus {@code dataDir}).
 *
 * @param dataDir   directory holding one sub-directory per journal ("in", "out").
 * @param rollCycle Chronicle Queue roll cycle: how often a new journal file starts.
 */
public record JournalConfig(Path dataDir, String rollCycle)
{
    public static final String DEFAULT_ROLL_CYCLE = "FAST_DAILY";

    public JournalConfig
    {
        if (dataDir == null)
        {
            throw ConfigException.invalid("dataDir", null, "a directory path");
        }
        Objects.requireNonNull(rollCycle, "rollCycle");
        try
        {
            RollCycles.valueOf(rollCycle);
        }
        catch (final IllegalArgumentException e)
        {
            throw ConfigException.invalid("journal.rollCycle", rollCycle, "one of " + Arrays.toString(RollCycles.values()));
        }
    }

    public static JournalConfig of(final Path dataDir)
    {
        return new JournalConfig(dataDir, DEFAULT_ROLL_CYCLE);
    }

    /** @return the directory of a named journal. */
    public Path directoryOf(final String journalName)
    {
        return dataDir.resolve(journalName);
    }
}
