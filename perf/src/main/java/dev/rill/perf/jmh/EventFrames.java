package dev.rill.perf.jmh;

import java.nio.charset.StandardCharsets;

import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.gateway.FrameDecoder;
import dev.rill.gateway.FrameWriter;
import dev.rill.ml.FraudFeatures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * A batch of payments Event frames in one pooled direct {@code ByteBuf}, as one socket read would
 * hand them to the gateway: each a 4-byte little-endian length, then the SBE Event message as the
 * Java client encodes it ({@link FrameWriter#event}, schema version 0, no options). {@link #next()}
 * renumbers the seqs in place (one 8-byte write per frame) so a connection accepts the same bytes
 * again, and rewinds the buffer.
 *
 * <p>One owner thread; nothing is allocated after construction. {@link #close()} releases the
 * buffer.
 */
public final class EventFrames implements AutoCloseable
{
    private static final byte[] TOPIC = FraudFeatures.PAYMENTS_TOPIC.getBytes(StandardCharsets.US_ASCII);
    private static final int SEQ_IN_FRAME = FrameDecoder.LENGTH_FIELD + MessageHeaderDecoder.ENCODED_LENGTH +
        EventDecoder.seqEncodingOffset();

    private final ByteBuf frames;
    private final int[] seqAt;
    private long nextSeq = 1;

    /**
     * @param count          frames in the batch, a power of two.
     * @param producerId     producer id written in each Event (the gateway stamps its own).
     * @param eventTimeNanos event time of every frame.
     */
    public EventFrames(final int count, final long producerId, final long eventTimeNanos)
    {
        final PaymentEvents payments = new PaymentEvents(count, 13);
        final FrameWriter writer = new FrameWriter();
        final int fieldCount = FraudFeatures.PAYMENT_FIELDS.size();
        final int frameLength = FrameDecoder.LENGTH_FIELD + FrameWriter.eventLength(TOPIC.length, fieldCount);
        frames = PooledByteBufAllocator.DEFAULT.directBuffer(count * frameLength);
        seqAt = new int[count];
        for (int i = 0; i < count; i++)
        {
            final ByteBuf frame = writer.event(PooledByteBufAllocator.DEFAULT, producerId, i + 1, payments.key(i), eventTimeNanos,
                0, TOPIC, payments.fields(i), fieldCount, (byte)0);
            seqAt[i] = frames.writerIndex() + SEQ_IN_FRAME;
            frames.writeBytes(frame);
            frame.release();
        }
    }

    /** @return frames in the batch. */
    public int count()
    {
        return seqAt.length;
    }

    /** @return bytes in the batch. */
    public int length()
    {
        return frames.writerIndex();
    }

    /**
     * Renumbers the frames with the next {@link #count()} seqs and rewinds the buffer.
     *
     * @return the buffer, its reader index at 0; the caller may retain and hand it on.
     */
    public ByteBuf next()
    {
        long seq = nextSeq;
        final int[] at = seqAt;
        for (int i = 0; i < at.length; i++)
        {
            frames.setLongLE(at[i], seq++);
        }
        nextSeq = seq;
        frames.readerIndex(0);
        return frames;
    }

    /** @return the seq of the last frame handed out by {@link #next()}, 0 before the first. */
    public long lastSeq()
    {
        return nextSeq - 1;
    }

    @Override
    public void close()
    {
        frames.release();
    }
}
