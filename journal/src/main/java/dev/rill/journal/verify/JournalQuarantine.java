package dev.rill.journal.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.rill.bus.Journal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalException;
import org.agrona.DirectBuffer;

/**
 * Moves a damaged cycle file out of its journal into {@code <dataDir>/quarantine/<journal>/}, so
 * a server can start without it. Every record in the moved file leaves the journal: the intact
 * ones too. The file is moved, never changed, so it can be inspected or restored later.
 *
 * <p>Stateless; runs on the caller's thread. The journal must not be open (the server is not
 * running).
 */
public final class JournalQuarantine
{
    /** Directory under the data directory that holds quarantined files, one sub-directory per journal. */
    public static final String DIRECTORY = "quarantine";

    private JournalQuarantine()
    {
    }

    /**
     * A file moved aside.
     *
     * @param journal    journal name.
     * @param from       where it was.
     * @param to         where it is now.
     * @param records    records found in it before the walk stopped (at its end, or at damage it cannot pass).
     * @param firstIndex index of its first record, or {@link Journal#NO_INDEX}.
     * @param lastIndex  index of its last record before its damage, or {@link Journal#NO_INDEX}.
     */
    public record QuarantinedFile(String journal, Path from, Path to, long records, long firstIndex, long lastIndex)
    {
    }

    /**
     * Moves the named cycle file of a journal to the quarantine directory (with a numeric suffix if
     * a file of that name is already there).
     *
     * @throws JournalException when the file is not there or cannot be moved.
     */
    public static QuarantinedFile quarantine(final JournalConfig config, final String journal, final String fileName)
    {
        final JournalDirectory directory = JournalDirectory.open(config, journal);
        final CycleFile file = directory.cycleFiles().stream().filter(f -> f.name().equals(fileName)).findFirst()
            .orElseThrow(() -> new JournalException("journal '" + journal + "': no cycle file " + fileName + " in " + directory.path()));
        final CycleFileSummary summary = summarise(directory, file);
        final Path target = config.dataDir().resolve(DIRECTORY).resolve(journal);
        try
        {
            Files.createDirectories(target);
            Path to = target.resolve(fileName);
            for (int n = 1; Files.exists(to); n++)
            {
                to = target.resolve(fileName + "." + n);
            }
            Files.move(file.path(), to);
            return new QuarantinedFile(journal, file.path(), to, summary.records(), summary.firstIndex(), summary.lastIndex());
        }
        catch (final IOException e)
        {
            throw new JournalException("journal '" + journal + "': cannot move " + file.path() + " to " + target + ": " +
                e.getMessage() + "; move it by hand with the server stopped", e);
        }
    }

    private static CycleFileSummary summarise(final JournalDirectory directory, final CycleFile file)
    {
        final JournalVisitor ignore = new JournalVisitor()
        {
            @Override
            public void onRecord(
                final CycleFile f, final long index, final long position, final DirectBuffer buffer, final int offset, final int length)
            {
            }

            @Override
            public void onProblem(final JournalProblem problem)
            {
            }
        };
        return new JournalScanner(directory).scan(file, ignore);
    }
}
