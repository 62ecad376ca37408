package dev.rill.journal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.rill.bus.JournalReader;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalPretoucherTest
{
    private static final long AGGRESSIVE_INTERVAL_NANOS = 1_000; // as good as back-to-back runs

    @TempDir
    Path dir;

    @Test
    void recordsAppendedWhileThePretoucherRunsHardReadBackUnchanged()
    {
        // 300k records of 100-1000 bytes cross several 64 MiB chunks: the pretoucher follows the
        // appender from mapping to mapping while it touches every page ahead of it.
        final int count = 300_000;
        final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in", null, AGGRESSIVE_INTERVAL_NANOS))
        {
            for (int i = 0; i < count; i++)
            {
                final int length = fill(record, i);
                journal.append(record, 0, length);
                if (i == 0)
                {
                    final JournalPretoucher pretoucher = journal.pretoucher();
                    assertNotNull(pretoucher, "pretouch is on by default and starts with the first append");
                    awaitTrue(() -> pretoucher.pagesTouched() > 0, "pages touched ahead of the first record");
                }
            }
            final JournalPretoucher pretoucher = journal.pretoucher();
            final long touched = pretoucher.pagesTouched();
            awaitTrue(() -> pretoucher.pagesTouched() > touched, "the pretoucher keeps running");
            assertNull(pretoucher.failure());
            assertFalse(pretoucher.adviceFailed(), "random-access advice was accepted for the mapping");

            final AtomicLong read = new AtomicLong();
            final JournalReader reader = journal.newReader();
            final UnsafeBuffer expected = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
            while (reader.poll((index, buffer, offset, length) ->
            {
                final int i = (int)read.getAndIncrement();
                final int expectedLength = fill(expected, i);
                assertEquals(expectedLength, length, "length of record " + i);
                for (int b = 0; b < length; b++)
                {
                    if (buffer.getByte(offset + b) != expected.getByte(b))
                    {
                        assertEquals(expected.getByte(b), buffer.getByte(offset + b), "byte " + b + " of record " + i);
                    }
                }
            }, 1000) > 0)
            {
                // drain
            }
            assertEquals(count, read.get());
        }
    }

    @Test
    void thePretoucherFollowsTheAppenderIntoTheNextCycleFile()
    {
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
        final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir, "FAST_HOURLY"), "out", time,
            AGGRESSIVE_INTERVAL_NANOS))
        {
            journal.append(record, 0, fill(record, 0));
            final JournalPretoucher pretoucher = journal.pretoucher();
            awaitTrue(() -> pretoucher.pagesTouched() > 0, "pages touched in the first cycle file");
            final long touchedInFirst = pretoucher.pagesTouched();
            time.advanceMillis(TimeUnit.HOURS.toMillis(2));
            journal.append(record, 0, fill(record, 1));
            // A whole look-ahead window (1024 pages) in the new file, not just the page being filled.
            awaitTrue(() -> pretoucher.pagesTouched() >= touchedInFirst + 1000, "pages touched in the next cycle file");
            assertNull(pretoucher.failure());
            final JournalReader reader = journal.newReader();
            final AtomicLong read = new AtomicLong();
            while (reader.poll((index, buffer, offset, length) -> read.incrementAndGet(), 10) > 0)
            {
                // drain
            }
            assertEquals(2, read.get());
        }
    }

    @Test
    void closingTheJournalStopsItsPretoucherThread()
    {
        final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir), "in", null, AGGRESSIVE_INTERVAL_NANOS);
        journal.append(record, 0, fill(record, 0));
        final JournalPretoucher pretoucher = journal.pretoucher();
        assertTrue(pretoucher.isAlive());
        journal.close();
        assertFalse(pretoucher.isAlive(), "close() returns only after the pretoucher thread ended");
        assertNull(pretoucher.failure());
    }

    @Test
    void withPretouchOffNoThreadIsStarted()
    {
        final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (ChronicleJournal journal = ChronicleJournal.open(JournalConfig.of(dir).withPretouch(false), "in"))
        {
            journal.append(record, 0, fill(record, 0));
            assertNull(journal.pretoucher());
        }
    }

    @Test
    void theTwoArgumentConfigKeepsTheDefaultPretouch()
    {
        assertEquals(JournalConfig.DEFAULT_PRETOUCH, new JournalConfig(dir, "FAST_DAILY").pretouch());
        assertEquals(JournalConfig.DEFAULT_PRETOUCH, JournalConfig.of(dir).pretouch());
        assertFalse(new JournalConfig(dir, "FAST_DAILY", false).pretouch());
    }

    /** Record i: a length from 100 to 1000 bytes and content that differs per record and byte. */
    private static int fill(final UnsafeBuffer buffer, final int i)
    {
        final int length = 100 + (int)((i * 2_654_435_761L) % 901);
        for (int b = 0; b < length; b++)
        {
            buffer.putByte(b, (byte)(i * 31 + b * 7 + 1));
        }
        return length;
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
