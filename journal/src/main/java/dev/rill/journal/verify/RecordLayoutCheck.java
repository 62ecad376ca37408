package dev.rill.journal.verify;

import java.nio.ByteOrder;

import dev.rill.bus.codec.DeadLetterDecoder;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ProducerSessionDecoder;
import dev.rill.bus.codec.ResultDecoder;
import org.agrona.DirectBuffer;

/**
 * Checks that a journal record's payload is one whole SBE message of the kind its journal holds:
 * schema 7301 at a version this build reads, a template that belongs in the journal (journal "in":
 * Event or ProducerSession; "out": Result), and a block, groups and variable-length fields that end
 * exactly where the record ends. It never trusts a length: every one is checked against the record
 * before it is used.
 *
 * <p>Stateless and immutable: any thread. Allocates only the reason text of a record that fails.
 */
public final class RecordLayoutCheck
{
    private static final ByteOrder ORDER = MessageHeaderDecoder.BYTE_ORDER;
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int VAR_LENGTH_HEADER = 2;
    private static final String[] REASONS =
    {
        "", // reasons are returned as negative ends: -1 is the first
        "block length is shorter than the message's fields",
        "block runs past the end of the record",
        "repeating group header runs past the end of the record",
        "repeating group's entries are shorter than their fields",
        "repeating group runs past the end of the record",
        "variable-length field runs past the end of the record",
    };

    private final String journal;
    private final boolean events;
    private final boolean results;
    private final boolean deadLetters;

    private RecordLayoutCheck(final String journal, final boolean events, final boolean results)
    {
        this(journal, events, results, false);
    }

    private RecordLayoutCheck(final String journal, final boolean events, final boolean results, final boolean deadLetters)
    {
        this.journal = journal;
        this.events = events;
        this.results = results;
        this.deadLetters = deadLetters;
    }

    /**
     * @param journal "in" (Event, ProducerSession), "out" (Result), or another name (any of the three).
     * @return the check for that journal's records.
     */
    public static RecordLayoutCheck forJournal(final String journal)
    {
        return switch (journal)
        {
            case "in" -> new RecordLayoutCheck(journal, true, false);
            case "out" -> new RecordLayoutCheck(journal, false, true);
            case "deadletter" -> new RecordLayoutCheck(journal, false, false, true);
            default -> new RecordLayoutCheck(journal, true, true);
        };
    }

    /**
     * @return null when the payload is a whole message that belongs in this journal, otherwise
     * what is wrong with it.
     */
    public String check(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER)
        {
            return "record of " + length + " bytes is shorter than the " + HEADER + "-byte SBE message header";
        }
        final int blockLength = buffer.getShort(offset, ORDER) & 0xFFFF;
        final int templateId = buffer.getShort(offset + 2, ORDER) & 0xFFFF;
        final int schemaId = buffer.getShort(offset + 4, ORDER) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, ORDER) & 0xFFFF;
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            return "SBE schema id " + schemaId + ", expected " + MessageHeaderDecoder.SCHEMA_ID;
        }
        if (version < 1 || version > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            return "SBE schema version " + version + ", this build reads 1 to " + MessageHeaderDecoder.SCHEMA_VERSION;
        }
        final int end;
        if (templateId == EventDecoder.TEMPLATE_ID && events)
        {
            end = eventEnd(buffer, offset, length, blockLength);
        }
        else if (templateId == ProducerSessionDecoder.TEMPLATE_ID && events)
        {
            end = fixedEnd(length, blockLength, ProducerSessionDecoder.BLOCK_LENGTH);
        }
        else if (templateId == ResultDecoder.TEMPLATE_ID && results)
        {
            end = resultEnd(buffer, offset, length, blockLength, version);
        }
        else if (templateId == DeadLetterDecoder.TEMPLATE_ID && deadLetters)
        {
            end = deadLetterEnd(buffer, offset, length, blockLength);
        }
        else if (deadLetters)
        {
            return "SBE template " + templateId + " does not belong in journal '" + journal + "' (expected DeadLetter 15)";
        }
        else
        {
            return "SBE template " + templateId + " does not belong in journal '" + journal + "' (expected " +
                (events && results ? "Event 3, ProducerSession 13 or Result 4" : events ? "Event 3 or ProducerSession 13" : "Result 4") + ")";
        }
        if (end < 0)
        {
            return nameOf(templateId) + ": " + REASONS[-end] + " (block length " + blockLength + ", record " + length + " bytes)";
        }
        if (end != length)
        {
            return nameOf(templateId) + " ends at byte " + end + " but the record holds " + length + " bytes";
        }
        return null;
    }

    private static int fixedEnd(final int length, final int blockLength, final int minBlockLength)
    {
        if (blockLength < minBlockLength)
        {
            return -1;
        }
        final int end = HEADER + blockLength;
        return end > length ? -2 : end;
    }

    private static int eventEnd(final DirectBuffer buffer, final int offset, final int length, final int blockLength)
    {
        int end = fixedEnd(length, blockLength, EventDecoder.BLOCK_LENGTH);
        if (end < 0)
        {
            return end;
        }
        if (end + EventDecoder.FieldsDecoder.HEADER_SIZE > length)
        {
            return -3;
        }
        final int entryLength = buffer.getShort(offset + end, ORDER) & 0xFFFF;
        final int count = buffer.getShort(offset + end + 2, ORDER) & 0xFFFF;
        if (entryLength < Double.BYTES)
        {
            return -4;
        }
        end += EventDecoder.FieldsDecoder.HEADER_SIZE;
        if ((long)end + (long)entryLength * count > length)
        {
            return -5;
        }
        end += entryLength * count;
        return varEnd(buffer, offset, length, end);
    }

    private static int resultEnd(
        final DirectBuffer buffer, final int offset, final int length, final int blockLength, final int version)
    {
        // A Result written before correctsOutIndex (version 3) ends its block where that field begins.
        final int minBlockLength = version < ResultDecoder.correctsOutIndexSinceVersion() ?
            ResultDecoder.correctsOutIndexEncodingOffset() : ResultDecoder.BLOCK_LENGTH;
        final int end = fixedEnd(length, blockLength, minBlockLength);
        return end < 0 ? end : varEnd(buffer, offset, length, varEnd(buffer, offset, length, end));
    }

    private static int deadLetterEnd(final DirectBuffer buffer, final int offset, final int length, final int blockLength)
    {
        int end = fixedEnd(length, blockLength, DeadLetterDecoder.BLOCK_LENGTH);
        for (int i = 0; i < 4 && end >= 0; i++) // peer, principal, reason, bytes
        {
            end = varEnd(buffer, offset, length, end);
        }
        return end;
    }

    /** @return the end of the variable-length field at {@code at}, or a negative reason. */
    private static int varEnd(final DirectBuffer buffer, final int offset, final int length, final int at)
    {
        if (at < 0)
        {
            return at;
        }
        if (at + VAR_LENGTH_HEADER > length)
        {
            return -6;
        }
        final int end = at + VAR_LENGTH_HEADER + (buffer.getShort(offset + at, ORDER) & 0xFFFF);
        return end > length ? -6 : end;
    }

    private static String nameOf(final int templateId)
    {
        return switch (templateId)
        {
            case EventDecoder.TEMPLATE_ID -> "Event";
            case ResultDecoder.TEMPLATE_ID -> "Result";
            case ProducerSessionDecoder.TEMPLATE_ID -> "ProducerSession";
            case DeadLetterDecoder.TEMPLATE_ID -> "DeadLetter";
            default -> "template " + templateId;
        };
    }
}
