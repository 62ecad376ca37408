package dev.rill.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The roll-cycle files of one open {@link ChronicleJournal}, for retention: which there are, what
 * each holds, whether this process holds one open, and deleting one the way Chronicle Queue's
 * authors intend while the queue is open.
 *
 * <p>Deleting: the file is removed from the directory, then
 * {@link SingleChronicleQueue#refreshDirectoryListing()} updates the queue's cached view of its
 * cycles (first index, first cycle) at once, instead of at its next periodic refresh. Appenders
 * are not affected (they only write the newest cycle, which is never deleted); a tailer positioned
 * before the deleted file moves on to the next remaining cycle.
 *
 * <p>Threading: retention's thread only. {@link #extent} opens a short-lived tailer (it maps the
 * cycle's file for a moment); the rest reads the directory.
 */
final class JournalCycleFiles
{
    private static final String SUFFIX = ".cq4";

    private final String journalName;
    private final Path directory;
    private final SingleChronicleQueue queue;
    private final CycleFileUsers users;
    private final TimeProvider time;
    private final RollingResourcesCache names;

    JournalCycleFiles(
        final String journalName, final Path directory, final SingleChronicleQueue queue, final CycleFileUsers users,
        final TimeProvider time)
    {
        this.journalName = journalName;
        this.directory = directory;
        this.queue = queue;
        this.users = users;
        this.time = time;
        // The queue's own file-name <-> cycle mapping (same roll cycle and epoch), so names parse exactly as Chronicle writes them.
        this.names = new RollingResourcesCache(queue.rollCycle(), queue.epoch(),
            name -> directory.resolve(name + SUFFIX).toFile(),
            file -> file.getName().substring(0, file.getName().length() - SUFFIX.length()));
    }

    String journalName()
    {
        return journalName;
    }

    /**
     * @return the cycle files in the directory now, oldest first (listed from the file system,
     *         not from the queue's cache). Files whose names are not a cycle of this roll cycle are
     *         ignored.
     */
    List<CycleFile> list() throws IOException
    {
        final List<CycleFile> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*" + SUFFIX))
        {
            for (final Path path : entries)
            {
                final Long cycle = cycleOf(path);
                if (cycle != null)
                {
                    files.add(new CycleFile(cycle.intValue(), path));
                }
            }
        }
        files.sort(Comparator.comparingInt(CycleFile::cycle));
        return files;
    }

    /** @return the records a cycle holds, read through a tailer that is closed before returning. */
    CycleExtent extent(final int cycle)
    {
        final RollCycle rollCycle = queue.rollCycle();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            final long records = tailer.excerptsInCycle(cycle);
            if (records <= 0)
            {
                return CycleExtent.EMPTY;
            }
            final long last = rollCycle.toIndex(cycle, records - 1);
            long dataBytes = 0;
            if (tailer.moveToIndex(last))
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (dc.isPresent())
                    {
                        dataBytes = dc.wire().bytes().readLimit(); // an offset in the file: the end of the last record
                    }
                }
            }
            return new CycleExtent(rollCycle.toIndex(cycle, 0), last, records, dataBytes);
        }
    }

    /** @return whether an appender or tailer of this process holds the cycle's file open. */
    boolean held(final int cycle)
    {
        return users.held(cycle);
    }

    /** @return the cycle the queue's clock is in now: the one appends go to. */
    int currentCycle()
    {
        return queue.cycle();
    }

    /** @return the queue clock's time, epoch milliseconds. */
    long nowMillis()
    {
        return time.currentTimeMillis();
    }

    /** @return when the cycle ends (epoch milliseconds): every record in it is older than that. */
    long cycleEndMillis(final int cycle)
    {
        return queue.epoch() + (cycle + 1L) * queue.rollCycle().lengthInMillis();
    }

    /**
     * Deletes the cycle's file and refreshes the queue's view of its directory.
     *
     * @throws IOException when the file cannot be deleted (nothing is changed then).
     */
    void delete(final CycleFile file) throws IOException
    {
        Files.delete(file.path());
        queue.refreshDirectoryListing();
    }

    private Long cycleOf(final Path path)
    {
        try
        {
            return names.toLong(path.toFile());
        }
        catch (final RuntimeException e)
        {
            return null; // not a file of this roll cycle: not ours to judge
        }
    }
}
