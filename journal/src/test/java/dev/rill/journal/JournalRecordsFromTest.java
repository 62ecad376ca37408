package dev.rill.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JournalRecordsFromTest
{
    @TempDir
    Path dir;

    @Test
    void recordsFromCountsRecordsAtOrAfterAnIndexAcrossRollCycles()
    {
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir, "FAST_HOURLY"), "out", time))
        {
            assertEquals(0, journal.recordsFrom(0), "an empty journal has nothing after any index");
            final long first = append(journal, 3);
            time.advanceMillis(TimeUnit.HOURS.toMillis(2));
            final long secondCycle = append(journal, 4);
            time.advanceMillis(TimeUnit.HOURS.toMillis(3));
            final long thirdCycle = append(journal, 2);
            final long last = journal.lastIndex();

            assertEquals(9, journal.recordsFrom(first), "every record from the first");
            assertEquals(9, journal.recordsFrom(0), "an index before the first counts from the first");
            assertEquals(6, journal.recordsFrom(secondCycle), "two cycles");
            assertEquals(2, journal.recordsFrom(thirdCycle), "within the last cycle");
            assertEquals(1, journal.recordsFrom(last));
            assertEquals(0, journal.recordsFrom(last + 1), "past the end");
            assertEquals(6, journal.recordsFrom(first + 3), "just past the end of the first cycle: the rest");

            // What a subscription would ask: the reader's next index after each record it read.
            final JournalReader reader = journal.newReader();
            reader.toStart();
            assertEquals(9, journal.recordsFrom(reader.nextIndex()), "a reader at the start is behind by everything");
            long read = 0;
            while (reader.poll((index, buffer, offset, length) -> { }, 1) == 1)
            {
                read++;
                assertEquals(9 - read, journal.recordsFrom(reader.nextIndex()), "after " + read + " records");
            }
            reader.close();
        }
    }

    /** Appends {@code count} records; returns the first one's index. */
    private static long append(final Journal journal, final int count)
    {
        long first = Journal.NO_INDEX;
        for (int i = 0; i < count; i++)
        {
            final byte[] bytes = ("record-" + i).getBytes(StandardCharsets.UTF_8);
            final long index = journal.append(new UnsafeBuffer(bytes), 0, bytes.length);
            first = first == Journal.NO_INDEX ? index : first;
        }
        return first;
    }
}
