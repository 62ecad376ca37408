package dev.rill.journal;

import java.util.Objects;
import java.util.function.LongSupplier;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.ResultFlagsDecoder;
import org.agrona.DirectBuffer;

/**
 * The in index of the last Result in journal "out" that is not a correction: every event of "in"
 * up to it has its Result in "out". Recovery starts re-scoring after it, and it is the default
 * "safe in index" for retention of "in" until a checkpoint provides one.
 *
 * <p>The pipeline appends Results in "in" order, so the last one names the last event published.
 * Corrections ({@code rill replay publish}: flag CORRECTION) are appended later, by another
 * process, and carry the in index of the event they correct, out of that order: they are passed
 * over. When "out" ends with corrections, the reader walks back from the end in windows that
 * double in size (64, 128, ... records) until a window holds a Result that is not one, so the
 * cost is at most about twice the corrections at the end, and one record when there are none.
 *
 * <p>Each call opens a reader of "out" and closes it: call it from one thread at a time (retention's,
 * or recovery at start), a few times a minute, never on a hot path. Returns {@link Journal#NO_INDEX}
 * while "out" has no such Result (then nothing of "in" is safe to delete).
 */
public final class LastResultInIndex implements LongSupplier
{
    private static final int FIRST_WINDOW = 64;
    private static final int FLAGS_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.flagsEncodingOffset();
    private static final int IN_INDEX_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.inIndexEncodingOffset();

    private final Journal out;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private long windowEnd;
    private long firstReadIndex;
    private long found;
    private boolean pastWindow;

    public LastResultInIndex(final Journal out)
    {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public long getAsLong()
    {
        final long last = out.lastIndex();
        final long first = out.firstIndex();
        if (last == Journal.NO_INDEX || first == Journal.NO_INDEX)
        {
            return Journal.NO_INDEX;
        }
        try (JournalReader reader = out.newReader())
        {
            long scannedFrom = last + 1; // everything at or above it has been read
            long window = 1; // the last record alone first: the common case
            while (scannedFrom > first)
            {
                final long start = scannedFrom - first <= window ? first : scannedFrom - window;
                if (!reader.moveToAtOrAfter(start))
                {
                    return Journal.NO_INDEX; // retention deleted the files under us: nothing is known
                }
                scan(reader, scannedFrom);
                if (found != Journal.NO_INDEX)
                {
                    return found;
                }
                if (firstReadIndex != Journal.NO_INDEX && firstReadIndex < scannedFrom)
                {
                    scannedFrom = firstReadIndex;
                }
                else if (start == first)
                {
                    break; // nothing below: "out" holds only corrections
                }
                window = window == 1 ? FIRST_WINDOW : Math.min(window << 1, Long.MAX_VALUE >> 1);
            }
        }
        return Journal.NO_INDEX;
    }

    /** Reads from the reader's position up to {@code end} (exclusive), keeping the in index of the last non-correction. */
    private void scan(final JournalReader reader, final long end)
    {
        windowEnd = end;
        firstReadIndex = Journal.NO_INDEX;
        found = Journal.NO_INDEX;
        pastWindow = false;
        while (!pastWindow && reader.poll(this::onRecord, 1) > 0)
        {
            // one record at a time, so nothing past the window is read
        }
    }

    private void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        if (index >= windowEnd)
        {
            pastWindow = true;
            return;
        }
        if (firstReadIndex == Journal.NO_INDEX)
        {
            firstReadIndex = index;
        }
        if (length < IN_INDEX_OFFSET + Long.BYTES || length < FLAGS_OFFSET + 1)
        {
            return;
        }
        header.wrap(buffer, offset);
        if (header.templateId() == ResultDecoder.TEMPLATE_ID && header.schemaId() == ResultDecoder.SCHEMA_ID &&
            !ResultFlagsDecoder.cORRECTION(buffer.getByte(offset + FLAGS_OFFSET)))
        {
            found = buffer.getLong(offset + IN_INDEX_OFFSET, ResultDecoder.BYTE_ORDER);
        }
    }
}
