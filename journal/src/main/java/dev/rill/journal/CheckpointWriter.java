package dev.rill.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.rill.bus.Journal;

/**
 * Takes checkpoints off the pipeline thread: the journal stage {@link #offer}s its state at a
 * batch's end, which copies the producer table into this writer's buffer (microseconds for
 * thousands of producers) and wakes the writer's thread; that thread writes, forces and renames
 * the file through the {@link CheckpointStore}. While a write is under way further offers are
 * declined, and the stage offers again at its next batch.
 *
 * <p>Threads: {@link #offer} and {@link #writeNow} on the journal stage's thread; the file I/O on
 * the "rill-checkpoint" daemon thread (parked when idle); {@link #lastIndex()} from any thread.
 */
public final class CheckpointWriter implements AutoCloseable
{
    private static final byte[] NO_FEATURES = new byte[0];

    private final CheckpointStore store;
    private final Consumer<String> log;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Thread thread;
    private ByteBuffer buffer = ByteBuffer.allocate(CheckpointStore.encodedLength(1024, 0));
    private long pendingIndex = Journal.NO_INDEX;
    private long offeredIndex = Journal.NO_INDEX;
    private volatile long lastIndex;
    private volatile long written;
    private volatile long failures;
    private volatile boolean running = true;
    private volatile boolean ready;

    /**
     * @param store     where checkpoints go.
     * @param lastIndex the index of the checkpoint recovery started from, {@link Journal#NO_INDEX} if none.
     * @param log       receives one line per failed write (never per success).
     */
    public CheckpointWriter(final CheckpointStore store, final long lastIndex, final Consumer<String> log)
    {
        this.store = store;
        this.log = log;
        this.lastIndex = lastIndex;
        this.offeredIndex = lastIndex;
        this.thread = new Thread(this::run, "rill-checkpoint");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Hands a checkpoint of the table at {@code inIndex} to the writer thread.
     *
     * @return true when taken or when nothing changed since the last one; false when a write is
     *         still under way (offer again later).
     */
    public boolean offer(final ProducerTable producers, final long inIndex)
    {
        if (inIndex == offeredIndex || inIndex == Journal.NO_INDEX)
        {
            return true;
        }
        if (!busy.compareAndSet(false, true))
        {
            return false;
        }
        encode(producers, inIndex);
        ready = true; // publishes the encoded buffer to the writer thread
        LockSupport.unpark(thread);
        return true;
    }

    /**
     * Writes a checkpoint now, on the calling thread, after any write under way (clean shutdown).
     */
    public void writeNow(final ProducerTable producers, final long inIndex)
    {
        if (inIndex == offeredIndex || inIndex == Journal.NO_INDEX)
        {
            return;
        }
        while (!busy.compareAndSet(false, true))
        {
            LockSupport.parkNanos(100_000);
        }
        encode(producers, inIndex);
        writePending();
    }

    /** @return the "in" index of the newest checkpoint on disk (retention keeps what it needs). */
    public long lastIndex()
    {
        return lastIndex;
    }

    /** @return checkpoints written since start. */
    public long written()
    {
        return written;
    }

    /** @return checkpoint writes that failed since start. */
    public long failures()
    {
        return failures;
    }

    @Override
    public void close()
    {
        running = false;
        BackgroundThreads.unparkAndJoin(thread); // a write under way finishes first
    }

    private void encode(final ProducerTable producers, final long inIndex)
    {
        final int length = CheckpointStore.encodedLength(producers.size(), 0);
        if (buffer.capacity() < length)
        {
            buffer = ByteBuffer.allocate(Math.max(length, buffer.capacity() * 2));
        }
        CheckpointStore.encode(buffer, inIndex, System.currentTimeMillis(), producers, NO_FEATURES);
        pendingIndex = inIndex;
        offeredIndex = inIndex;
    }

    private void run()
    {
        while (running)
        {
            if (ready)
            {
                ready = false;
                writePending();
            }
            LockSupport.parkNanos(this, 1_000_000_000L);
        }
    }

    /** Writes the encoded buffer; the caller holds {@link #busy}, released here. */
    private void writePending()
    {
        try
        {
            store.write(buffer, pendingIndex);
            lastIndex = pendingIndex;
            written++;
        }
        catch (final IOException | RuntimeException e)
        {
            failures++;
            log.accept("checkpoint at in index " + pendingIndex + " could not be written to " + store.directory() + ": " +
                e.getMessage() + "; the previous checkpoint stays in use (recovery replays more of \"in\")");
        }
        finally
        {
            busy.set(false);
        }
    }
}
