package dev.rill.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleJournalTest
{
    @TempDir
    Path dir;

    @Test
    void recordsReadBackExactlyInAppendOrderAcrossARestart()
    {
        final List<Long> indexes = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            assertEquals(Journal.NO_INDEX, journal.lastIndex());
            for (int i = 0; i < 100; i++)
            {
                indexes.add(append(journal, "record-" + i));
            }
        }
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            for (int i = 100; i < 150; i++)
            {
                indexes.add(append(journal, "record-" + i));
            }
            assertEquals(indexes.get(0), journal.firstIndex());
            assertEquals(indexes.get(149), journal.lastIndex());
            final List<String> read = readAll(journal.newReader(), null);
            assertEquals(150, read.size());
            for (int i = 0; i < 150; i++)
            {
                assertEquals("record-" + i, read.get(i));
                if (i > 0)
                {
                    assertTrue(indexes.get(i) > indexes.get(i - 1), "indexes increase");
                }
            }
        }
    }

    @Test
    void readerMovesToAnIndexAndRefusesOneThatDoesNotExist()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "out"))
        {
            long third = 0;
            for (int i = 0; i < 5; i++)
            {
                final long index = append(journal, "r" + i);
                if (i == 2)
                {
                    third = index;
                }
            }
            final JournalReader reader = journal.newReader();
            assertTrue(reader.moveTo(third));
            final List<Long> seen = new ArrayList<>();
            assertEquals(List.of("r2", "r3", "r4"), readAll(reader, seen));
            assertEquals(third, seen.get(0));
            final JournalReader other = journal.newReader();
            assertFalse(other.moveTo(third + 1000));
        }
    }

    @Test
    void resumingAfterTheLastRecordOfACycleContinuesInTheNextCycle()
    {
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir, "FAST_HOURLY"), "out", time))
        {
            final long lastOfFirstCycle = append(journal, "a");
            time.advanceMillis(TimeUnit.HOURS.toMillis(2));
            final long firstOfLaterCycle = append(journal, "b");
            assertTrue(firstOfLaterCycle > lastOfFirstCycle + 1, "indexes jump across cycles");

            final JournalReader reader = journal.newReader();
            assertFalse(reader.moveTo(lastOfFirstCycle + 1), "no record has that exact index");
            assertTrue(reader.moveToAtOrAfter(lastOfFirstCycle + 1));
            assertEquals(List.of("b"), readAll(reader, null));

            final JournalReader atEnd = journal.newReader();
            assertTrue(atEnd.moveToAtOrAfter(firstOfLaterCycle + 1), "last + 1 is the live end");
            append(journal, "c");
            assertEquals(List.of("c"), readAll(atEnd, null));
            assertFalse(journal.newReader().moveToAtOrAfter(firstOfLaterCycle + 100));
            assertFalse(journal.newReader().moveToAtOrAfter(lastOfFirstCycle - 1));
        }
    }

    @Test
    void aLiveReaderSeesRecordsAppendedAfterItReachedTheEnd()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "out"))
        {
            append(journal, "before");
            final JournalReader reader = journal.newReader();
            reader.toEnd();
            assertEquals(List.of(), readAll(reader, null));
            append(journal, "after");
            assertEquals(List.of("after"), readAll(reader, null));
        }
    }

    @Test
    void aRecordAtAnOffsetInAHeapOrDirectBufferIsStoredExactly()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final byte[] text = "xxpayloadyy".getBytes(StandardCharsets.UTF_8);
            final UnsafeBuffer heap = new UnsafeBuffer(text);
            final UnsafeBuffer direct = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(64));
            direct.putBytes(0, text);
            journal.append(direct, 2, 7);
            journal.append(heap, 2, 7);
            journal.append(direct, 0, 2);
            assertEquals(List.of("payload", "payload", "xx"), readAll(journal.newReader(), null));
        }
    }

    @Test
    void openingForReadingADirectoryWithoutAJournalSaysWhichDirectory()
    {
        final JournalException e = assertThrows(JournalException.class,
            () -> ChronicleJournal.openReadOnly(JournalConfig.of(dir.resolve("nope")), "out"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void aDataDirectoryThatIsAFileIsAClearError() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("file"), "x");
        final JournalException e = assertThrows(JournalException.class,
            () -> ChronicleJournal.open(JournalConfig.of(file), "in"));
        assertTrue(e.getMessage().contains("cannot create directory"), e.getMessage());
    }

    private static long append(final ChronicleJournal journal, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer direct = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(64));
        direct.putBytes(0, bytes);
        return journal.append(direct, 0, bytes.length);
    }

    private static List<String> readAll(final JournalReader reader, final List<Long> indexes)
    {
        final List<String> out = new ArrayList<>();
        while (reader.poll((index, buffer, offset, length) ->
        {
            out.add(buffer.getStringWithoutLengthUtf8(offset, length));
            if (indexes != null)
            {
                indexes.add(index);
            }
        }, 100) > 0)
        {
            // drain
        }
        return out;
    }
}
