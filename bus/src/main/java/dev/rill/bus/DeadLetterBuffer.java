package dev.rill.bus;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.codec.DeadLetterEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The bounded hand-off of refused frames from the gateway's event loops to the one thread that
 * writes the dead-letter journal: an Agrona {@link ManyToOneRingBuffer} of encoded DeadLetter
 * messages (template 15, header included).
 *
 * <p>Writers are the event loops, each through its own {@link Producer} (one per connection,
 * holding its encoder): {@link Producer#offer} claims space, encodes in place and commits, never
 * blocks and never waits; when the buffer is full the record is dropped and counted. The reader is
 * the dead-letter writer thread ({@link #drain}). Only the strings of a record (peer, reason)
 * are turned into bytes, which allocates; a refusal's message allocates already.
 */
public final class DeadLetterBuffer
{
    /** Message type id of a record in the ring (the SBE template id). */
    public static final int MSG_TYPE = 15;

    private final RingBuffer ring;
    private final int maxBytes;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong droppedFull = new AtomicLong();
    private final AtomicLong droppedDiskFull = new AtomicLong();

    /**
     * @param capacityBytes size of the ring (a power of two, at least 64 KiB).
     * @param maxBytes      most bytes of a refused frame kept per record; the rest is cut (originalLength keeps the size).
     */
    public DeadLetterBuffer(final int capacityBytes, final int maxBytes)
    {
        if (Integer.bitCount(capacityBytes) != 1 || capacityBytes < 64 * 1024)
        {
            throw ConfigException.invalid("deadLetter.bufferBytes", capacityBytes, "a power of two of at least 64 KiB");
        }
        if (maxBytes < 0 || maxBytes > capacityBytes / 16)
        {
            throw ConfigException.invalid("deadLetter.recordBytes", maxBytes, "0 to a sixteenth of deadLetter.bufferBytes (" +
                capacityBytes / 16 + ")");
        }
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.maxBytes = maxBytes;
    }

    /** @return a writer for one event loop (or one connection on it). */
    public Producer newProducer()
    {
        return new Producer();
    }

    /**
     * Hands every waiting record to the handler, as (msgType, buffer, index, length) with the
     * DeadLetter message at {@code index}. Called by the one reader thread only.
     *
     * @return records handed over.
     */
    public int drain(final MessageHandler handler, final int limit)
    {
        return ring.read(handler, limit);
    }

    /** Counts a record not kept because the disk is below its reserve (the dead-letter journal is on that disk). */
    public void countDiskFull()
    {
        droppedDiskFull.incrementAndGet();
    }

    /** @return records put into the buffer since start. */
    public long offered()
    {
        return offered.get();
    }

    /** @return records dropped because the buffer was full (the writer fell behind). */
    public long droppedBufferFull()
    {
        return droppedFull.get();
    }

    /** @return records not kept because the disk was below its reserve. */
    public long droppedDiskFull()
    {
        return droppedDiskFull.get();
    }

    /** @return most bytes of a frame kept per record. */
    public int maxBytes()
    {
        return maxBytes;
    }

    /**
     * Encodes records into the buffer for one thread at a time (one connection's event loop).
     * Allocates the strings' bytes only.
     */
    public final class Producer
    {
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final DeadLetterEncoder encoder = new DeadLetterEncoder();

        private Producer()
        {
        }

        /**
         * Puts one record into the buffer, or drops and counts it when the buffer is full.
         *
         * @param bytes  the refused message (may be null with length 0); at most {@code maxBytes} of it are kept.
         * @param originalLength the refused message's full length.
         * @return true when the record was put in the buffer.
         */
        public boolean offer(
            final long timeNanos, final ErrorCode code, final int connectionId, final long producerId, final long seq,
            final String peer, final String principal, final String reason,
            final DirectBuffer bytes, final int offset, final int length, final int originalLength)
        {
            final byte[] peerBytes = utf8(peer);
            final byte[] principalBytes = utf8(principal);
            final byte[] reasonBytes = utf8(reason);
            final int kept = Math.min(Math.max(length, 0), maxBytes);
            final int reasonLength = Math.min(reasonBytes.length, 4096);
            final int size = MessageHeaderEncoder.ENCODED_LENGTH + DeadLetterEncoder.BLOCK_LENGTH +
                DeadLetterEncoder.peerHeaderLength() + DeadLetterEncoder.principalHeaderLength() +
                DeadLetterEncoder.reasonHeaderLength() + DeadLetterEncoder.bytesHeaderLength() + peerBytes.length + principalBytes.length + reasonLength + kept;
            final int index = ring.tryClaim(MSG_TYPE, size);
            if (index <= 0)
            {
                droppedFull.incrementAndGet();
                return false;
            }
            final UnsafeBuffer target = (UnsafeBuffer)ring.buffer();
            encoder.wrapAndApplyHeader(target, index, header)
                .timeNanos(timeNanos)
                .code(code.code())
                .connectionId(connectionId)
                .producerId(producerId)
                .seq(seq)
                .originalLength(originalLength)
                .putPeer(peerBytes, 0, peerBytes.length)
                .putPrincipal(principalBytes, 0, principalBytes.length)
                .putReason(reasonBytes, 0, reasonLength);
            if (kept > 0)
            {
                encoder.putBytes(bytes, offset, kept);
            }
            else
            {
                encoder.putBytes(NONE, 0, 0);
            }
            ring.commit(index);
            offered.incrementAndGet();
            return true;
        }
    }

    private static final byte[] NONE = new byte[0];

    private static byte[] utf8(final String s)
    {
        return s == null || s.isEmpty() ? NONE : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
