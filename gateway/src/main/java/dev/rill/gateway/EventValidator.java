package dev.rill.gateway;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

/**
 * Checks an encoded Event message against its own lengths, the topic registry and the slot
 * limits, before the gateway claims a ring slot for it; keeps the decoded values for the slot.
 *
 * <p>Every length is checked against the frame before it is used, so a hostile frame can only be
 * refused, never read out of bounds. One instance per connection, on its event loop; allocates
 * nothing.
 */
final class EventValidator
{
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER = 4;
    private static final int VAR_LENGTH_HEADER = 2;

    private final TopicRegistry topics;
    private final double[] fields;
    private int fieldCount;
    private int topicId;
    private long seq;
    private long key;
    private long eventTimeNanos;
    private String detail;

    /**
     * @param maxFields most fields an event may carry (the slot's capacity). Event length is bounded
     *                  before this, by the frame limit the gateway announces in Welcome.
     */
    EventValidator(final TopicRegistry topics, final int maxFields)
    {
        this.topics = topics;
        this.fields = new double[maxFields];
    }

    /**
     * @param buffer     the message, header at offset 0.
     * @param length     the frame's message length.
     * @param blockLength the header's block length.
     * @return null when the event is valid (values are then readable here), else the reason.
     */
    ErrorCode validate(final DirectBuffer buffer, final int length, final int blockLength)
    {
        detail = null;
        seq = -1;
        if (blockLength < EventDecoder.BLOCK_LENGTH || HEADER + blockLength + GROUP_HEADER > length)
        {
            return malformed("block length " + blockLength + " does not fit a " + length + "-byte frame");
        }
        seq = buffer.getLong(HEADER + EventDecoder.seqEncodingOffset(), EventDecoder.BYTE_ORDER);
        key = buffer.getLong(HEADER + EventDecoder.keyEncodingOffset(), EventDecoder.BYTE_ORDER);
        eventTimeNanos = buffer.getLong(HEADER + EventDecoder.eventTimeNanosEncodingOffset(), EventDecoder.BYTE_ORDER);

        final int groupOffset = HEADER + blockLength;
        final int entryLength = buffer.getShort(groupOffset, EventDecoder.BYTE_ORDER) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, EventDecoder.BYTE_ORDER) & 0xFFFF;
        if (entryLength < 8)
        {
            return malformed("fields entry length " + entryLength + " is below 8");
        }
        // In long: up to 65535 entries of up to 65535 bytes overflow an int (found by ServerConnectionFuzzTest).
        final long fieldsEnd = (long)groupOffset + GROUP_HEADER + (long)count * entryLength;
        if (fieldsEnd + VAR_LENGTH_HEADER > length)
        {
            return malformed(count + " fields do not fit a " + length + "-byte frame");
        }
        final int topicOffset = (int)fieldsEnd;
        final int topicLength = buffer.getShort(topicOffset, EventDecoder.BYTE_ORDER) & 0xFFFF;
        if (topicOffset + VAR_LENGTH_HEADER + topicLength > length)
        {
            return malformed("topic length " + topicLength + " runs past the frame");
        }
        if (count > fields.length)
        {
            detail = "event has " + count + " fields; this server accepts at most " + fields.length + " (pipeline.maxFields)";
            return ErrorCode.EVENT_TOO_LARGE;
        }
        topicId = topics.find(buffer, topicOffset + VAR_LENGTH_HEADER, topicLength);
        if (topicId < 0)
        {
            detail = "unknown topic '" + buffer.getStringWithoutLengthUtf8(topicOffset + VAR_LENGTH_HEADER, topicLength) + "'";
            return ErrorCode.UNKNOWN_TOPIC;
        }
        final int expected = topics.topic(topicId).fields().size();
        if (count != expected)
        {
            detail = "topic '" + topics.topic(topicId).name() + "' has " + expected + " fields " +
                topics.topic(topicId).fields() + ", the event has " + count;
            return ErrorCode.FIELD_COUNT_MISMATCH;
        }
        for (int i = 0; i < count; i++)
        {
            final double v = buffer.getDouble(groupOffset + GROUP_HEADER + i * entryLength, EventDecoder.BYTE_ORDER);
            if (!Double.isFinite(v))
            {
                detail = "field '" + topics.topic(topicId).fields().get(i) + "' is " + v;
                return ErrorCode.NOT_A_NUMBER;
            }
            fields[i] = v;
        }
        fieldCount = count;
        return null;
    }

    private ErrorCode malformed(final String why)
    {
        detail = why;
        return ErrorCode.MALFORMED_MESSAGE;
    }

    /** @return what exactly was wrong with the last refused event. */
    String detail()
    {
        return detail;
    }

    double[] fields()
    {
        return fields;
    }

    int fieldCount()
    {
        return fieldCount;
    }

    int topicId()
    {
        return topicId;
    }

    /** @return the event's seq, or -1 when the frame was too short to hold one. */
    long seq()
    {
        return seq;
    }

    long key()
    {
        return key;
    }

    long eventTimeNanos()
    {
        return eventTimeNanos;
    }
}
