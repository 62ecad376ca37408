package dev.rill.ops.cluster;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import dev.rill.bus.EventSlot;

/**
 * The cluster log entry of one accepted event or Hello: everything the gateway put into its
 * {@link EventSlot}, plus who took it. Every member applies the entry to its own slot, so every
 * member's journal, scoring and publish stages see what the leader's gateway accepted.
 *
 * <p>Layout, little-endian: a fixed {@value #HEADER_LENGTH}-byte header (kind, connection id,
 * incarnation, producer id, seq, key, event and ingest time, epoch, topic id, field count,
 * options, flags, encoded length), the field values (8 bytes each), then the encoded Event
 * message. Stateless; no allocation.
 */
public final class ReplicatedSlot
{
    /** Bytes before the field values. */
    public static final int HEADER_LENGTH = 80;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int KIND = 0;
    private static final int CONNECTION_ID = 4;
    private static final int INCARNATION = 8;
    private static final int PRODUCER_ID = 16;
    private static final int SEQ = 24;
    private static final int KEY = 32;
    private static final int EVENT_TIME = 40;
    private static final int INGEST_TIME = 48;
    private static final int EPOCH = 56;
    private static final int TOPIC_ID = 60;
    private static final int FIELD_COUNT = 64;
    private static final int OPTIONS = 68;
    private static final int FLAGS = 69;
    private static final int ENCODED_LENGTH = 72;

    private ReplicatedSlot()
    {
    }

    /** @return the longest entry a slot of these limits makes. */
    public static int maxLength(final int maxEventBytes, final int maxFields)
    {
        return HEADER_LENGTH + maxFields * Double.BYTES + maxEventBytes;
    }

    /**
     * Writes the slot as a log entry.
     *
     * @param incarnation the writing member's incarnation (drawn at its start): only that process
     *                    acknowledges the event, on the connection that sent it.
     * @return the entry's length.
     */
    public static int encode(final EventSlot slot, final long incarnation, final MutableDirectBuffer buffer, final int offset)
    {
        final int fieldCount = slot.fieldCount();
        final int encodedLength = slot.encodedLength();
        buffer.putInt(offset + KIND, slot.kind(), ORDER);
        buffer.putInt(offset + CONNECTION_ID, slot.connectionId(), ORDER);
        buffer.putLong(offset + INCARNATION, incarnation, ORDER);
        buffer.putLong(offset + PRODUCER_ID, slot.producerId(), ORDER);
        buffer.putLong(offset + SEQ, slot.seq(), ORDER);
        buffer.putLong(offset + KEY, slot.key(), ORDER);
        buffer.putLong(offset + EVENT_TIME, slot.eventTimeNanos(), ORDER);
        buffer.putLong(offset + INGEST_TIME, slot.ingestTimeNanos(), ORDER);
        buffer.putInt(offset + EPOCH, slot.epoch(), ORDER);
        buffer.putInt(offset + TOPIC_ID, slot.topicId(), ORDER);
        buffer.putInt(offset + FIELD_COUNT, fieldCount, ORDER);
        buffer.putByte(offset + OPTIONS, slot.options());
        buffer.putByte(offset + FLAGS, slot.flags());
        buffer.putInt(offset + ENCODED_LENGTH, encodedLength, ORDER);
        final double[] fields = slot.fields();
        int at = offset + HEADER_LENGTH;
        for (int i = 0; i < fieldCount; i++, at += Double.BYTES)
        {
            buffer.putDouble(at, fields[i], ORDER);
        }
        buffer.putBytes(at, slot.encoded(), 0, encodedLength);
        return at + encodedLength - offset;
    }

    /**
     * Fills a cleared slot from a log entry.
     *
     * @param incarnation this process's incarnation: the entry keeps its connection id only when it
     *                    was written by this process, else the slot names no connection
     *                    (connection id 0: nobody is acknowledged).
     * @param logPosition the entry's position in the cluster log, stamped on the slot.
     * @throws IllegalArgumentException when the entry's lengths do not fit the slot (a member with
     *                                  smaller pipeline limits than the leader's).
     */
    public static void decode(
        final DirectBuffer buffer, final int offset, final int length, final EventSlot slot, final long incarnation, final long logPosition)
    {
        final int fieldCount = buffer.getInt(offset + FIELD_COUNT, ORDER);
        final int encodedLength = buffer.getInt(offset + ENCODED_LENGTH, ORDER);
        if (length < HEADER_LENGTH || fieldCount < 0 || fieldCount > slot.fields().length || encodedLength < 0 ||
            encodedLength > slot.encoded().capacity() || HEADER_LENGTH + fieldCount * Double.BYTES + encodedLength != length)
        {
            throw new IllegalArgumentException("cluster log entry at position " + logPosition + " of " + length + " bytes holds " +
                fieldCount + " fields and a " + encodedLength + "-byte event, beyond this member's pipeline.maxFields " +
                slot.fields().length + " / maxEventBytes " + slot.encoded().capacity() +
                ": every member must run the same pipeline limits");
        }
        final boolean mine = buffer.getLong(offset + INCARNATION, ORDER) == incarnation;
        slot.kind(buffer.getInt(offset + KIND, ORDER))
            .connectionId(mine ? buffer.getInt(offset + CONNECTION_ID, ORDER) : 0)
            .producerId(buffer.getLong(offset + PRODUCER_ID, ORDER))
            .seq(buffer.getLong(offset + SEQ, ORDER))
            .key(buffer.getLong(offset + KEY, ORDER))
            .eventTimeNanos(buffer.getLong(offset + EVENT_TIME, ORDER))
            .ingestTimeNanos(buffer.getLong(offset + INGEST_TIME, ORDER))
            .epoch(buffer.getInt(offset + EPOCH, ORDER))
            .topicId(buffer.getInt(offset + TOPIC_ID, ORDER))
            .fieldCount(fieldCount)
            .options(buffer.getByte(offset + OPTIONS))
            .addFlags(buffer.getByte(offset + FLAGS))
            .encodedLength(encodedLength)
            .logPosition(logPosition);
        final double[] fields = slot.fields();
        int at = offset + HEADER_LENGTH;
        for (int i = 0; i < fieldCount; i++, at += Double.BYTES)
        {
            fields[i] = buffer.getDouble(at, ORDER);
        }
        slot.encoded().putBytes(0, buffer, at, encodedLength);
    }
}
