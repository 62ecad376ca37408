package dev.rill.ops.cluster;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;

/**
 * A member's checkpoint as a cluster snapshot: the log position it covers, the member's journal
 * "in" and "out" indexes there, and the producer table (producer id, highest journaled seq,
 * epoch) that dedup and fencing decide with.
 *
 * <p>On a restart Aeron hands the newest snapshot to {@link RillClusteredService#onStart}, which
 * checks it against the member's journals ({@link Source#check}) before the log after it is
 * replayed: entries the journals already hold come back as duplicates and are dropped by
 * (producer, seq), so every event keeps exactly one Result.
 *
 * <p>In the snapshot stream: one header message, then the producers in messages of up to
 * {@value #PRODUCERS_PER_MESSAGE}, then an end message. Written and read on the service thread.
 *
 * @param logPosition  the cluster log position the snapshot was taken at.
 * @param inLastIndex  the member's last index of journal "in" then (-1 when empty).
 * @param outLastIndex the member's last index of journal "out" then (-1 when empty).
 * @param producerIds  producer ids.
 * @param lastSeqs     each producer's highest journaled seq.
 * @param epochs       each producer's highest epoch.
 */
public record ClusterCheckpoint(long logPosition, long inLastIndex, long outLastIndex, long[] producerIds, long[] lastSeqs, int[] epochs)
{
    /** Producers per snapshot message. */
    public static final int PRODUCERS_PER_MESSAGE = 1024;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int MAGIC = 0x52494C43; // "RILC"
    private static final int VERSION = 1;
    private static final int HEADER = 1;
    private static final int PRODUCERS = 2;
    private static final int END = 3;
    private static final int PRODUCER_BYTES = 8 + 8 + 4;

    /** What a snapshot is made from, and the check of a loaded one: the member's journals. */
    public interface Source
    {
        /** @return the checkpoint of the member's state now, with the pipeline drained, at {@code logPosition}. */
        ClusterCheckpoint take(long logPosition);

        /**
         * @throws IllegalStateException when the member's journals hold less than the checkpoint
         *                               says they did: the message says which and what to do.
         */
        void check(ClusterCheckpoint checkpoint);
    }

    /** @return producers in the checkpoint. */
    public int producerCount()
    {
        return producerIds.length;
    }

    void write(final ExclusivePublication publication, final ExpandableArrayBuffer buffer, final IdleStrategy idle)
    {
        buffer.putInt(0, MAGIC, ORDER);
        buffer.putInt(4, HEADER, ORDER);
        buffer.putInt(8, VERSION, ORDER);
        buffer.putInt(12, producerIds.length, ORDER);
        buffer.putLong(16, logPosition, ORDER);
        buffer.putLong(24, inLastIndex, ORDER);
        buffer.putLong(32, outLastIndex, ORDER);
        offer(publication, buffer, 40, idle);
        for (int from = 0; from < producerIds.length; from += PRODUCERS_PER_MESSAGE)
        {
            final int count = Math.min(PRODUCERS_PER_MESSAGE, producerIds.length - from);
            buffer.putInt(0, MAGIC, ORDER);
            buffer.putInt(4, PRODUCERS, ORDER);
            buffer.putInt(8, count, ORDER);
            int at = 12;
            for (int i = from; i < from + count; i++, at += PRODUCER_BYTES)
            {
                buffer.putLong(at, producerIds[i], ORDER);
                buffer.putLong(at + 8, lastSeqs[i], ORDER);
                buffer.putInt(at + 16, epochs[i], ORDER);
            }
            offer(publication, buffer, at, idle);
        }
        buffer.putInt(0, MAGIC, ORDER);
        buffer.putInt(4, END, ORDER);
        offer(publication, buffer, 8, idle);
    }

    private static void offer(final ExclusivePublication publication, final DirectBuffer buffer, final int length, final IdleStrategy idle)
    {
        idle.reset();
        long result;
        while ((result = publication.offer(buffer, 0, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("cannot write the cluster snapshot: publication " + Publication.errorString(result));
            }
            idle.idle();
        }
    }

    /**
     * Reads a snapshot written by {@link #write}.
     *
     * @throws IllegalStateException when the stream is not a Rill checkpoint or ends early.
     */
    static ClusterCheckpoint read(final Image image, final IdleStrategy idle)
    {
        final Reader reader = new Reader();
        final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) -> reader.onMessage(buffer, offset, length));
        idle.reset();
        while (!reader.done)
        {
            if (image.isEndOfStream() || image.isClosed())
            {
                throw new IllegalStateException("the cluster snapshot ended before its end marker (" + reader.read + " of " +
                    reader.expected + " producers read): the snapshot is damaged; see ops/runbooks/cluster-lost-member.md");
            }
            idle.idle(image.poll(assembler, 16));
        }
        return new ClusterCheckpoint(reader.logPosition, reader.inLast, reader.outLast, reader.ids, reader.seqs, reader.epochs);
    }

    private static final class Reader
    {
        boolean done;
        int expected = -1;
        int read;
        long logPosition;
        long inLast;
        long outLast;
        long[] ids = new long[0];
        long[] seqs = new long[0];
        int[] epochs = new int[0];

        void onMessage(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < 8 || buffer.getInt(offset, ORDER) != MAGIC)
            {
                throw new IllegalStateException("the cluster snapshot is not a Rill checkpoint (no magic number): " +
                    "was the member's cluster directory written by another service?");
            }
            final int type = buffer.getInt(offset + 4, ORDER);
            if (type == HEADER)
            {
                final int version = buffer.getInt(offset + 8, ORDER);
                if (version != VERSION)
                {
                    throw new IllegalStateException("cluster snapshot version " + version + "; this build reads version " + VERSION);
                }
                expected = buffer.getInt(offset + 12, ORDER);
                logPosition = buffer.getLong(offset + 16, ORDER);
                inLast = buffer.getLong(offset + 24, ORDER);
                outLast = buffer.getLong(offset + 32, ORDER);
                ids = new long[expected];
                seqs = new long[expected];
                epochs = new int[expected];
            }
            else if (type == PRODUCERS)
            {
                final int count = buffer.getInt(offset + 8, ORDER);
                if (expected < 0 || read + count > expected)
                {
                    throw new IllegalStateException("cluster snapshot holds more producers than its header says (" + expected + ")");
                }
                int at = offset + 12;
                for (int i = 0; i < count; i++, at += PRODUCER_BYTES, read++)
                {
                    ids[read] = buffer.getLong(at, ORDER);
                    seqs[read] = buffer.getLong(at + 8, ORDER);
                    epochs[read] = buffer.getInt(at + 16, ORDER);
                }
            }
            else if (type == END)
            {
                if (read != expected)
                {
                    throw new IllegalStateException("cluster snapshot ends after " + read + " of " + expected + " producers");
                }
                done = true;
            }
        }
    }
}
