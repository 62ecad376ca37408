package dev.rill.ops.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.LastResultInIndex;

/**
 * How far journal "out" is behind journal "in", and how much disk both take, read on demand for
 * {@code /metrics}: the records of "in" after the last one that has a Result in "out" (events
 * journaled and not yet published, plus any producer-session records among them), counted by
 * reading "in" from there, and the size of each journal's files.
 *
 * <p>Each call opens a reader of "out" and one of "in" and closes them (microseconds); the count
 * stops at {@value #MAX_COUNTED} so a scrape stays bounded whatever happened. Calls are serialised
 * (synchronized); never call it on a pipeline thread.
 */
final class JournalLag
{
    /** The most records counted; a larger lag reads as this. */
    static final int MAX_COUNTED = 1_000_000;

    private final ChronicleJournal in;
    private final LastResultInIndex lastResult;

    JournalLag(final ChronicleJournal in, final ChronicleJournal out)
    {
        this.in = in;
        this.lastResult = new LastResultInIndex(out);
    }

    /** @return records of "in" after the last one with a Result in "out" (at most {@link #MAX_COUNTED}). */
    synchronized long unpublishedRecords()
    {
        final long published = lastResult.getAsLong();
        if (in.lastIndex() == Journal.NO_INDEX || (published != Journal.NO_INDEX && published >= in.lastIndex()))
        {
            return 0;
        }
        long counted = 0;
        try (JournalReader reader = in.newReader())
        {
            if (published == Journal.NO_INDEX)
            {
                reader.toStart();
            }
            else if (!reader.moveToAtOrAfter(published + 1))
            {
                return 0;
            }
            int n;
            while (counted < MAX_COUNTED && (n = reader.poll((index, buffer, offset, length) -> { }, 4096)) > 0)
            {
                counted += n;
            }
        }
        return Math.min(counted, MAX_COUNTED);
    }

    /** @return bytes of the files in a journal's directory (Chronicle pre-allocates each cycle file). */
    static long sizeOnDisk(final ChronicleJournal journal)
    {
        final Path dir = journal.directory();
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(Files::isRegularFile).mapToLong(JournalLag::size).sum();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot list journal directory " + dir, e);
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException e)
        {
            return 0; // deleted by retention between the listing and now
        }
    }
}
