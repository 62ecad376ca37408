package dev.rill.journal.verify;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalException;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;

/**
 * A journal's directory as files: its cycle files in cycle order and the roll cycle that names
 * them, read with plain file-system calls (nothing is opened by Chronicle or memory-mapped).
 *
 * <p>The roll cycle comes from the configuration; when the file names do not match it (a tool run
 * without the server's configuration), the one roll cycle whose name format matches every file is
 * used instead. Immutable after {@link #open}; any thread.
 */
public final class JournalDirectory
{
    /** Suffix of Chronicle Queue cycle files. */
    public static final String CYCLE_FILE_SUFFIX = ".cq4";
    /** Chronicle Queue's per-queue metadata file. */
    public static final String METADATA_FILE = "metadata.cq4t";

    private final String name;
    private final Path path;
    private final RollCycle rollCycle;
    private final List<CycleFile> cycleFiles;

    private JournalDirectory(final String name, final Path path, final RollCycle rollCycle, final List<CycleFile> cycleFiles)
    {
        this.name = name;
        this.path = path;
        this.rollCycle = rollCycle;
        this.cycleFiles = cycleFiles;
    }

    /**
     * Lists the named journal's cycle files under the configured data directory.
     *
     * @throws JournalException when the directory is missing or is not a journal (no Chronicle
     *                          files at all), or its cycle file names match no roll cycle.
     */
    public static JournalDirectory open(final JournalConfig config, final String name)
    {
        final Path dir = config.directoryOf(name);
        if (!Files.isDirectory(dir))
        {
            throw new JournalException("journal '" + name + "': no journal directory " + dir +
                "; check --data-dir (the server's dataDir)");
        }
        final List<Path> files;
        try (Stream<Path> list = Files.list(dir))
        {
            files = list.filter(p -> p.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX) && Files.isRegularFile(p))
                .toList();
        }
        catch (final IOException e)
        {
            throw new JournalException("journal '" + name + "': cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty() && !Files.exists(dir.resolve(METADATA_FILE)))
        {
            throw new JournalException("journal '" + name + "': " + dir + " is not a journal (no " + METADATA_FILE +
                ", no *" + CYCLE_FILE_SUFFIX + " cycle files); check --data-dir (the server's dataDir)");
        }
        final RollCycle configured = RollCycles.valueOf(config.rollCycle());
        RollCycle rollCycle = parsesAll(configured, files) ? configured : null;
        if (rollCycle == null)
        {
            for (final RollCycles candidate : RollCycles.values())
            {
                if (parsesAll(candidate, files))
                {
                    rollCycle = candidate;
                    break;
                }
            }
        }
        if (rollCycle == null)
        {
            throw new JournalException("journal '" + name + "': the cycle files in " + dir + " match no roll cycle (" +
                "configured " + configured + ", file name format " + configured.format() + "); move files that are not " +
                "this journal's out of the directory");
        }
        final RollingResourcesCache names = namesOf(rollCycle);
        final List<CycleFile> cycleFiles = new ArrayList<>(files.size());
        for (final Path file : files)
        {
            cycleFiles.add(new CycleFile(file, cycleOf(names, file), sizeOf(name, file)));
        }
        cycleFiles.sort(Comparator.comparingInt(CycleFile::cycle));
        return new JournalDirectory(name, dir, rollCycle, List.copyOf(cycleFiles));
    }

    /** @return the journal's name ("in", "out"). */
    public String name()
    {
        return name;
    }

    /** @return the journal's directory. */
    public Path path()
    {
        return path;
    }

    /** @return the roll cycle naming its files and laying out its indexes. */
    public RollCycle rollCycle()
    {
        return rollCycle;
    }

    /** @return its cycle files, oldest cycle first; empty for an empty journal. */
    public List<CycleFile> cycleFiles()
    {
        return cycleFiles;
    }

    private static boolean parsesAll(final RollCycle rollCycle, final List<Path> files)
    {
        final RollingResourcesCache names = namesOf(rollCycle);
        for (final Path file : files)
        {
            if (cycleOf(names, file) == Integer.MIN_VALUE)
            {
                return false;
            }
        }
        return true;
    }

    /** @return the file's cycle, or {@link Integer#MIN_VALUE} when its name is not one of the roll cycle's. */
    private static int cycleOf(final RollingResourcesCache names, final Path file)
    {
        final String stem = stem(file.getFileName().toString());
        try
        {
            final int cycle = names.parseCount(stem);
            return names.resourceFor(cycle).text.equals(stem) ? cycle : Integer.MIN_VALUE;
        }
        catch (final RuntimeException e)
        {
            return Integer.MIN_VALUE;
        }
    }

    private static RollingResourcesCache namesOf(final RollCycle rollCycle)
    {
        // Chronicle's own file naming, so names parse exactly as Chronicle formats them.
        return new RollingResourcesCache(rollCycle, rollCycle.defaultEpoch(),
            text -> new File(text + CYCLE_FILE_SUFFIX), f -> stem(f.getName()));
    }

    private static String stem(final String fileName)
    {
        return fileName.endsWith(CYCLE_FILE_SUFFIX) ? fileName.substring(0, fileName.length() - CYCLE_FILE_SUFFIX.length()) : fileName;
    }

    private static long sizeOf(final String name, final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException e)
        {
            throw new JournalException("journal '" + name + "': cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }
}
