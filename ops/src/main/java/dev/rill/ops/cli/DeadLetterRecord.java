package dev.rill.ops.cli;

import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.DeadLetterDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.journal.verify.RecordLayoutCheck;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One record of the dead-letter journal decoded for {@code rill journal dump --dead-letter}: the
 * refused frame's peer, ids, seq, error code and reason, its kept bytes, and the Event those bytes
 * hold when they decode as one (a frame cut to {@code deadLetter.recordBytes} may not).
 * Immutable; decoding allocates (tools only).
 *
 * @param event the refused Event, or null when the bytes are no whole Event.
 * @param undecodable why the record itself does not decode; null when it does (then the other fields are set).
 */
record DeadLetterRecord(long index, long timeNanos, int code, int connectionId, long producerId, long seq, int originalLength,
    String peer, String principal, String reason, byte[] bytes, JournalRecord.Event event, String undecodable)
{
    static final String JOURNAL = "deadletter";

    static DeadLetterRecord decode(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        final String problem = RecordLayoutCheck.forJournal(JOURNAL).check(buffer, offset, length);
        if (problem != null)
        {
            return new DeadLetterRecord(index, 0, 0, 0, 0, 0, 0, null, null, null, null, null, problem);
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final DeadLetterDecoder d = new DeadLetterDecoder()
            .wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final long time = d.timeNanos();
        final int code = d.code();
        final int connection = d.connectionId();
        final long producer = d.producerId();
        final long seq = d.seq();
        final int original = d.originalLength();
        final String peer = d.peer();
        final String principal = d.principal();
        final String reason = d.reason();
        final byte[] bytes = new byte[d.bytesLength()];
        d.getBytes(bytes, 0, bytes.length);
        JournalRecord.Event event = null;
        final UnsafeBuffer view = new UnsafeBuffer(bytes);
        if (RecordLayoutCheck.forJournal("in").check(view, 0, bytes.length) == null &&
            JournalRecord.decode("in", -1, view, 0, bytes.length) instanceof JournalRecord.Event e)
        {
            event = e;
        }
        return new DeadLetterRecord(index, time, code, connection, producer, seq, original, peer, principal, reason, bytes, event, null);
    }

    /** @return the error code's name, or "code N" for a number this build does not know. */
    String codeName()
    {
        final ErrorCode c = ErrorCode.ofCode(code);
        return c == null ? "code " + code : c.name();
    }

    /** @return one text line, as {@code rill journal dump} prints records. */
    String text()
    {
        if (undecodable != null)
        {
            return JOURNAL + "=" + index + ": undecodable: " + undecodable;
        }
        final StringBuilder line = new StringBuilder(256)
            .append(JOURNAL).append('=').append(index)
            .append(" time=").append(RecordText.time(timeNanos))
            .append(" code=").append(code).append(' ').append(codeName())
            .append(" peer=").append(peer.isEmpty() ? "-" : peer)
            .append(principal.isEmpty() ? "" : " principal=" + principal)
            .append(" connection=").append(connectionId)
            .append(" producer=").append(producerId)
            .append(" seq=").append(seq)
            .append(" bytes=").append(bytes.length).append('/').append(originalLength)
            .append(" reason=\"").append(reason.replace("\"", "'")).append('"');
        if (event != null)
        {
            line.append(" event: topic=").append(event.topic()).append(" key=").append(event.key())
                .append(" event-time=").append(RecordText.time(event.eventTimeNanos()))
                .append(" fields=").append(Arrays.toString(event.fields()));
        }
        else
        {
            line.append(" event: -");
        }
        return line.toString();
    }

    /** @return the record as a JSON object. */
    ObjectNode json()
    {
        final ObjectNode o = RecordJson.MAPPER.createObjectNode().put("journal", JOURNAL).put("index", index);
        if (undecodable != null)
        {
            return o.put("type", "Undecodable").put("reason", undecodable);
        }
        o.put("type", "DeadLetter").put("timeNanos", timeNanos).put("time", RecordText.time(timeNanos))
            .put("code", code).put("codeName", codeName())
            .put("peer", peer).put("principal", principal)
            .put("connectionId", connectionId).put("producerId", producerId).put("seq", seq)
            .put("originalLength", originalLength).put("keptLength", bytes.length)
            .put("reason", reason)
            .put("bytes", Base64.getEncoder().encodeToString(bytes));
        if (event == null)
        {
            o.putNull("event");
        }
        else
        {
            final ObjectNode e = o.putObject("event").put("topic", event.topic()).put("key", event.key())
                .put("eventTimeNanos", event.eventTimeNanos()).put("eventTime", RecordText.time(event.eventTimeNanos()));
            final ArrayNode fields = e.putArray("fields");
            for (final double v : event.fields())
            {
                fields.add(v);
            }
        }
        return o;
    }
}
