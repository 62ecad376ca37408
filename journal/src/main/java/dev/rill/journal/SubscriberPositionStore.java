package dev.rill.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.rill.bus.NamedPosition;
import dev.rill.bus.SubscriberPositions;

/**
 * The named subscribers' positions, in memory for the gateway and retention, written to
 * {@code <dataDir>/subscriber-positions} ({@link SubscriberPositionFile}) by a background thread.
 *
 * <p>Durability bound: a Commit changes memory only (a compare-and-set, no allocation, no I/O on
 * the event loop). The thread {@code rill-positions} wakes every {@link #FLUSH_INTERVAL_NANOS}
 * (100 ms) and, if anything changed, writes every position at once (coalescing any number of
 * Commits into one write) with an fsync of the file and of the directory. So a Commit is on disk
 * at most 100 ms plus one write (a few ms on a healthy disk) after the server applied it, and at
 * {@link #close()}. After a crash a named subscriber resumes at most that much behind its last
 * Commit: it may see some Results again, never miss one. A failed write is logged once and retried
 * at the next wake-up.
 *
 * <p>Threading: any thread may register, commit and read; {@link #flush()} and the thread
 * serialise on the store.
 */
public final class SubscriberPositionStore implements SubscriberPositions, AutoCloseable
{
    /** The file's name in the data directory. */
    public static final String FILE_NAME = "subscriber-positions";
    /** How often the writer thread looks for changes: the durability bound of a Commit (plus one write). */
    public static final long FLUSH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path file;
    private final Consumer<String> log;
    private final ConcurrentHashMap<String, Position> positions = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private long writtenChanges; // guarded by this
    private boolean failing; // guarded by this

    private SubscriberPositionStore(final Path file, final Map<String, Long> stored, final long flushIntervalNanos,
        final Consumer<String> log)
    {
        this.file = file;
        this.log = log;
        stored.forEach((name, committed) -> positions.put(name, new Position(name, committed)));
        thread = new Thread(() -> run(flushIntervalNanos), "rill-positions");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads {@code <dataDir>/subscriber-positions} (none yet: no names) and starts the writer thread.
     *
     * @param log receives a line when a write fails (once until one succeeds again).
     * @throws JournalException when the file exists but cannot be read or is corrupt.
     */
    public static SubscriberPositionStore open(final Path dataDir, final Consumer<String> log)
    {
        return open(dataDir, FLUSH_INTERVAL_NANOS, log);
    }

    /** As {@link #open(Path, Consumer)} with another flush interval (tests). */
    static SubscriberPositionStore open(final Path dataDir, final long flushIntervalNanos, final Consumer<String> log)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        return new SubscriberPositionStore(file, SubscriberPositionFile.read(file), flushIntervalNanos, Objects.requireNonNull(log));
    }

    @Override
    public NamedPosition register(final String name, final long initialCommitted)
    {
        if (!SubscriberPositionFile.NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("subscription name '" + name + "' is not 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        final Position existing = positions.get(name);
        if (existing != null)
        {
            return existing;
        }
        final Position created = new Position(name, Math.max(NamedPosition.NOTHING, initialCommitted));
        final Position raced = positions.putIfAbsent(name, created);
        if (raced != null)
        {
            return raced;
        }
        changes.incrementAndGet();
        return created;
    }

    @Override
    public NamedPosition find(final String name)
    {
        return positions.get(name);
    }

    @Override
    public long lowestCommitted()
    {
        long lowest = NO_NAMES;
        for (final Position p : positions.values())
        {
            lowest = Math.min(lowest, p.committed());
        }
        return lowest;
    }

    /** @return every name and its committed index, sorted by name (a copy). */
    public Map<String, Long> snapshot()
    {
        final Map<String, Long> copy = new TreeMap<>();
        positions.forEach((name, p) -> copy.put(name, p.committed()));
        return copy;
    }

    /** @return the file the positions are written to. */
    public Path file()
    {
        return file;
    }

    /**
     * Writes the positions now if anything changed since the last write.
     *
     * @return true when the file holds every change made before this call.
     */
    public synchronized boolean flush()
    {
        final long seen = changes.get();
        if (seen == writtenChanges)
        {
            return true;
        }
        try
        {
            SubscriberPositionFile.write(file, snapshot());
            writtenChanges = seen; // later changes (made while writing) are written next time
            if (failing)
            {
                failing = false;
                log.accept("rill: positions: " + file + " is written again");
            }
            return true;
        }
        catch (final IOException | RuntimeException e)
        {
            if (!failing)
            {
                failing = true;
                log.accept("rill: positions: cannot write " + file + " (" + e + "); Commits are kept in memory and written " +
                    "as soon as the file can be written; check the data directory's space and permissions");
            }
            return false;
        }
    }

    /** Stops the writer thread and writes what changed since its last run. */
    @Override
    public void close()
    {
        running = false;
        BackgroundThreads.unparkAndJoin(thread);
        final boolean interrupted = Thread.interrupted(); // file I/O of an interrupted thread fails: write first
        flush();
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run(final long intervalNanos)
    {
        while (running)
        {
            LockSupport.parkNanos(intervalNanos);
            flush();
        }
    }

    /** One name's position: a compare-and-set on commit, a counter bump so the writer notices. */
    private final class Position implements NamedPosition
    {
        private final String name;
        private final AtomicLong committed;

        Position(final String name, final long committed)
        {
            this.name = name;
            this.committed = new AtomicLong(committed);
        }

        @Override
        public String name()
        {
            return name;
        }

        @Override
        public long committed()
        {
            return committed.get();
        }

        @Override
        public boolean commit(final long outIndex)
        {
            while (true)
            {
                final long current = committed.get();
                if (outIndex < current)
                {
                    return false;
                }
                if (outIndex == current)
                {
                    return true;
                }
                if (committed.compareAndSet(current, outIndex))
                {
                    changes.incrementAndGet();
                    return true;
                }
            }
        }
    }
}
