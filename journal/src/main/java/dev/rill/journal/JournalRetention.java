package dev.rill.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.rill.bus.ByteSize;
import dev.rill.bus.Journal;
import dev.rill.bus.TimeSpan;

/**
 * Deletes old cycle files of the journals, oldest first, by age ({@code journal.retention.maxAge})
 * and/or size ({@code journal.retention.maxBytes}), and never one that is still needed.
 *
 * <p>A cycle file is deleted only when all of these hold, checked in this order:
 * <ol>
 *   <li>it is older than {@code maxAge} (its cycle ended that long ago), or the journal's records
 *       take more than {@code maxBytes};</li>
 *   <li>it is not the journal's last file (the current cycle, the one appends go to);</li>
 *   <li>no appender or tailer of this process holds it open ({@link CycleFileUsers});</li>
 *   <li>every record in it is below the journal's <em>first needed index</em>: for "in" the safe
 *       in index (the checkpoint's), for "out" the lowest named subscriber position + 1.</li>
 * </ol>
 * Files are examined oldest first and the first one that must stay ends the run for that journal:
 * what is left is always a contiguous run of the newest cycles, never a journal with a hole.
 * Every deletion is logged with the file, its index range and why it was allowed; when a file that
 * is due must stay, one line says what holds it (again only when that changes).
 *
 * <p>Threading: one daemon thread, {@code rill-retention}, parks for the interval between runs;
 * {@link #runOnce()} may also be called by tests (it is synchronized). The first-needed-index
 * suppliers are called on that thread. Allocates per run (file lists, log lines), never on a hot
 * path.
 */
public final class JournalRetention implements AutoCloseable
{
    /**
     * A journal under retention and what it must keep.
     *
     * @param journal          the journal (opened writable).
     * @param firstNeededIndex the lowest index still needed: files whose every record is below it may go.
     * @param neededBy         what needs it, for log lines ("the safe in index").
     */
    public record Retained(ChronicleJournal journal, LongSupplier firstNeededIndex, String neededBy)
    {
        public Retained
        {
            Objects.requireNonNull(journal, "journal");
            Objects.requireNonNull(firstNeededIndex, "firstNeededIndex");
            Objects.requireNonNull(neededBy, "neededBy");
        }
    }

    /** How long a run waits for Chronicle's pending file notifications before it judges who holds what. */
    private static final long NOTIFICATION_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final RetentionConfig config;
    private final List<Retained> journals;
    private final List<JournalCycleFiles> files = new ArrayList<>();
    private final Consumer<String> log;
    private final Map<String, String> lastHold = new HashMap<>();
    private final Map<String, Map<Integer, CycleExtent>> extents = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long deletedFiles;
    private volatile long deletedBytes;

    /**
     * Starts the retention thread; its first run is one interval after this.
     *
     * @param log receives one line per deletion and per change of what holds a due file.
     */
    public JournalRetention(final RetentionConfig config, final List<Retained> journals, final Consumer<String> log)
    {
        this(config, journals, log, true);
    }

