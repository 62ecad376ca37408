package dev.rill.gateway;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.SchemaVersion;
import dev.rill.bus.TopicCatalog;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.TopicSchema;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

/**
 * Checks an encoded Event message against its own lengths, the topic registry and the slot
 * limits, before the gateway claims a ring slot for it; keeps the decoded values for the slot.
 *
 * <p>Schema (docs/protocol.md §13.1): the event's {@code schemaVersion} (absent or 0: 1) picks the
 * topic's version; values are positional in that version's order; trailing optional fields may be
 * left out and are filled with their defaults here, so {@link #fields()} holds every value of the
 * version. Each value is checked for NaN/infinity, type and range. The registry is read once per
 * event from the {@link TopicCatalog}, so a schema change applies from the next event on.
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
    private static final int SCHEMA_VERSION_END = EventDecoder.schemaVersionEncodingOffset() + 2;
    /** Offset of the version in the message header. */
    private static final int VERSION_OFFSET = 6;
    /** The schema version that added Event.schemaVersion and Event.options. */
    private static final int OPTIONS_SINCE_VERSION = EventDecoder.schemaVersionSinceVersion();

    private final TopicCatalog catalog;
    private final double[] fields;
    private int fieldCount;
    private int wireCount;
    private int wireEntryLength;
    private int groupOffset;
    private int topicId;
    private long seq;
    private long key;
    private long eventTimeNanos;
    private String detail;

    /**
     * @param maxFields most fields an event may carry (the slot's capacity). Event length is bounded
     *                  before this, by the frame limit the gateway announces in Welcome.
     */
    EventValidator(final TopicCatalog catalog, final int maxFields)
    {
        this.catalog = catalog;
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
        // Version 1 to 3 Events end before schemaVersion (44 bytes); a version 4 one must carry it and options (47).
        final int messageVersion = buffer.getShort(VERSION_OFFSET, EventDecoder.BYTE_ORDER) & 0xFFFF;
        final int minBlock = messageVersion >= OPTIONS_SINCE_VERSION ? EventDecoder.BLOCK_LENGTH : EventDecoder.schemaVersionEncodingOffset();
        if (blockLength < minBlock || HEADER + blockLength + GROUP_HEADER > length)
        {
            return malformed("block length " + blockLength + " of a version " + messageVersion + " Event (at least " + minBlock +
                ") does not fit a " + length + "-byte frame");
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
        final TopicRegistry topics = catalog.current();
        topicId = topics.find(buffer, topicOffset + VAR_LENGTH_HEADER, topicLength);
        if (topicId < 0)
        {
            detail = "unknown topic '" + buffer.getStringWithoutLengthUtf8(topicOffset + VAR_LENGTH_HEADER, topicLength) + "'";
            return ErrorCode.UNKNOWN_TOPIC;
        }
        final TopicSchema topic = topics.topic(topicId);
        final int versionNumber = messageVersion >= OPTIONS_SINCE_VERSION && blockLength >= SCHEMA_VERSION_END ?
            buffer.getShort(HEADER + EventDecoder.schemaVersionEncodingOffset(), EventDecoder.BYTE_ORDER) & 0xFFFF : 0;
        final SchemaVersion version = topic.version(versionNumber);
        if (version == null)
        {
            detail = "topic '" + topic.name() + "' has no schema version " + versionNumber + "; it has versions 1 to " +
                topic.versions().size() + " (rill topic show " + topic.name() + ")";
            return ErrorCode.UNKNOWN_SCHEMA_VERSION;
        }
        if (count > version.size())
        {
            detail = "topic '" + topic.name() + "' version " + version.version() + " has " + version.size() + " fields " +
                version.names() + ", the event has " + count;
            return ErrorCode.FIELD_COUNT_MISMATCH;
        }
        if (count < version.requiredCount())
        {
            detail = "field '" + version.name(count) + "' (position " + (count + 1) + ") of topic '" + topic.name() + "' version " +
                version.version() + " is required; the event has " + count + " values, the version needs at least " +
                version.requiredCount() + " " + version.names().subList(0, version.requiredCount());
            return ErrorCode.MISSING_FIELD;
        }
        if (version.size() > fields.length)
        {
            detail = "topic '" + topic.name() + "' version " + version.version() + " has " + version.size() +
                " fields; this server accepts at most " + fields.length + " (pipeline.maxFields)";
            return ErrorCode.EVENT_TOO_LARGE;
        }
        for (int i = 0; i < count; i++)
        {
            final double v = buffer.getDouble(groupOffset + GROUP_HEADER + i * entryLength, EventDecoder.BYTE_ORDER);
            if (!Double.isFinite(v))
            {
                detail = "field '" + version.name(i) + "' is " + v + "; expected a finite " + version.fields().get(i).expected();
                return ErrorCode.NOT_A_NUMBER;
            }
            if (!version.type(i).accepts(v))
            {
                detail = "field '" + version.name(i) + "' is " + v + "; expected " + version.type(i).label() +
                    (version.type(i) == dev.rill.bus.FieldType.BOOL ? " (0 or 1)" : " (a whole number)");
                return ErrorCode.WRONG_FIELD_TYPE;
            }
            if (v < version.min(i) || v > version.max(i))
            {
                detail = "field '" + version.name(i) + "' is " + v + "; expected " + version.fields().get(i).expected();
                return ErrorCode.VALUE_OUT_OF_RANGE;
            }
            fields[i] = v;
        }
        for (int i = count; i < version.size(); i++)
        {
            fields[i] = version.defaultValue(i);
        }
        wireCount = count;
        wireEntryLength = entryLength;
        this.groupOffset = groupOffset;
        fieldCount = version.size();
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

    /** @return values of the event's schema version: those sent plus the defaults filled in. */
    int fieldCount()
    {
        return fieldCount;
    }

    /** @return values the producer sent; below {@link #fieldCount()} when it left out optional fields. */
    int wireCount()
    {
        return wireCount;
    }

    /** @return entry length of the event's fields group as sent. */
    int wireEntryLength()
    {
        return wireEntryLength;
    }

    /** @return offset of the event's fields group header in the message. */
    int groupOffset()
    {
        return groupOffset;
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
