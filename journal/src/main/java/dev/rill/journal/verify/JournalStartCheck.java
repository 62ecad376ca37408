package dev.rill.journal.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.rill.bus.Journal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalCorruptException;
import dev.rill.journal.JournalException;

/**
 * The server's check of its journals before it opens them: journal "in" from a given index (the
 * last checkpoint; for now its first record) to the end, and the last {@value #OUT_LAST_RECORDS}
 * records of "out" (the ones a restarted server and its subscribers read first), with the headers
 * of the files holding them. It must run before Chronicle opens a journal for writing: Chronicle
 * silently re-extends a cut file with zeros and appends after the cut, hiding the loss.
 *
 * <p>Its cost is the bytes of "in" from that index plus the newest "out" file, read once (no
 * memory mapping); a full check of everything is {@code rill journal verify}'s job.
 *
 * <p>Stateless; runs on the caller's thread.
 */
public final class JournalStartCheck
{
    /** Check journal "in" from its first record. */
    public static final long FROM_FIRST = Journal.NO_INDEX;
    /** Records at the end of journal "out" checked at start. */
    public static final int OUT_LAST_RECORDS = 16;
    /**
     * Most bytes a torn last record (bytes written, header not) can span; data further on after a
     * zero header is damage, not a torn record.
     */
    public static final int TORN_TAIL_BYTES = 64 * 1024;
    /** What the server's refusal tells the operator to do. */
    public static final String ADVICE =
        "run `rill journal verify`; start with --quarantine-corrupt to move the damaged file aside (see ops/runbooks/corrupt-journal.md)";

    private JournalStartCheck()
    {
    }

    /**
     * Checks both journals; a journal whose directory does not exist or is empty is new and passes.
     *
     * @param in          name of the journal of events, checked from {@code inFromIndex}.
     * @param inFromIndex first index of {@code in} to check ({@link #FROM_FIRST} for all).
     * @param out         name of the journal of results, checked at its end.
     * @return the verifications of the journals that exist, "in" first.
     * @throws JournalException when a journal directory cannot be read as one.
     */
    public static List<JournalVerification> run(final JournalConfig config, final String in, final long inFromIndex, final String out)
    {
        final List<JournalVerification> verifications = new ArrayList<>(2);
        if (exists(config, in))
        {
            verifications.add(JournalVerifier.verifyFrom(JournalDirectory.open(config, in), inFromIndex));
        }
        if (exists(config, out))
        {
            verifications.add(JournalVerifier.verifyLast(JournalDirectory.open(config, out), OUT_LAST_RECORDS));
        }
        return verifications;
    }

    /**
     * As {@link #run}, and refuses damage.
     *
     * @throws JournalCorruptException naming the journal, file, index and reason of the first damaged
     *                                 record found, and what to do.
     */
    public static void requireIntact(final JournalConfig config, final String in, final long inFromIndex, final String out)
    {
        final List<JournalProblem> damage = new ArrayList<>();
        for (final JournalVerification verification : run(config, in, inFromIndex, out))
        {
            damage.addAll(verification.damage());
            for (final JournalProblem p : verification.problems())
            {
                if (p.kind() == JournalProblem.Kind.TORN_TAIL && verification.damage().isEmpty())
                {
                    clearTornTail(config, p);
                }
            }
        }
        if (!damage.isEmpty())
        {
            final String more = damage.size() == 1 ? "" : " (and " + (damage.size() - 1) + " more problem" +
                (damage.size() == 2 ? "" : "s") + " after it)";
            throw damage.get(0).toException(more.isEmpty() ? ADVICE : more.substring(1) + "; " + ADVICE);
        }
    }

    /**
     * Zeroes the bytes of a torn last record before Chronicle opens the file: its appender writes
     * over the zero header, and a shorter record would otherwise leave some of them where the next
     * header goes.
     */
    private static void clearTornTail(final JournalConfig config, final JournalProblem torn)
    {
        final Path file = config.directoryOf(torn.journal()).resolve(torn.file());
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE))
        {
            final long from = torn.position() + Integer.BYTES;
            final long to = Math.min(channel.size(), from + TORN_TAIL_BYTES);
            final java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate((int)Math.max(0, to - from));
            long at = from;
            while (zeros.hasRemaining())
            {
                at += channel.write(zeros, at);
            }
            channel.force(false);
            System.getLogger(JournalStartCheck.class.getName()).log(System.Logger.Level.INFO, "journal '" + torn.journal() +
                "': cleared a torn last record (never acknowledged) after byte " + torn.position() + " of " + torn.file());
        }
        catch (final IOException e)
        {
            throw new JournalException("journal '" + torn.journal() + "': cannot clear the torn last record in " + file + ": " +
                e.getMessage() + "; check the file's permissions and the disk", e);
        }
    }

    private static boolean exists(final JournalConfig config, final String name)
    {
        final Path dir = config.directoryOf(name);
        if (!Files.isDirectory(dir))
        {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir))
        {
            return entries.findAny().isPresent();
        }
        catch (final IOException e)
        {
            throw new JournalException("journal '" + name + "': cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
