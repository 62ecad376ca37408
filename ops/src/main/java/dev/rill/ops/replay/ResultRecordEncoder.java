package dev.rill.ops.replay;

import dev.rill.bus.Journal;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes Result records (replayed Results, corrections) into one reusable direct buffer, the way
 * the publish stage encodes live ones: SBE, current schema version, outIndex -1 (stamped on
 * delivery). One owner thread; no allocation per record.
 */
final class ResultRecordEncoder
{
    /** The REPLAYED bit of the Result flags. */
    static final byte REPLAYED = 1 << 2;
    /** The CORRECTION bit of the Result flags. */
    static final byte CORRECTION = 1 << 3;

    private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(8192, 64));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ResultEncoder result = new ResultEncoder();

    /** @return the buffer the last record was encoded into, from offset 0. */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Starts a record with its fixed fields; {@link #finish} adds the names.
     *
     * @return this.
     */
    ResultRecordEncoder begin(
        final long inIndex, final long producerId, final long seq, final long key, final long eventTimeNanos,
        final long ingestTimeNanos, final long scoredTimeNanos, final long publishTimeNanos, final int modelVersion,
        final byte flags, final double score, final long correctsOutIndex)
    {
        result.wrapAndApplyHeader(buffer, 0, header)
            .outIndex(Journal.NO_INDEX)
            .inIndex(inIndex)
            .producerId(producerId)
            .seq(seq)
            .key(key)
            .eventTimeNanos(eventTimeNanos)
            .ingestTimeNanos(ingestTimeNanos)
            .scoredTimeNanos(scoredTimeNanos)
            .publishTimeNanos(publishTimeNanos)
            .modelVersion(modelVersion)
            .score(score)
            .correctsOutIndex(correctsOutIndex);
        buffer.putByte(result.offset() + ResultEncoder.flagsEncodingOffset(), flags);
        return this;
    }

    /** @return the encoded length (header included) after the topic and model names. */
    int finish(final byte[] topic, final byte[] modelName)
    {
        result.putTopic(topic, 0, topic.length);
        result.putModelName(modelName, 0, modelName.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength();
    }
}
