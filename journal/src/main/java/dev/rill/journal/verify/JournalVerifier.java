package dev.rill.journal.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.rill.bus.Journal;
import dev.rill.journal.verify.JournalProblem.Kind;
import org.agrona.DirectBuffer;

/**
 * Verifies a journal: every record's CRC32C, every record header, every cycle file's end, and that
 * each record decodes as a message of its journal's kind ({@link RecordLayoutCheck}). Reports each
 * truncated, corrupt or undecodable record with its file, index and reason. Never memory-maps a
 * file (see {@link CycleFileReader}), so a damaged journal cannot fault the JVM.
 *
 * <p>{@link #verify} reads everything: the {@code rill journal verify} tool. {@link #verifyFrom} and
 * {@link #verifyLast} read only part: the server's start check ({@link JournalStartCheck}).
 *
 * <p>Stateless; each call runs on the caller's thread and allocates per file and per problem.
 */
public final class JournalVerifier
{
    private JournalVerifier()
    {
    }

    /** Verifies every record of every cycle file. */
    public static JournalVerification verify(final JournalDirectory directory)
    {
        return verifyFrom(directory, Journal.NO_INDEX);
    }

    /**
     * Verifies the records from {@code fromIndex} ({@link Journal#NO_INDEX}: the first) to the end.
     * Earlier records of the same cycle file are walked, not checked; earlier files are not read.
     */
    public static JournalVerification verifyFrom(final JournalDirectory directory, final long fromIndex)
    {
        final Checker checker = new Checker(directory.name());
        final List<CycleFileSummary> files = new JournalScanner(directory).scan(fromIndex, checker);
        return new JournalVerification(directory.name(), files, checker.checked, List.copyOf(checker.problems));
    }

    /** Verifies the last {@code count} records, and the headers of the newest cycle file(s) holding them. */
    public static JournalVerification verifyLast(final JournalDirectory directory, final int count)
    {
        final Checker checker = new Checker(directory.name());
        final List<CycleFileSummary> files = new ArrayList<>(new JournalScanner(directory).scanLast(count, checker));
        Collections.reverse(files);
        return new JournalVerification(directory.name(), files, checker.checked, List.copyOf(checker.problems));
    }

    /** Checks the layout of each record that passed its checksum, and collects problems. */
    private static final class Checker implements JournalVisitor
    {
        private final String journal;
        private final RecordLayoutCheck layout;
        private final List<JournalProblem> problems = new ArrayList<>();
        private long checked;

        Checker(final String journal)
        {
            this.journal = journal;
            this.layout = RecordLayoutCheck.forJournal(journal);
        }

        @Override
        public void onRecord(
            final CycleFile file, final long index, final long position, final DirectBuffer buffer, final int offset, final int length)
        {
            checked++;
            final String reason = layout.check(buffer, offset, length);
            if (reason != null)
            {
                problems.add(new JournalProblem(journal, file.name(), index, position, Kind.UNDECODABLE, reason));
            }
        }

        @Override
        public void onProblem(final JournalProblem problem)
        {
            problems.add(problem);
        }
    }
}