    /** As the public constructor; {@code start} false starts no thread (tests call {@link #runOnce()}). */
    JournalRetention(final RetentionConfig config, final List<Retained> journals, final Consumer<String> log, final boolean start)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.journals = List.copyOf(journals);
        this.log = Objects.requireNonNull(log, "log");
        for (final Retained r : this.journals)
        {
            files.add(r.journal().cycleFiles());
        }
        if (start && config.enabled())
        {
            thread = new Thread(this::run, "rill-retention");
            thread.setDaemon(true);
            thread.start();
        }
        else
        {
            thread = null;
        }
    }

    /**
     * Runs retention over every journal once.
     *
     * @return the number of files deleted.
     */
    public synchronized int runOnce()
    {
        int deleted = 0;
        for (int i = 0; i < journals.size(); i++)
        {
            try
            {
                deleted += runOnce(journals.get(i), files.get(i));
            }
            catch (final Exception e)
            {
                final String line = "rill: retention: journal " + files.get(i).journalName() + ": run failed (" + e +
                    "); nothing more deleted this run, trying again in " + TimeSpan.format(config.interval());
                hold(files.get(i).journalName(), line, line);
            }
        }
        return deleted;
    }

    /** @return files deleted since start. Any thread. */
    public long deletedFiles()
    {
        return deletedFiles;
    }

    /** @return record bytes of the files deleted since start. Any thread. */
    public long deletedBytes()
    {
        return deletedBytes;
    }

    /** Stops the thread and waits for it (a run in progress finishes first). */
    @Override
    public void close()
    {
        running = false;
        BackgroundThreads.unparkAndJoin(thread);
    }

    private void run()
    {
        while (running)
        {
            LockSupport.parkNanos(config.interval().toNanos());
            if (running)
            {
                runOnce();
            }
        }
    }

    private int runOnce(final Retained retained, final JournalCycleFiles journal) throws Exception
    {
        final String name = journal.journalName();
        CycleFileUsers.awaitPendingNotifications(NOTIFICATION_WAIT_NANOS);
        final List<CycleFile> cycleFiles = journal.list();
        // Who holds what, before this run opens any tailer of its own: every new Chronicle tailer
        // briefly acquires the oldest cycle, and the listener hears of it asynchronously.
        final boolean[] held = new boolean[cycleFiles.size()];
        for (int i = 0; i < held.length; i++)
        {
            held[i] = journal.held(cycleFiles.get(i).cycle());
        }
        final Map<Integer, CycleExtent> known = extents.computeIfAbsent(name, k -> new HashMap<>());
        known.keySet().removeIf(cycle -> cycleFiles.stream().noneMatch(f -> f.cycle() == cycle));
        long total = config.maxBytes() > 0 ? totalBytes(journal, cycleFiles, known) : 0;
        final long firstNeeded = retained.firstNeededIndex().getAsLong();
        final long now = journal.nowMillis();
        final int currentCycle = journal.currentCycle();
        int deleted = 0;
        String holdKey = null;
        String hold = null;
        for (int i = 0; i < cycleFiles.size() - 1; i++) // never the last file: the current cycle
        {
            final CycleFile file = cycleFiles.get(i);
            if (file.cycle() >= currentCycle)
            {
                break; // the clock's current cycle (or a later one, should the clock have stepped back)
            }
            final boolean tooOld = config.maxAge() != null && journal.cycleEndMillis(file.cycle()) + config.maxAge().toMillis() <= now;
            final boolean overBudget = config.maxBytes() > 0 && total > config.maxBytes();
            if (!tooOld && !overBudget)
            {
                break; // later files are younger, and the journal is within its size
            }
            final String due = tooOld ? "older than journal.retention.maxAge " + TimeSpan.format(config.maxAge()) +
                " (its cycle ended " + Instant.ofEpochMilli(journal.cycleEndMillis(file.cycle())) + ")" :
                "journal " + name + " holds " + ByteSize.format(total) + " of records, over journal.retention.maxBytes " +
                ByteSize.format(config.maxBytes());
            if (held[i])
            {
                holdKey = file.path() + " open";
                hold = "rill: retention: keeping " + describe(name, file) + " although it is due (" + due + "): a reader of " +
                    "this server has it open (a subscriber reading old Results); retrying every " + TimeSpan.format(config.interval());
                break;
            }
            final CycleExtent extent = extent(journal, file, known);
            if (!extent.empty() && extent.lastIndex() >= firstNeeded)
            {
                holdKey = file.path() + " needed";
                hold = "rill: retention: keeping " + describe(name, file) + ", indexes " + extent.firstIndex() + ".." +
                    extent.lastIndex() + ", although it is due (" + due + "): " + retained.neededBy() + " is " +
                    (firstNeeded == Journal.NO_INDEX ? "not known yet" : "at index " + firstNeeded) +
                    ", so it is still needed; newer files wait behind it (see ops/runbooks/retention.md)";
                break;
            }
            journal.delete(file);
            known.remove(file.cycle());
            total -= extent.dataBytes();
            deleted++;
            deletedFiles++;
            deletedBytes += extent.dataBytes();
            log.accept("rill: retention: deleted " + describe(name, file) + ": " +
                (extent.empty() ? "no records" : "indexes " + extent.firstIndex() + ".." + extent.lastIndex() + ", " +
                    extent.records() + " records, " + ByteSize.format(extent.dataBytes())) +
                ". Allowed: " + due + "; not the current cycle; open in no reader; " +
                (extent.empty() ? "nothing in it is needed" : "every record is below " + retained.neededBy() + " (" +
                    (firstNeeded == Long.MAX_VALUE ? "which holds nothing back" : "index " + firstNeeded) + ")"));
        }
        hold(name, holdKey, hold);
        return deleted;
    }

    /** @return the bytes the records of every file take (measured once per rolled cycle, each run for the newest). */
    private static long totalBytes(final JournalCycleFiles journal, final List<CycleFile> cycleFiles, final Map<Integer, CycleExtent> known)
    {
        long total = 0;
        for (int i = 0; i < cycleFiles.size(); i++)
        {
            final CycleFile file = cycleFiles.get(i);
            final boolean newest = i == cycleFiles.size() - 1 || file.cycle() >= journal.currentCycle();
            total += newest ? journal.extent(file.cycle()).dataBytes() : extent(journal, file, known).dataBytes();
        }
        return total;
    }

    /** @return a rolled cycle's extent, measured once (a rolled cycle no longer changes). */
    private static CycleExtent extent(final JournalCycleFiles journal, final CycleFile file, final Map<Integer, CycleExtent> known)
    {
        CycleExtent extent = known.get(file.cycle());
        if (extent == null)
        {
            extent = journal.extent(file.cycle());
            known.put(file.cycle(), extent);
        }
        return extent;
    }

    /** Logs why a due file stays, once per distinct reason ({@code key}): not every run. */
    private void hold(final String journalName, final String key, final String line)
    {
        final String previous = key == null ? lastHold.remove(journalName) : lastHold.put(journalName, key);
        if (key != null && !key.equals(previous))
        {
            log.accept(line);
        }
    }

    private static String describe(final String journalName, final CycleFile file)
    {
        return journalName + "/" + file.path().getFileName() + " (cycle " + file.cycle() + ")";
    }
}
