package dev.rill.journal.verify;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.Journal;
import dev.rill.journal.JournalException;
import dev.rill.journal.RecordChecksum;
import dev.rill.journal.verify.CycleFileReader.Entry;
import dev.rill.journal.verify.JournalProblem.Kind;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.Wires;

/**
 * Reads a journal's cycle files directly (positional reads, never memory-mapped: see
 * {@link CycleFileReader}), checks each record's CRC32C trailer, hands every intact record to a
 * {@link JournalVisitor} and reports every problem: a file cut short, a record that fails its
 * checksum, a damaged record header. Works on journals Chronicle itself cannot read safely, and
 * while a server appends (it sees what was written when it reads).
 *
 * <p>A record's index is computed as Chronicle does: the file's cycle and the record's ordinal
 * among the file's data records. Indexes below {@code fromIndex} are walked (their headers are
 * needed to find the next record) but not checked.
 *
 * <p>Owned by one thread. Allocates per file (a read window), not per record.
 */
public final class JournalScanner
{
    private static final int QUEUE_HEADER_POSITION = 0;
    /** Bytes after a zero header that must be zero too for it to be the end of the data. */
    private static final int UNWRITTEN_PROBE = 64;

    private final JournalDirectory directory;
    private final RollCycle rollCycle;
    private final RecordChecksum checksum = new RecordChecksum();
    private final RecordLayoutCheck layout;

    /** @param directory the journal to scan. */
    public JournalScanner(final JournalDirectory directory)
    {
        this.directory = directory;
        this.rollCycle = directory.rollCycle();
        this.layout = RecordLayoutCheck.forJournal(directory.name());
    }

    /** @return the journal scanned. */
    public JournalDirectory directory()
    {
        return directory;
    }

    /**
     * Scans every file holding records at or after {@code fromIndex} ({@link Journal#NO_INDEX}
     * for all), checking and visiting records from that index on.
     *
     * @return one summary per file scanned, oldest first.
     */
    public List<CycleFileSummary> scan(final long fromIndex, final JournalVisitor visitor)
    {
        return scan(fromIndex, Long.MAX_VALUE, visitor);
    }

