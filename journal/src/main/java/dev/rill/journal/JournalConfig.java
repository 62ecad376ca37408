package dev.rill.journal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

import dev.rill.bus.ConfigException;
import dev.rill.bus.DiskFullAction;
import net.openhft.chronicle.queue.RollCycles;

/**
 * Configuration of the journals ({@code journal:} in rill.yaml, plus {@code dataDir}).
 *
 * @param dataDir     directory holding one sub-directory per journal ("in", "out").
 * @param rollCycle   Chronicle Queue roll cycle: how often a new journal file starts.
 * @param pretouch    {@code journal.pretouch}: whether each appending journal runs a
 *                    {@link JournalPretoucher} thread that faults in the pages ahead of the appender,
 *                    keeping page faults (and, on disk, block allocation) off the pipeline thread.
 *                    Default {@value #DEFAULT_PRETOUCH}; costs one mostly parked daemon thread per
 *                    appending journal.
 * @param diskReserve {@code journal.diskReserve}: bytes of the data directory's file system kept
 *                    free for what the bus has already accepted; below it new events are refused
 *                    or paused ({@link DiskSpaceMonitor}). 0 turns the check off. Default
 *                    {@link #DEFAULT_DISK_RESERVE} (512 MiB), see {@link #DEFAULT_DISK_RESERVE}.
 * @param onDiskFull  {@code journal.onDiskFull}: what happens to new events below the reserve.
 * @param retention   {@code journal.retention}: when old cycle files of "in" and "out" are deleted
 *                    ({@link JournalRetention}); by default never.
 */
public record JournalConfig(
    Path dataDir, String rollCycle, boolean pretouch, long diskReserve, DiskFullAction onDiskFull, RetentionConfig retention)
{
    public static final String DEFAULT_ROLL_CYCLE = "FAST_DAILY";
    public static final boolean DEFAULT_PRETOUCH = true;
    /**
     * 512 MiB. What the reserve must hold, worst case, once new events stop: a new cycle file of
     * each journal (both roll at the same instant; FAST_DAILY files are 80 MiB, sparse on ext4 and
     * xfs, but not on every file system), the events in the ring and their Results (ringSize x
     * maxEventBytes each, 8 MiB with the defaults), the pretouchers' 4 MiB lead per journal and
     * one monitor interval of appends at full rate (about 7 MB per journal): about 200 MiB. 512 MiB
     * leaves room for the rest of the host (logs, the positions file) and for a slow check.
     */
    public static final long DEFAULT_DISK_RESERVE = 512L << 20;
    public static final DiskFullAction DEFAULT_ON_DISK_FULL = DiskFullAction.REFUSE;

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
        if (diskReserve < 0)
        {
            throw ConfigException.invalid("journal.diskReserve", diskReserve, "0 (no check) or more bytes, e.g. 512MiB");
        }
        if (onDiskFull == null)
        {
            throw ConfigException.invalid("journal.onDiskFull", null, "one of " + Arrays.toString(DiskFullAction.values()));
        }
        if (retention == null)
        {
            retention = RetentionConfig.keepForever();
        }
    }

    /** A configuration with the default pretouch setting ({@value #DEFAULT_PRETOUCH}) and disk reserve. */
    public JournalConfig(final Path dataDir, final String rollCycle)
    {
        this(dataDir, rollCycle, DEFAULT_PRETOUCH);
    }

    /** A configuration with the default disk reserve and disk-full action. */
    public JournalConfig(final Path dataDir, final String rollCycle, final boolean pretouch)
    {
        this(dataDir, rollCycle, pretouch, DEFAULT_DISK_RESERVE, DEFAULT_ON_DISK_FULL, RetentionConfig.keepForever());
    }

    public static JournalConfig of(final Path dataDir)
    {
        return new JournalConfig(dataDir, DEFAULT_ROLL_CYCLE, DEFAULT_PRETOUCH);
    }

    /** @return this configuration with {@code journal.pretouch} set as given. */
    public JournalConfig withPretouch(final boolean pretouch)
    {
        return new JournalConfig(dataDir, rollCycle, pretouch, diskReserve, onDiskFull, retention);
    }

    /** @return this configuration with another data directory, everything else kept. */
    public JournalConfig withDataDir(final Path dataDir)
    {
        return new JournalConfig(dataDir, rollCycle, pretouch, diskReserve, onDiskFull, retention);
    }

    /** @return this configuration with {@code journal.diskReserve} and {@code journal.onDiskFull} set as given. */
    public JournalConfig withDiskReserve(final long diskReserve, final DiskFullAction onDiskFull)
    {
        return new JournalConfig(dataDir, rollCycle, pretouch, diskReserve, onDiskFull, retention);
    }

    /** @return this configuration with {@code journal.retention} set as given. */
    public JournalConfig withRetention(final RetentionConfig retention)
    {
        return new JournalConfig(dataDir, rollCycle, pretouch, diskReserve, onDiskFull, retention);
    }

    /** @return the directory of a named journal. */
    public Path directoryOf(final String journalName)
    {
        return dataDir.resolve(journalName);
    }
}
