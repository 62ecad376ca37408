package dev.rill.journal;

import java.util.Objects;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.Stage;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochNanoClock;

/**
 * First stage: appends every accepted event, exactly as encoded and stamped by the gateway, to
 * journal "in", and records its index in the slot. An event is never acknowledged before this
 * stage has run for it.
 *
 * <p>Idempotent producers: this stage, the single writer of "in", owns the table of each
 * producer's highest journaled seq. An event whose seq is not above it is a resend (after a
 * reconnect, say): it is marked duplicate, not journaled again, and the publish stage still
 * acknowledges it. A producer's Hello passes through here too and learns its last journaled seq,
 * so its Welcome tells the producer exactly where to resume. The table is rebuilt from "in" when
 * the stage is built (checkpoints will bound that scan).
 *
 * <p>Owns the "in" appender and the table: only the pipeline thread running this stage calls
 * {@link #onEvent}. Allocates nothing per event (a new producer adds one table entry).
 */
public final class JournalStage implements Stage
{
    private static final long NONE = -1;

    private final Journal in;
    private final EpochNanoClock clock;
    private final Long2LongHashMap lastSeqByProducer = new Long2LongHashMap(NONE);
    private long duplicates;

    /**
     * Builds the stage and rebuilds the producers' last journaled seqs by reading "in" once, on
     * the calling thread, before the pipeline starts.
     */
    public JournalStage(final Journal in, final EpochNanoClock clock)
    {
        this.in = Objects.requireNonNull(in, "in");
        this.clock = Objects.requireNonNull(clock, "clock");
        rebuildProducerTable();
    }

    @Override
    public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        final long producerId = slot.producerId();
        final long last = lastSeqByProducer.get(producerId);
        if (slot.kind() == EventSlot.HELLO)
        {
            slot.lastJournaledSeq(last);
            return;
        }
        if (slot.seq() <= last)
        {
            slot.markDuplicate();
            duplicates++;
            slot.journaled(Journal.NO_INDEX, clock.nanoTime());
            return;
        }
        final long index = in.append(slot.encoded(), 0, slot.encodedLength());
        lastSeqByProducer.put(producerId, slot.seq());
        slot.journaled(index, clock.nanoTime());
    }

    /** @return the producer's highest journaled seq, -1 if none. Pipeline thread (or before start). */
    public long lastJournaledSeq(final long producerId)
    {
        return lastSeqByProducer.get(producerId);
    }

    /** @return resends dropped since start. Pipeline thread (or after it stopped). */
    public long duplicates()
    {
        return duplicates;
    }

    @Override
    public String name()
    {
        return "journal";
    }

    private void rebuildProducerTable()
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final int seqOffset = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset();
        final int producerOffset = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.producerIdEncodingOffset();
        try (JournalReader reader = in.newReader())
        {
            reader.toStart();
            final JournalReader.RecordHandler handler = (index, buffer, offset, length) ->
            {
                if (length < seqOffset + Long.BYTES)
                {
                    return;
                }
                header.wrap(buffer, offset);
                if (header.templateId() != EventDecoder.TEMPLATE_ID || header.schemaId() != EventDecoder.SCHEMA_ID)
                {
                    return;
                }
                final long producerId = buffer.getLong(offset + producerOffset, EventDecoder.BYTE_ORDER);
                final long seq = buffer.getLong(offset + seqOffset, EventDecoder.BYTE_ORDER);
                if (seq > lastSeqByProducer.get(producerId))
                {
                    lastSeqByProducer.put(producerId, seq);
                }
            };
            while (reader.poll(handler, 4096) > 0)
            {
                // read to the end
            }
        }
    }
}
