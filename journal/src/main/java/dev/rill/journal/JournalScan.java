package dev.rill.journal;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ProducerSessionDecoder;

/**
 * Rebuilds the {@link ProducerTable} from journal "in": each Event raises its producer's last seq,
 * each ProducerSession record its epoch. Recovery runs it from the checkpoint's index on; without
 * a checkpoint it reads all of "in".
 */
public final class JournalScan
{
    private static final int EVENT_PRODUCER = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.producerIdEncodingOffset();
    private static final int EVENT_SEQ = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset();
    private static final int SESSION_PRODUCER =
        MessageHeaderDecoder.ENCODED_LENGTH + ProducerSessionDecoder.producerIdEncodingOffset();
    private static final int SESSION_EPOCH = MessageHeaderDecoder.ENCODED_LENGTH + ProducerSessionDecoder.epochEncodingOffset();

    private JournalScan()
    {
    }

    /**
     * Reads "in" after {@code afterIndex} (all of it for {@link Journal#NO_INDEX}) into a table.
     *
     * @param start the table to continue (from a checkpoint), or null for an empty one.
     * @return the table, {@code start} itself when given.
     */
    public static ProducerTable producers(final Journal in, final ProducerTable start, final long afterIndex)
    {
        return scan(in, start, afterIndex).producers();
    }

    /** What a scan found. */
    public record Result(ProducerTable producers, long records, long lastIndex)
    {
    }

    /** As {@link #producers}, also counting the records read and the last index seen. */
    public static Result scan(final Journal in, final ProducerTable start, final long afterIndex)
    {
        final ProducerTable table = start == null ? new ProducerTable() : start;
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final long[] seen = {0, afterIndex};
        try (JournalReader reader = in.newReader())
        {
            if (afterIndex == Journal.NO_INDEX)
            {
                reader.toStart();
            }
            else if (!reader.moveToAtOrAfter(afterIndex + 1))
            {
                throw new JournalException("journal '" + in.name() + "': cannot position after index " + afterIndex +
                    " (first " + in.firstIndex() + ", last " + in.lastIndex() + ")");
            }
            final JournalReader.RecordHandler handler = (index, buffer, offset, length) ->
            {
                seen[0]++;
                seen[1] = index;
                if (length < MessageHeaderDecoder.ENCODED_LENGTH)
                {
                    return;
                }
                header.wrap(buffer, offset);
                if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
                {
                    return;
                }
                if (header.templateId() == EventDecoder.TEMPLATE_ID && length >= EVENT_SEQ + Long.BYTES)
                {
                    table.observeSeq(buffer.getLong(offset + EVENT_PRODUCER, EventDecoder.BYTE_ORDER),
                        buffer.getLong(offset + EVENT_SEQ, EventDecoder.BYTE_ORDER));
                }
                else if (header.templateId() == ProducerSessionDecoder.TEMPLATE_ID && length >= SESSION_EPOCH + Integer.BYTES)
                {
                    table.observeEpoch(buffer.getLong(offset + SESSION_PRODUCER, ProducerSessionDecoder.BYTE_ORDER),
                        buffer.getInt(offset + SESSION_EPOCH, ProducerSessionDecoder.BYTE_ORDER));
                }
            };
            while (reader.poll(handler, 4096) > 0)
            {
                // read to the end
            }
        }
        return new Result(table, seen[0], seen[1]);
    }
}
