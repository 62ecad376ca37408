package dev.rill.journal;

import java.nio.file.Path;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalStageTest
{
    @TempDir
    Path dir;

    @Test
    void aSeqAlreadyJournaledIsMarkedDuplicateAndNotJournaledAgain()
    {
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final JournalStage stage = new JournalStage(in, new OffsetEpochNanoClock());
            final EventSlot slot = new EventSlot(512, 8);
            final long[] seqs = {1, 2, 3, 2, 3, 4};
            final boolean[] expectDuplicate = {false, false, false, true, true, false};
            for (int i = 0; i < seqs.length; i++)
            {
                event(slot, 7, seqs[i]);
                stage.onEvent(slot, i, true);
                assertEquals(expectDuplicate[i], slot.duplicate(), "event " + i + " (seq " + seqs[i] + ")");
                assertEquals(expectDuplicate[i], slot.inIndex() == Journal.NO_INDEX, "journaled unless duplicate");
            }
            assertEquals(2, stage.duplicates());
            assertEquals(4, count(in));
            assertEquals(4, stage.lastJournaledSeq(7));
            assertEquals(-1, stage.lastJournaledSeq(8), "another producer has its own seqs");
        }
    }

    @Test
    void aHelloLearnsTheProducersLastJournaledSeqAlsoAfterARestart()
    {
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final JournalStage stage = new JournalStage(in, new OffsetEpochNanoClock());
            final EventSlot slot = new EventSlot(512, 8);
            for (long seq = 10; seq <= 12; seq++)
            {
                event(slot, 3, seq);
                stage.onEvent(slot, seq, true);
            }
            event(slot, 4, 99);
            stage.onEvent(slot, 0, true);
        }
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final JournalStage restarted = new JournalStage(in, new OffsetEpochNanoClock());
            final EventSlot hello = new EventSlot(512, 8);
            hello.clear();
            hello.kind(EventSlot.HELLO).producerId(3);
            restarted.onEvent(hello, 0, true);
            assertEquals(12, hello.lastJournaledSeq(), "rebuilt from journal in");
            assertEquals(99, restarted.lastJournaledSeq(4));

            final EventSlot resend = new EventSlot(512, 8);
            event(resend, 3, 11);
            restarted.onEvent(resend, 1, true);
            assertTrue(resend.duplicate(), "a resend after the restart is recognised");
            event(resend, 3, 13);
            restarted.onEvent(resend, 2, true);
            assertFalse(resend.duplicate());
            assertEquals(5, count(in));
        }
    }

    private static void event(final EventSlot slot, final long producerId, final long seq)
    {
        slot.clear();
        final EventEncoder encoder = new EventEncoder().wrapAndApplyHeader(slot.encoded(), 0, new MessageHeaderEncoder());
        encoder.producerId(producerId).seq(seq).key(1).eventTimeNanos(0).ingestTimeNanos(0).connectionId(0);
        encoder.fieldsCount(1).next().value(1.0);
        encoder.topic("payments");
        slot.encodedLength(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength()).producerId(producerId).seq(seq);
    }

    private static int count(final Journal journal)
    {
        int n = 0;
        try (JournalReader reader = journal.newReader())
        {
            int read;
            while ((read = reader.poll((index, buffer, offset, length) -> { }, 100)) > 0)
            {
                n += read;
            }
        }
        return n;
    }
}
