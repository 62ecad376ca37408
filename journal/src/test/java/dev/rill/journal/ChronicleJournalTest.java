package dev.rill.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import java.util.concurrent.TimeUnit;

import java.util.zip.CRC32C;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
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

    @Test
    void everyRecordIsStoredWithACrc32cTrailerOfItsPayloadThatReadersStrip()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            append(journal, "record-7");
            assertEquals(List.of("record-7"), readAll(journal.newReader(), null));
        }
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("in")).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer();
            DocumentContext dc = tailer.readingDocument())
        {
            assertTrue(dc.isPresent());
            final byte[] stored = dc.wire().bytes().toByteArray();
            assertEquals(8 + 4, stored.length, "payload and a 4-byte trailer");
            assertEquals("record-7", new String(stored, 0, 8, StandardCharsets.UTF_8));
            final CRC32C crc = new CRC32C();
            crc.update(stored, 0, 8);
            assertEquals((int)crc.getValue(), java.nio.ByteBuffer.wrap(stored, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        }
    }

    @Test
    void aFlippedByteMakesTheReaderThrowNamingFileIndexAndReasonAndStayOnTheRecord()
    {
        final long damaged;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            append(journal, "first");
            damaged = append(journal, "second-MARK");
            append(journal, "third");
        }
        final Path file = JournalFiles.cycleFiles(dir.resolve("in")).get(0);
        JournalFiles.flip(file, JournalFiles.find(file, "MARK") + 1, 0x04);
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(JournalConfig.of(dir), "in");
            JournalReader reader = journal.newReader())
        {
            final List<String> read = new ArrayList<>();
            final JournalReader.RecordHandler collect = (index, buffer, offset, length) ->
                read.add(buffer.getStringWithoutLengthUtf8(offset, length));
            final JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> reader.poll(collect, 10));
            assertEquals(List.of("first"), read, "records before the damaged one are handed out");
            assertEquals("in", e.journal());
            assertEquals(file.getFileName().toString(), e.file());
            assertEquals(damaged, e.index());
            assertTrue(e.reason().startsWith("checksum mismatch"), e.reason());
            assertTrue(e.getMessage().contains("rill journal verify"), e.getMessage());

            final JournalCorruptException again = assertThrows(JournalCorruptException.class, () -> reader.poll(collect, 10));
            assertEquals(damaged, again.index(), "the reader stays on the damaged record");
            assertEquals(List.of("first"), read);

            assertTrue(reader.moveToAtOrAfter(damaged + 1));
            reader.poll(collect, 10);
            assertEquals(List.of("first", "third"), read, "the caller can step over it explicitly");
        }
    }

    @Test
    void aDamagedLengthWordClaimingAHugeRecordIsACorruptRecordNotAFaultOrAHugeCopy()
    {
        final long damaged;
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "out"))
        {
            append(journal, "first");
            damaged = append(journal, "huge-MARK");
        }
        final Path file = JournalFiles.cycleFiles(dir.resolve("out")).get(0);
        JournalFiles.writeInt(file, JournalFiles.find(file, "huge-MARK") - 4, 0x3F000010);
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(JournalConfig.of(dir), "out");
            JournalReader reader = journal.newReader())
        {
            final List<String> read = new ArrayList<>();
            final JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> reader.poll(
                (index, buffer, offset, length) -> read.add(buffer.getStringWithoutLengthUtf8(offset, length)), 10));
            assertEquals(List.of("first"), read);
            assertEquals(damaged, e.index());
            assertTrue(e.reason().contains("its length word is damaged"), e.reason());
        }
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
