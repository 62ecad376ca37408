package dev.rill.journal;

import java.nio.ByteBuffer;

import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Test helper: Results, corrections and Results as schema version 2 wrote them (before
 * correctsOutIndex), appended to a journal the way the pipeline and {@code rill replay publish} do.
 */
public final class CorrectionRecords
{
    /** Block length of a version 2 Result: the fixed fields up to score. */
    public static final int V2_BLOCK_LENGTH = 85;
    private static final byte CORRECTION_AND_REPLAYED = (byte)((1 << 3) | (1 << 2));

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ResultEncoder result = new ResultEncoder();
    private final EventEncoder event = new EventEncoder();

    /** Appends a payments Event with two fields; returns its index. */
    public long event(final ChronicleJournal in, final long seq)
    {
        event.wrapAndApplyHeader(buffer, 0, header).producerId(7).seq(seq).key(seq % 5).eventTimeNanos(seq)
            .ingestTimeNanos(seq).connectionId(0);
        event.fieldsCount(2).next().value(12.5).next().value(seq);
        event.topic("payments");
        return in.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + event.encodedLength());
    }

    /** Appends a live Result (correctsOutIndex -1) for the event at {@code inIndex}; returns its index. */
    public long result(final ChronicleJournal out, final long inIndex, final long seq)
    {
        return out.append(buffer, 0, encode(inIndex, seq, (byte)0, -1, 1));
    }

    /** Appends a correction of the Result at {@code correctsOutIndex} (event {@code inIndex}); returns its index. */
    public long correction(final ChronicleJournal out, final long inIndex, final long seq, final long correctsOutIndex)
    {
        return out.append(buffer, 0, encode(inIndex, seq, CORRECTION_AND_REPLAYED, correctsOutIndex, 2));
    }

    /**
     * Encodes a Result exactly as a build of schema version 2 did: header version 2, block length
     * 85 (no correctsOutIndex), the names right after score.
     *
     * @return its length; the record is in {@link #buffer()}.
     */
    public int version2Result(final long inIndex, final long seq, final double score)
    {
        result.wrapAndApplyHeader(buffer, 0, header)
            .outIndex(-1).inIndex(inIndex).producerId(7).seq(seq).key(seq * 10).eventTimeNanos(seq)
            .ingestTimeNanos(seq + 1).scoredTimeNanos(seq + 2).publishTimeNanos(seq + 3).modelVersion(1).score(score);
        result.limit(MessageHeaderEncoder.ENCODED_LENGTH + V2_BLOCK_LENGTH);
        result.topic("payments");
        result.modelName("fraud");
        header.wrap(buffer, 0).blockLength(V2_BLOCK_LENGTH).version(2);
        return MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength();
    }

    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    private int encode(final long inIndex, final long seq, final byte flags, final long correctsOutIndex, final int version)
    {
        result.wrapAndApplyHeader(buffer, 0, header)
            .outIndex(-1).inIndex(inIndex).producerId(7).seq(seq).key(seq % 5).eventTimeNanos(seq)
            .ingestTimeNanos(seq + 1).scoredTimeNanos(seq + 2).publishTimeNanos(seq + 3).modelVersion(version).score(0.25)
            .correctsOutIndex(correctsOutIndex);
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + ResultEncoder.flagsEncodingOffset(), flags);
        result.topic("payments");
        result.modelName("fraud");
        return MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength();
    }
}