    /**
     * As {@link #scan(long, JournalVisitor)}, leaving out the files whose records all lie after
     * {@code toIndex} (the file holding {@code toIndex} is scanned to its end).
     */
    public List<CycleFileSummary> scan(final long fromIndex, final long toIndex, final JournalVisitor visitor)
    {
        final List<CycleFile> files = directory.cycleFiles();
        final int fromCycle = fromIndex < 0 ? Integer.MIN_VALUE : rollCycle.toCycle(fromIndex);
        final int toCycle = toIndex == Long.MAX_VALUE ? Integer.MAX_VALUE : rollCycle.toCycle(toIndex);
        final List<CycleFileSummary> summaries = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++)
        {
            final CycleFile file = files.get(i);
            if (file.cycle() >= fromCycle && file.cycle() <= toCycle)
            {
                summaries.add(scanFile(file, i == files.size() - 1, fromIndex, 0, visitor));
            }
        }
        return summaries;
    }

    /** Scans one of the journal's files, checking and visiting all its records. */
    public CycleFileSummary scan(final CycleFile file, final JournalVisitor visitor)
    {
        final List<CycleFile> files = directory.cycleFiles();
        return scanFile(file, files.get(files.size() - 1).equals(file), Journal.NO_INDEX, 0, visitor);
    }

    /**
     * Walks the newest files (newest first, as far back as needed) and checks and visits only
     * their last {@code count} records, oldest of them first; the walk still reports a damaged
     * header or a cut anywhere in the files walked.
     *
     * @return one summary per file walked, newest first.
     */
    public List<CycleFileSummary> scanLast(final int count, final JournalVisitor visitor)
    {
        final List<CycleFile> files = directory.cycleFiles();
        final List<CycleFileSummary> summaries = new ArrayList<>();
        long found = 0;
        for (int i = files.size() - 1; i >= 0 && found < count; i--)
        {
            final CycleFileSummary summary = scanFile(files.get(i), i == files.size() - 1, Long.MAX_VALUE,
                (int)(count - found), visitor);
            summaries.add(summary);
            found += summary.records();
            if (summary.damaged())
            {
                break;
            }
        }
        return summaries;
    }

    private CycleFileSummary scanFile(
        final CycleFile file, final boolean newest, final long fromIndex, final int lastCount, final JournalVisitor visitor)
    {
        try (CycleFileReader reader = new CycleFileReader(file.path()))
        {
            return new FileScan(file, newest, reader, fromIndex, lastCount, visitor).run();
        }
        catch (final IOException e)
        {
            throw new JournalException("journal '" + directory.name() + "': cannot read " + file.path() + ": " + e.getMessage(), e);
        }
    }

    /** The walk of one file: its state and the rules for what each entry means. */
    private final class FileScan
    {
        private final CycleFile file;
        private final boolean newest;
        private final CycleFileReader reader;
        private final long fromIndex;
        private final JournalVisitor visitor;
        private final long[] lastPositions;
        private final long[] lastIndexes;
        private long sequence;
        private long firstIndex = Journal.NO_INDEX;
        private long lastIndex = Journal.NO_INDEX;
        private boolean damaged;
        private boolean previousFailed;

        FileScan(
            final CycleFile file,
            final boolean newest,
            final CycleFileReader reader,
            final long fromIndex,
            final int lastCount,
            final JournalVisitor visitor)
        {
            this.file = file;
            this.newest = newest;
            this.reader = reader;
            this.fromIndex = fromIndex;
            this.visitor = visitor;
            this.lastPositions = new long[lastCount];
            this.lastIndexes = new long[lastCount];
        }

        CycleFileSummary run() throws IOException
        {
            if (queueHeaderIntact())
            {
                walk();
            }
            final long dataEnd = reader.position();
            checkLastRecords();
            return new CycleFileSummary(file, sequence, firstIndex, lastIndex, dataEnd, damaged);
        }

        private boolean queueHeaderIntact() throws IOException
        {
            final Entry entry = reader.advance();
            if (entry == Entry.METADATA && reader.position() == QUEUE_HEADER_POSITION)
            {
                return true;
            }
            if (entry == Entry.FILE_ENDS || entry == Entry.CUT)
            {
                problem(Kind.TRUNCATED, "the file is " + reader.size() + " bytes, too short for its queue header: it was cut " +
                    "(an interrupted copy or a full disk?) and holds no readable record");
            }
            else
            {
                problem(Kind.CORRUPT, String.format("no queue header at byte 0 (header word %08x): the start of the file is " +
                    "damaged or it is not a Chronicle Queue file; none of its records can be read", reader.header()));
            }
            return false;
        }

        private void walk() throws IOException
        {
            while (true)
            {
                final Entry entry = reader.advance();
                switch (entry)
                {
                    case DATA ->
                    {
                        if (!onData())
                        {
                            return;
                        }
                    }
                    case METADATA -> onMetadata();
                    case END_OF_CYCLE ->
                    {
                        return;
                    }
                    case UNWRITTEN ->
                    {
                        onUnwritten();
                        return;
                    }
                    case INCOMPLETE ->
                    {
                        onIncomplete();
                        return;
                    }
                    case FILE_ENDS ->
                    {
                        problem(Kind.TRUNCATED, "the file ends at byte " + reader.size() + " without an end-of-cycle marker: " +
                            "it was cut (an interrupted copy or a full disk?); whatever followed is lost");
                        return;
                    }
                    case CUT ->
                    {
                        problem(Kind.TRUNCATED, "the record at byte " + reader.position() + " is " + reader.length() +
                            " bytes long but the file ends at byte " + reader.size() + ": the file was cut inside it; " +
                            "it and whatever followed are lost");
                        return;
                    }
                    case OVERSIZED ->
                    {
                        problem(Kind.CORRUPT, String.format("the record header at byte %d claims %d bytes (header word %08x): " +
                            "its length word is damaged; the rest of this file cannot be located", reader.position(),
                            reader.length(), reader.header()));
                        return;
                    }
                    default -> throw new IllegalStateException(entry.name());
                }
            }
        }

        /** @return false when the walk cannot go on: framing is lost. */
        private boolean onData()
        {
            final long index = rollCycle.toIndex(file.cycle(), sequence++);
            if (firstIndex == Journal.NO_INDEX)
            {
                firstIndex = index;
            }
            lastIndex = index;
            if (lastPositions.length > 0)
            {
                final int slot = (int)((sequence - 1) % lastPositions.length);
                lastPositions[slot] = reader.position();
                lastIndexes[slot] = index;
            }
            if (index < fromIndex)
            {
                return true;
            }
            final String reason = check(index);
            if (reason == null)
            {
                previousFailed = false;
                return true;
            }
            if (previousFailed)
            {
                // Two in a row: far more likely one damaged length word than two damaged records.
                problem(Kind.CORRUPT, "the record header at byte " + reader.position() + " does not start a valid record " +
                    "either: the length word of the record before it is probably damaged; the rest of this file cannot be " +
                    "located", index);
                return false;
            }
            previousFailed = true;
            problem(Kind.CORRUPT, reason, index);
            return true;
        }

        /** Checks the current record and visits it if intact. @return null, or why it is damaged. */
        private String check(final long index)
        {
            final int stored = reader.length();
            if (stored < RecordChecksum.TRAILER_LENGTH)
            {
                return "the record of " + stored + " bytes is shorter than its " + RecordChecksum.TRAILER_LENGTH + "-byte checksum";
            }
            final int offset = reader.offset();
            final int payload = stored - RecordChecksum.TRAILER_LENGTH;
            final int expected = RecordChecksum.stored(reader.byteBuffer(), offset, stored);
            final int actual = checksum.compute(reader.byteBuffer(), offset, payload);
            if (expected != actual)
            {
                final String reason = String.format("checksum mismatch: stored CRC32C %08x, computed %08x over the %d-byte " +
                    "payload", expected, actual, payload);
                return layout.check(reader.buffer(), offset, stored) == null ? reason + "; the whole record is one message " +
                    "without a trailer: it was written by a Rill build from before journal checksums" : reason;
            }
            visitor.onRecord(file, index, reader.position(), reader.buffer(), offset, payload);
            return null;
        }

        private void onMetadata()
        {
            if (looksLikeRecord())
            {
                final long index = rollCycle.toIndex(file.cycle(), sequence++);
                problem(Kind.CORRUPT, String.format("the record's header word %08x has the metadata bit set: readers skip " +
                    "this record and give every record after it in this file an index one too low", reader.header()), index);
            }
        }

        private boolean looksLikeRecord()
        {
            final int stored = reader.length();
            if (!reader.loaded() || stored < RecordChecksum.TRAILER_LENGTH + 8)
            {
                return false;
            }
            final int offset = reader.offset();
            final int payload = stored - RecordChecksum.TRAILER_LENGTH;
            return RecordChecksum.stored(reader.byteBuffer(), offset, stored) == checksum.compute(reader.byteBuffer(), offset, payload) &&
                layout.check(reader.buffer(), offset, payload) == null;
        }

        private void onUnwritten() throws IOException
        {
            final long at = reader.position();
            if (reader.anyNonZero(at + Integer.BYTES, UNWRITTEN_PROBE))
            {
                // Chronicle writes a record's bytes first and its header last: a kill in between
                // leaves at most one record's bytes after a zero header at the end of the data.
                if (newest && !reader.anyNonZero(at + Integer.BYTES + JournalStartCheck.TORN_TAIL_BYTES,
                    JournalStartCheck.TORN_TAIL_BYTES) && !wholeRecordAfter(at))
                {
                    problem(Kind.TORN_TAIL, "after the last record, at byte " + at + ", a record's bytes were written but not " +
                        "its header: the writer was killed in the middle of appending it, so it was never acknowledged; " +
                        "the server clears these bytes at start");
                    return;
                }
                problem(Kind.CORRUPT, "the record header at byte " + at + " is zero but data follows it: readers stop here " +
                    "and never see the rest of this file" + (newest ? "" : " or any later cycle file"));
            }
            else if (!newest)
            {
                problem(Kind.NO_END_OF_CYCLE, "the data ends at byte " + at + " without an end-of-cycle marker although later " +
                    "cycle files exist (the writer stopped without rolling over): readers wait here until the server's next " +
                    "append adds the marker");
            }
        }

        /** @return true when a whole record (header, payload, matching CRC) starts within the torn-tail window after {@code at}. */
        private boolean wholeRecordAfter(final long at) throws IOException
        {
            for (long q = at + Integer.BYTES; q < at + Integer.BYTES + JournalStartCheck.TORN_TAIL_BYTES; q += Integer.BYTES)
            {
                if (reader.wordAt(q) != 0 && reader.wholeRecordAt(q, JournalStartCheck.TORN_TAIL_BYTES, checksum))
                {
                    return true; // acknowledged records hidden behind a zeroed header: damage, never cleared
                }
            }
            return false;
        }

        private void onIncomplete() throws IOException
        {
            final long at = reader.position();
            final int length = reader.length();
            final boolean nothingAfter = reader.header() == Wires.NOT_COMPLETE_UNKNOWN_LENGTH ||
                reader.wordAt((at + Integer.BYTES + length + 3) & ~3L) == 0;
            if (newest && !previousFailed && nothingAfter)
            {
                problem(Kind.INCOMPLETE_TAIL, String.format("the last record (header word %08x) is incomplete: the writer " +
                    "stopped in the middle of appending it, so it was never acknowledged; the server writes over it at its " +
                    "next append", reader.header()));
            }
            else
            {
                problem(Kind.CORRUPT, String.format("the record header at byte %d (header word %08x) marks a record as not " +
                    "complete %s: readers stop here and never see the rest of this file%s", at, reader.header(),
                    previousFailed ? "right after a record that fails its checksum" : "although data follows it",
                    newest ? "" : " or any later cycle file"));
            }
        }

        private void checkLastRecords() throws IOException
        {
            final int n = (int)Math.min(lastPositions.length, sequence);
            for (int i = 0; i < n; i++)
            {
                final int slot = (int)((sequence - n + i) % lastPositions.length);
                if (lastIndexes[slot] >= fromIndex)
                {
                    continue; // checked during the walk
                }
                reader.seek(lastPositions[slot]);
                if (reader.advance() == Entry.DATA)
                {
                    final String reason = check(lastIndexes[slot]);
                    if (reason != null)
                    {
                        problem(Kind.CORRUPT, reason, lastIndexes[slot]);
                    }
                }
            }
        }

        private void problem(final Kind kind, final String reason)
        {
            problem(kind, reason, rollCycle.toIndex(file.cycle(), sequence));
        }

        private void problem(final Kind kind, final String reason, final long index)
        {
            damaged |= kind.damaged();
            visitor.onProblem(new JournalProblem(directory.name(), file.name(), index, reader.position(), kind, reason));
        }
    }
}
