package dev.rill.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import dev.rill.bus.DeadLetterBuffer;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.DeadLetterDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterJournalTest
{
    @TempDir
    Path dir;

    @Test
    void writerThreadAppendsEachRecordWithItsCodeAndBytesCutToRecordBytes()
    {
        final DeadLetterBuffer buffer = new DeadLetterBuffer(64 * 1024, 16);
        final DeadLetterConfig config = new DeadLetterConfig(true, Duration.ofDays(7), 0, 16, 64 * 1024);
        final List<String> log = new CopyOnWriteArrayList<>();
        try (DeadLetterJournal journal = new DeadLetterJournal(JournalConfig.of(dir), config, buffer, log::add))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
            frame.setMemory(0, 100, (byte)7);
            buffer.newProducer().offer(123, ErrorCode.VALUE_OUT_OF_RANGE, 4, 5, 6, "/127.0.0.1:9", "", "field 'x' is 2", frame, 0, 100, 100);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.written() < 1 && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertEquals(1, journal.written());
            final DeadLetterDecoder d = new DeadLetterDecoder();
            final int[] seen = {0};
            try (var reader = journal.journal().newReader())
            {
                reader.poll((index, b, offset, length) ->
                {
                    final MessageHeaderDecoder h = new MessageHeaderDecoder().wrap(b, offset);
                    assertEquals(DeadLetterDecoder.TEMPLATE_ID, h.templateId());
                    d.wrap(b, offset + MessageHeaderDecoder.ENCODED_LENGTH, h.blockLength(), h.version());
                    assertEquals(ErrorCode.VALUE_OUT_OF_RANGE.code(), d.code());
                    assertEquals(6, d.seq());
                    assertEquals(100, d.originalLength());
                    assertEquals("/127.0.0.1:9", d.peer());
                    d.skipPrincipal();
                    assertEquals("field 'x' is 2", d.reason());
                    assertEquals(16, d.bytesLength(), "cut to deadLetter.recordBytes");
                    seen[0]++;
                }, 10);
            }
            assertEquals(1, seen[0]);
        }
    }

    @Test
    void retentionDeletesDeadLetterCyclesOlderThanItsRetention() throws Exception
    {
        final SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
        final DeadLetterBuffer buffer = new DeadLetterBuffer(64 * 1024, 64);
        final DeadLetterConfig config = new DeadLetterConfig(true, Duration.ofHours(1), 0, 64, 64 * 1024);
        final List<String> log = new CopyOnWriteArrayList<>();
        try (DeadLetterJournal journal = new DeadLetterJournal(new JournalConfig(dir, "FAST_HOURLY", false), config, buffer, log::add,
            clock, false))
        {
            final DeadLetterBuffer.Producer producer = buffer.newProducer();
            for (int cycle = 0; cycle < 3; cycle++)
            {
                final long before = journal.written();
                producer.offer(cycle, ErrorCode.MISSING_FIELD, 1, 1, cycle, "/127.0.0.1:1", "", "r", null, 0, 0, 0);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (journal.written() == before && System.nanoTime() < deadline)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                clock.advanceMillis(Duration.ofHours(1).toMillis());
            }
            clock.advanceMillis(Duration.ofHours(2).toMillis());
            assertEquals(3, cycleFiles(dir.resolve(DeadLetterJournal.NAME)));
            assertEquals(2, journal.retention().runOnce(), "the two older cycles go; the current one stays: " + log);
            assertEquals(1, cycleFiles(dir.resolve(DeadLetterJournal.NAME)));
            assertTrue(log.stream().anyMatch(l -> l.contains("deleted deadletter/")), log.toString());
        }
    }

    private static long cycleFiles(final Path directory) throws Exception
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
