package dev.rill.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.rill.bus.ByteSize;
import dev.rill.bus.DiskFullAction;
import dev.rill.bus.DiskSpaceListener;

/**
 * Watches the free space of the data directory's file store and tells a {@link DiskSpaceListener}
 * (the gateway) when it falls below the configured reserve ({@code journal.diskReserve}) and when
 * it is back.
 *
 * <p>Why: Chronicle Queue writes through memory-mapped files; a write that needs a new disk block
 * on a full file system does not fail with an exception, the kernel raises SIGBUS and the JVM
 * dies. The reserve is kept free for what the bus has already accepted (events in the ring, their
 * Results, the next cycle files), so that refusing new events in time is enough.
 *
 * <p>How: one daemon thread, {@code rill-disk-monitor}, parks for the interval (100 ms by default)
 * and then asks the free-space probe once ({@link FileStore#getUsableSpace()}, one
 * {@code statvfs}); nothing runs per event. The state is a volatile flag; the listener and one log
 * line are called on each transition only. The probe is a {@link LongSupplier} so tests and
 * drills can simulate a full disk ({@link #probe(LongSupplier)}). A probe that throws leaves the
 * state as it was and logs once until it works again.
 *
 * <p>Threading: the monitor thread runs {@link #check()}; tests may call it too (it is
 * synchronized: it runs every 100 ms, never on a hot path). Getters are for any thread.
 * Allocates only log lines.
 */
public final class DiskSpaceMonitor implements AutoCloseable
{
    /** How often the probe runs: at 70 MB/s of appends, 100 ms is about 7 MB per journal. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String directory;
    private final long reserveBytes;
    private final long intervalNanos;
    private final DiskFullAction action;
    private final DiskSpaceListener listener;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile LongSupplier probe;
    private volatile boolean belowReserve;
    private volatile long usableBytes = -1;
    private volatile long transitions;
    private volatile boolean running = true;
    private boolean probeFailing; // guarded by this

    /**
     * Checks once, on the calling thread (so a disk that is already full is known before the
     * first event), then starts the monitor thread.
     *
     * @param directory     names the watched directory in log lines.
     * @param probe         usable bytes of the directory's file store.
     * @param reserveBytes  below this many usable bytes the bus takes no new events; 0 turns the
     *                      check off (no thread is started).
     * @param intervalNanos how long the thread parks between checks.
     * @param action        what the gateway does meanwhile, for the log line.
     * @param listener      told on each transition.
     * @param log           receives one line per transition.
     */
    public DiskSpaceMonitor(
        final String directory,
        final LongSupplier probe,
        final long reserveBytes,
        final long intervalNanos,
        final DiskFullAction action,
        final DiskSpaceListener listener,
        final Consumer<String> log)
    {
        if (reserveBytes < 0 || intervalNanos <= 0)
        {
            throw new IllegalArgumentException("reserve must be >= 0 and interval > 0, found " + reserveBytes + " bytes, " +
                intervalNanos + " ns");
        }
        this.directory = Objects.requireNonNull(directory, "directory");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.reserveBytes = reserveBytes;
        this.intervalNanos = intervalNanos;
        this.action = Objects.requireNonNull(action, "action");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.log = Objects.requireNonNull(log, "log");
        if (reserveBytes == 0)
        {
            thread = null;
            return;
        }
        check();
        thread = new Thread(this::run, "rill-disk-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A monitor of the file store holding {@code dataDir}, probing
     * {@link FileStore#getUsableSpace()} every {@link #DEFAULT_INTERVAL_NANOS}.
     *
     * @throws JournalException when the directory's file store cannot be found.
     */
    public static DiskSpaceMonitor of(
        final Path dataDir, final long reserveBytes, final DiskFullAction action, final DiskSpaceListener listener,
        final Consumer<String> log)
    {
        final FileStore store;
        try
        {
            store = Files.getFileStore(dataDir);
        }
        catch (final IOException e)
        {
            throw new JournalException("disk monitor: cannot find the file system of " + dataDir + ": " + e.getMessage(), e);
        }
        return new DiskSpaceMonitor(dataDir.toString(), () -> usableSpace(store), reserveBytes, DEFAULT_INTERVAL_NANOS,
            action, listener, log);
    }

    /** Replaces the free-space probe; the next check uses it. Any thread (tests, drills). */
    public void probe(final LongSupplier probe)
    {
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    /** Runs the probe once and reports a transition if there is one. Monitor thread, or tests. */
    public synchronized void check()
    {
        final long usable;
        try
        {
            usable = probe.getAsLong();
        }
        catch (final RuntimeException e)
        {
            if (!probeFailing)
            {
                probeFailing = true;
                log.accept("rill: disk: cannot read the free space of " + directory + " (" + e.getMessage() +
                    "); keeping the last known state (" + (belowReserve ? "below" : "above") + " the reserve) until it can");
            }
            return;
        }
        probeFailing = false;
        usableBytes = usable;
        final boolean below = usable < reserveBytes;
        if (below == belowReserve)
        {
            return;
        }
        belowReserve = below;
        transitions++;
        if (below)
        {
            log.accept("rill: disk: free space of " + directory + " is " + ByteSize.format(usable) +
                ", below journal.diskReserve " + ByteSize.format(reserveBytes) + ": new events are " +
                (action == DiskFullAction.REFUSE ? "refused with DISK_FULL" : "paused (producers are not read)") +
                "; events already accepted are still journaled. Free space on that file system; the bus resumes by itself" +
                " (see ops/runbooks/disk-full.md)");
        }
        else
        {
            log.accept("rill: disk: free space of " + directory + " is back to " + ByteSize.format(usable) +
                " (journal.diskReserve " + ByteSize.format(reserveBytes) + "): new events are accepted again");
        }
        listener.onDiskSpaceChanged(below, usable, reserveBytes);
    }

    /** @return true while the usable space is below the reserve: an alert-worthy gauge. Any thread. */
    public boolean belowReserve()
    {
        return belowReserve;
    }

    /** @return usable bytes at the last successful check, -1 before one. Any thread. */
    public long usableBytes()
    {
        return usableBytes;
    }

    /** @return the configured reserve in bytes (0: the check is off). */
    public long reserveBytes()
    {
        return reserveBytes;
    }

    /** @return how many times the state crossed the reserve, in either direction. Any thread. */
    public long transitions()
    {
        return transitions;
    }

    /** Stops the thread and waits for it. */
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
            LockSupport.parkNanos(intervalNanos);
            if (running)
            {
                try
                {
                    check();
                }
                catch (final RuntimeException e)
                {
                    // A listener failure must not stop the watch: the next transition still matters.
                    log.accept("rill: disk: monitor check failed: " + e + "; checking again in " +
                        TimeUnit.NANOSECONDS.toMillis(intervalNanos) + " ms");
                }
            }
        }
    }

    private static long usableSpace(final FileStore store)
    {
        try
        {
            return store.getUsableSpace();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
