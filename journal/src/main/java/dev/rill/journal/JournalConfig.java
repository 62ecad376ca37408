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
 * @param pretouch  {@code journal.pretouch}: whether each appending journal runs a
 *                  {@link JournalPretoucher} thread that faults in the pages ahead of the appender,
 *                  keeping page faults (and, on disk, block allocation) off the pipeline thread.
 *                  Default {@value #DEFAULT_PRETOUCH}; costs one mostly parked daemon thread per
 *                  appending journal.
 */
public record JournalConfig(Path dataDir, String rollCycle, boolean pretouch)
{
    public static final String DEFAULT_ROLL_CYCLE = "FAST_DAILY";
    public static final boolean DEFAULT_PRETOUCH = true;

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

    /** A configuration with the default pretouch setting ({@value #DEFAULT_PRETOUCH}). */
    public JournalConfig(final Path dataDir, final String rollCycle)
    {
        this(dataDir, rollCycle, DEFAULT_PRETOUCH);
    }

    public static JournalConfig of(final Path dataDir)
    {
        return new JournalConfig(dataDir, DEFAULT_ROLL_CYCLE, DEFAULT_PRETOUCH);
    }

    /** @return this configuration with {@code journal.pretouch} set as given. */
    public JournalConfig withPretouch(final boolean pretouch)
    {
        return new JournalConfig(dataDir, rollCycle, pretouch);
    }

    /** @return the directory of a named journal. */
    public Path directoryOf(final String journalName)
    {
        return dataDir.resolve(journalName);
    }
}
