package dev.rill.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import net.openhft.chronicle.core.io.ClosedIllegalStateException;
import net.openhft.chronicle.core.io.ReferenceOwner;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Touches the pages of a journal's memory-mapped cycle file just ahead of its appender, on its
 * own daemon thread, so that the first write to each fresh page (page fault, page-cache
 * allocation and zeroing, ext4 block reservation) happens here and not on the appending thread.
 *
 * <p>Why: on a disk-backed file system the appending thread otherwise takes those faults itself,
 * and on ext4 with large folios one fault can zero megabytes of page cache (measured: 10-50 ms
 * stalls at 100k appends/s on /tmp, see {@code perf/README.md}). Chronicle's own
 * {@code ExcerptAppender.pretouch()} needs Chronicle Enterprise; the OSS one does nothing useful.
 *
 * <p>How: the appending thread publishes, after each append, the chunk it writes into (a
 * {@link MappedBytesStore}) and its write position ({@link #onAppend}: a reference compare and a
 * release store, no allocation). Every {@code intervalNanos} this thread reserves that chunk (so it
 * cannot be unmapped while touched; a chunk the appender has already released is skipped), and
 * touches each page from the write position to {@code aheadBytes} beyond it, within the chunk's
 * mapping, with an atomic compare-and-set of an int from 0 to 0 at the page's start: a write
 * access, so the kernel makes the page present and writable in the appender's own mapping, that
 * can never change a byte (a header the appender already wrote there is not 0 and stays as it is).
 * It parks between runs; it never spins.
 *
 * <p>Threading: {@link #onAppend} only from the journal's appending thread; {@link #close} from the
 * journal's owner; everything else runs on the pretoucher's own thread. Allocates nothing after
 * construction.
 */
final class JournalPretoucher implements AutoCloseable
{
    /** Touch this far beyond the write position: ~330 ms of appends at 100k/s of 120-byte records. */
    static final long DEFAULT_AHEAD_BYTES = 4L << 20;
    /** Run this often: at 70 MB/s (the fastest one pipeline thread appends) the lead stays > 3 MiB. */
    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final int PAGE_SIZE = 4096;
    private static final VarHandle WRITE_POSITION;

    static
    {
        try
        {
            WRITE_POSITION = MethodHandles.lookup().findVarHandle(JournalPretoucher.class, "writePosition", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long aheadBytes;
    private final long intervalNanos;
    private final Thread thread;
    private final ReferenceOwner owner = ReferenceOwner.temporary("JournalPretoucher");
    private final UnsafeBuffer window = new UnsafeBuffer(0, 0);

    // Appending thread only.
    private BytesStore<?, ?> lastSeenStore;

    // Published by the appending thread.
    private volatile MappedBytesStore store;
    @SuppressWarnings("unused") // through WRITE_POSITION
    private long writePosition;

    // Pretoucher thread only, read by others for tests and counters.
    private MappedBytesStore touchedStore;
    private long touchedUpTo;
    private volatile long pagesTouched;
    private volatile Throwable failure;

    private volatile boolean running = true;
    private volatile boolean adviceFailed;
    private final String journalName;

    /**
     * Starts the pretoucher thread.
     *
     * @param journalName   names the thread: {@code rill-pretouch-<name>}.
     * @param aheadBytes    how far beyond the write position to touch.
     * @param intervalNanos how long to park between runs.
     */
    JournalPretoucher(final String journalName, final long aheadBytes, final long intervalNanos)
    {
        if (aheadBytes < PAGE_SIZE || aheadBytes > Integer.MAX_VALUE || intervalNanos <= 0)
        {
            throw new IllegalArgumentException("pretouch ahead must be 4 KiB to 2 GiB and interval > 0, found " +
                aheadBytes + " bytes, " + intervalNanos + " ns");
        }
        this.aheadBytes = aheadBytes;
        this.intervalNanos = intervalNanos;
        this.journalName = journalName;
        thread = new Thread(this::run, "rill-pretouch-" + journalName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Publishes where the appender writes now. Appending thread only, after each append: a
     * reference compare, a volatile store only when the appender moved to another chunk or cycle
     * file, and a release store of the position.
     *
     * @param bytes the appender's bytes ({@code appender.wire().bytes()}): a mapped cycle file.
     */
    void onAppend(final Bytes<?> bytes)
    {
        final BytesStore<?, ?> current = bytes.bytesStore();
        if (current != lastSeenStore)
        {
            lastSeenStore = current;
            store = current instanceof MappedBytesStore ? (MappedBytesStore)current : null;
        }
        WRITE_POSITION.setRelease(this, bytes.writePosition());
    }

    /** @return pages touched so far (each a write access ahead of the appender). Any thread. */
    long pagesTouched()
    {
        return pagesTouched;
    }

    /** @return the error that stopped the pretoucher thread, or null. Any thread. */
    Throwable failure()
    {
        return failure;
    }

    /** @return whether the pretoucher thread is still alive. Any thread. */
    boolean isAlive()
    {
        return thread.isAlive();
    }

    /** Stops the thread and waits for it: call before the queue (and its mappings) is closed. */
    @Override
    public void close()
    {
        running = false;
        BackgroundThreads.unparkAndJoin(thread);
    }

    private void run()
    {
        try
        {
            while (running)
            {
                touchAhead();
                LockSupport.parkNanos(intervalNanos);
            }
        }
        catch (final RuntimeException | Error e)
        {
            // Pretouching is an optimisation: stop it, keep the cause for whoever asks.
            failure = e;
        }
    }

    private void touchAhead()
    {
        final MappedBytesStore current = store;
        if (current == null || !tryReserve(current))
        {
            return;
        }
        try
        {
            final long position = (long)WRITE_POSITION.getAcquire(this);
            if (current != touchedStore)
            {
                // A new chunk or cycle file is a new mapping: pages touched through the old one
                // are in the page cache but not in this mapping's page table.
                touchedStore = current;
                touchedUpTo = 0;
                adviseRandomAccess(current);
            }
            final long mappedFrom = current.start();
            final long mappedTo = current.capacity(); // a file offset: chunk plus overlap, all backed by the file
            final long currentPage = Math.max(mappedFrom, position & -PAGE_SIZE);
            final long from = Math.max(currentPage, touchedUpTo);
            final long to = Math.min(mappedTo, (position + aheadBytes) & -PAGE_SIZE);
            long touched = 0;
            if (currentPage < from && currentPage < mappedTo)
            {
                // Writeback may have cleaned the page being filled; make it writable again.
                touch(current, currentPage, PAGE_SIZE);
                touched++;
            }
            if (from < to)
            {
                touched += touch(current, from, to - from);
                touchedUpTo = to;
            }
            pagesTouched += touched;
        }
        finally
        {
            current.release(owner);
        }
    }

    /**
     * Turns read-ahead off for the mapping. A first touch of a page of the sparse journal file
     * goes through the kernel's read path; with read-ahead (8 MiB on this project's test
     * machines) one fault zero-fills megabytes of large folios in ~20 ms that the kernel does
     * not preempt, and on 2 cores the pipeline and I/O threads wait for it (seen with perf
     * scheduler traces: every 18-24 ms stall of the pipeline matched one pretoucher fault).
     * Random-access advice makes every fault one 4 KiB page: short, and preemptible between
     * pages. Measured (100k events/s after a burst, ext4): ack p99 7-13 ms without, 1.3-1.7 ms with.
     */
    /** @return true when the kernel refused the random-access advice (pretouching still works). */
    boolean adviceFailed()
    {
        return adviceFailed;
    }

    private void adviseRandomAccess(final MappedBytesStore current)
    {
        if (adviceFailed)
        {
            return;
        }
        try
        {
            final long base = current.addressForWrite(current.start());
            final int rc = PosixAPI.posix().madvise(base, current.capacity() - current.start(), MAdviseFlag.MADV_RANDOM);
            if (rc != 0)
            {
                adviceFailed = true;
                System.err.println("rill journal " + journalName + ": madvise(MADV_RANDOM) failed (" +
                    PosixAPI.posix().lastErrorStr() + "); pretouching goes on with the kernel's read-ahead");
            }
        }
        catch (final RuntimeException | LinkageError e)
        {
            adviceFailed = true;
            System.err.println("rill journal " + journalName + ": madvise unavailable (" + e +
                "); pretouching goes on with the kernel's read-ahead");
        }
    }

    private boolean tryReserve(final MappedBytesStore current)
    {
        try
        {
            return current.tryReserve(owner);
        }
        catch (final ClosedIllegalStateException e)
        {
            return false; // released by the appender: it has moved on, and so will we.
        }
    }

    private long touch(final MappedBytesStore current, final long fromOffset, final long length)
    {
        window.wrap(current.addressForWrite(fromOffset), (int)length);
        long pages = 0;
        for (int index = 0; index < length; index += PAGE_SIZE)
        {
            window.compareAndSetInt(index, 0, 0);
            pages++;
        }
        return pages;
    }
}
