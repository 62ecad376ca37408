package dev.rill.perf.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.Durability;
import dev.rill.journal.JournalConfig;

/**
 * Journals "in" and "out" on Chronicle Queue in a fresh temporary directory (page cache, no
 * fsync: what {@code rill serve} does by default; "in" optionally in sync mode), deleted again by
 * {@link #close()}. Set
 * {@code -Drill.perf.dir=DIR} to put the directory elsewhere (for example another disk).
 */
public final class BenchJournals implements AutoCloseable
{
    private final Path directory;
    private final ChronicleJournal in;
    private final ChronicleJournal out;

    public BenchJournals()
    {
        this(Durability.PAGE_CACHE);
    }

    /**
     * @param inDurability how journal "in" is opened: {@link Durability#SYNC} makes Chronicle force
     *                     each chunk as it is left behind, so {@code in().sync()} has only the
     *                     current chunk to force (as the server opens it in sync mode).
     */
    public BenchJournals(final Durability inDurability)
    {
        try
        {
            final String parent = System.getProperty("rill.perf.dir");
            directory = parent == null ? Files.createTempDirectory("rill-bench-") :
                Files.createTempDirectory(Files.createDirectories(Path.of(parent)), "rill-bench-");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        final JournalConfig config = JournalConfig.of(directory);
        in = ChronicleJournal.open(config, "in", inDurability);
        out = ChronicleJournal.open(config, "out");
    }

    /** @return the directory holding both journals (and anything else a benchmark puts there). */
    public Path directory()
    {
        return directory;
    }

    public ChronicleJournal in()
    {
        return in;
    }

    public ChronicleJournal out()
    {
        return out;
    }

    @Override
    public void close()
    {
        in.close();
        out.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
