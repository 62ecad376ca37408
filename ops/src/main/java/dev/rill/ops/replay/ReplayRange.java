package dev.rill.ops.replay;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.journal.ChronicleJournal;
import org.agrona.DirectBuffer;

/**
 * The records of journal "in" a replay re-scores: from {@code fromIndex} to {@code toIndex}, both
 * inclusive, resolved from the operator's two {@link ReplayBound}s.
 *
 * <p>An index bound is used as it is (clipped to the journal). A time bound is compared with the
 * events' ingest time, which the gateway stamps as they arrive, so "in" is in ingest-time order up
 * to the few microseconds two I/O threads may disagree by: {@code --from T} starts at the first
 * event ingested at or after T, {@code --to T} ends before the first event after the start
 * ingested later than T. Resolving a time reads "in" from its first record (or from the start
 * index for {@code --to}), only the ingest time of each record: about 50 ns a record.
 *
 * <p>Immutable; any thread.
 *
 * @param fromIndex first record replayed.
 * @param toIndex   last index replayed (a record at or before it is the last one).
 * @param records   records of "in" in the range, from Chronicle's index (for progress).
 * @param from      the {@code --from} bound as written.
 * @param to        the {@code --to} bound as written.
 */
public record ReplayRange(long fromIndex, long toIndex, long records, ReplayBound from, ReplayBound to)
{
    private static final int INGEST_TIME = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.ingestTimeNanosEncodingOffset();

    /**
     * @throws ReplayException (USAGE) for a reversed range, a range outside "in", or one that holds no record.
     */
    public static ReplayRange resolve(final ChronicleJournal in, final ReplayBound from, final ReplayBound to)
    {
        final long first = in.firstIndex();
        final long last = in.lastIndex();
        final String holds = "journal in (" + in.directory() + ") holds indexes " + first + " to " + last;
        if (first == Journal.NO_INDEX || last == Journal.NO_INDEX)
        {
            throw new ReplayException(ErrorCode.USAGE, "journal in (" + in.directory() + ") holds no records: nothing to replay; " +
                "check --data-dir or --config");
        }
        if (from.isIndex() && to.isIndex() && from.index() > to.index() ||
            !from.isIndex() && !to.isIndex() && from.timeNanos() > to.timeNanos())
        {
            throw new ReplayException(ErrorCode.USAGE, "--from " + from.text() + " is after --to " + to.text() +
                ": give the earlier end first");
        }
        if (from.isIndex() && from.index() > last)
        {
            throw new ReplayException(ErrorCode.USAGE, "the range is outside journal in: --from " + from.text() +
                " is after its last record; " + holds);
        }
        if (to.isIndex() && to.index() < first)
        {
            throw new ReplayException(ErrorCode.USAGE, "the range is outside journal in: --to " + to.text() +
                " is before its first record; " + holds);
        }
        try (JournalReader reader = in.newReader())
        {
            final long fromIndex;
            if (from.isIndex())
            {
                fromIndex = from.index() <= first ? first : firstRecordAtOrAfter(reader, from.index());
            }
            else
            {
                reader.toStart();
                fromIndex = scanTo(reader, from.timeNanos(), true);
                if (fromIndex == Journal.NO_INDEX)
                {
                    throw new ReplayException(ErrorCode.USAGE, "the range is outside journal in: no event was ingested at or after " +
                        "--from " + from.text() + " (" + EpochNanos.text(from.timeNanos()) + "); " + holds);
                }
            }
            final long toIndex;
            if (to.isIndex())
            {
                toIndex = Math.min(to.index(), last);
            }
            else
            {
                if (!reader.moveToAtOrAfter(fromIndex))
                {
                    throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "journal in lost index " + fromIndex +
                        " while the range was resolved (retention?); run the replay again");
                }
                final long after = scanTo(reader, to.timeNanos(), false);
                toIndex = after == Journal.NO_INDEX ? last : after - 1;
            }
            if (fromIndex == Journal.NO_INDEX || fromIndex > toIndex)
            {
                throw new ReplayException(ErrorCode.USAGE, "no record of journal in lies between --from " + from.text() + " and --to " +
                    to.text() + "; " + holds);
            }
            return new ReplayRange(fromIndex, toIndex, in.countRecords(fromIndex, toIndex + 1), from, to);
        }
    }

    /** @return "in [from, to]" for messages. */
    public String describe()
    {
        return "in [" + fromIndex + ", " + toIndex + "]";
    }

    private static long firstRecordAtOrAfter(final JournalReader reader, final long index)
    {
        if (!reader.moveToAtOrAfter(index))
        {
            return Journal.NO_INDEX;
        }
        final long[] found = {Journal.NO_INDEX};
        reader.poll((i, buffer, offset, length) -> found[0] = i, 1);
        return found[0];
    }

    /**
     * Reads on from the reader's position to the first Event ingested at or after {@code nanos}
     * ({@code atOrAfter}) or strictly after it.
     *
     * @return its index, or {@link Journal#NO_INDEX} at the end of the journal.
     */
    private static long scanTo(final JournalReader reader, final long nanos, final boolean atOrAfter)
    {
        final TimeScan scan = new TimeScan(nanos, atOrAfter);
        while (scan.found == Journal.NO_INDEX && reader.poll(scan, 1) > 0)
        {
            // one record at a time: stop on the first that matches
        }
        return scan.found;
    }

    /** Finds the first Event whose ingest time passes a bound. */
    private static final class TimeScan implements JournalReader.RecordHandler
    {
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final long nanos;
        private final boolean atOrAfter;
        private long found = Journal.NO_INDEX;

        TimeScan(final long nanos, final boolean atOrAfter)
        {
            this.nanos = nanos;
            this.atOrAfter = atOrAfter;
        }

        @Override
        public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
        {
            if (length < INGEST_TIME + Long.BYTES)
            {
                return;
            }
            header.wrap(buffer, offset);
            if (header.templateId() != EventDecoder.TEMPLATE_ID || header.schemaId() != EventDecoder.SCHEMA_ID)
            {
                return; // a ProducerSession record: no ingest time
            }
            final long ingest = buffer.getLong(offset + INGEST_TIME, EventDecoder.BYTE_ORDER);
            if (atOrAfter ? ingest >= nanos : ingest > nanos)
            {
                found = index;
            }
        }
    }
}
