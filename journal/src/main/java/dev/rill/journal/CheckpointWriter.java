package dev.rill.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
    private static final FeatureSnapshot NO_FEATURES = new FeatureSnapshot(Journal.NO_INDEX, new byte[0]);

    /** The feature state handed over by the scoring stage, written with the next checkpoint. */
    private record FeatureSnapshot(long inIndex, byte[] state)
    {
    }

    private final AtomicReference<FeatureSnapshot> features = new AtomicReference<>(NO_FEATURES);
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
     * Hands over the streaming-feature state as of {@code inIndex}; it goes into every checkpoint
     * written from now on until a newer one is handed over. The array is kept, not copied: do not
     * change it afterwards. Any thread (the scoring stage's).
     *
     * @param inIndex the last "in" index whose effect the state includes; every event up to it has
     *                its Result in "out" (recovery replays the state from there).
     * @param state   the encoded state.
     */
    public void offerFeatureState(final long inIndex, final byte[] state)
    {
        features.set(new FeatureSnapshot(inIndex, state));
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
        final FeatureSnapshot feature = features.get();
        final int length = CheckpointStore.encodedLength(producers.size(), feature.state().length);
        if (buffer.capacity() < length)
        {
            buffer = ByteBuffer.allocate(Math.max(length, buffer.capacity() * 2));
        }
        CheckpointStore.encode(buffer, inIndex, System.currentTimeMillis(), producers, feature.inIndex(), feature.state());
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
