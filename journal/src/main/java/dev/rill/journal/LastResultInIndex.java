package dev.rill.journal;

import java.util.Objects;
import java.util.function.LongSupplier;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;

/**
 * The in index of the last Result in journal "out": every event of "in" below it has its Result
 * in "out". The default "safe in index" for retention of "in" until a checkpoint provides one.
 *
 * <p>Each call opens a reader of "out", reads its last record and closes it: call it from one
 * thread at a time (retention's), a few times a minute, never on a hot path. Returns
 * {@link Journal#NO_INDEX} while "out" has no Result (then nothing of "in" is safe to delete).
 */
public final class LastResultInIndex implements LongSupplier
{
    private final Journal out;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ResultDecoder result = new ResultDecoder();
    private long inIndex;

    public LastResultInIndex(final Journal out)
    {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public long getAsLong()
    {
        final long last = out.lastIndex();
        if (last == Journal.NO_INDEX)
        {
            return Journal.NO_INDEX;
        }
        inIndex = Journal.NO_INDEX;
        try (JournalReader reader = out.newReader())
        {
            if (reader.moveTo(last))
            {
                reader.poll(this::onRecord, 1);
            }
        }
        return inIndex;
    }

    private void onRecord(final long index, final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.inIndexEncodingOffset() + Long.BYTES)
        {
            return;
        }
        header.wrap(buffer, offset);
        if (header.templateId() == ResultDecoder.TEMPLATE_ID && header.schemaId() == ResultDecoder.SCHEMA_ID)
        {
            result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            inIndex = result.inIndex();
        }
    }
}
