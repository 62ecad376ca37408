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
            assertEquals(6, count(in), "4 events before the restart, 1 after, and the ProducerSession of producer 3's first Hello");
        }
    }

    @Test
    void aHigherEpochFencesTheOlderSessionAlsoAfterARestart()
    {
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final JournalStage stage = new JournalStage(in, new OffsetEpochNanoClock());
            final EventSlot slot = new EventSlot(512, 8);
            hello(slot, 5, 1);
            stage.onEvent(slot, 0, true);
            assertFalse(slot.fenced());
            event(slot, 5, 1);
            slot.epoch(1);
            stage.onEvent(slot, 1, true);
            assertFalse(slot.fenced());

            hello(slot, 5, 2);
            stage.onEvent(slot, 2, true);
            assertFalse(slot.fenced(), "the newer session is welcome");
            assertEquals(1, slot.lastJournaledSeq(), "and resumes after the old session's last event");

            event(slot, 5, 2);
            slot.epoch(1);
            stage.onEvent(slot, 3, true);
            assertTrue(slot.fenced(), "an event still arriving from the old session is fenced");
            assertEquals(Journal.NO_INDEX, slot.inIndex(), "and not journaled");
            hello(slot, 5, 1);
            stage.onEvent(slot, 4, true);
            assertTrue(slot.fenced(), "the old session cannot say Hello again");
            assertEquals(2, stage.fenced());
        }
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final JournalStage restarted = new JournalStage(in, new OffsetEpochNanoClock());
            final EventSlot slot = new EventSlot(512, 8);
            hello(slot, 5, 1);
            restarted.onEvent(slot, 0, true);
            assertTrue(slot.fenced(), "the epoch is rebuilt from the ProducerSession records of journal in");
            hello(slot, 5, 2);
            restarted.onEvent(slot, 1, true);
            assertFalse(slot.fenced(), "the same session reconnecting is welcome");
        }
    }

    @Test
    void anonymousProducersAreNeverDeduplicated()
    {
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in"))
        {
            final JournalStage stage = new JournalStage(in, new OffsetEpochNanoClock());
            final EventSlot slot = new EventSlot(512, 8);
            for (int i = 0; i < 3; i++)
            {
                event(slot, JournalStage.ANONYMOUS, 1); // two anonymous producers may well both start at seq 1
                stage.onEvent(slot, i, true);
                assertFalse(slot.duplicate());
            }
            assertEquals(3, count(in));
        }
    }

    @Test
    void syncModeForcesTheJournalOncePerBatchOnlyForSyncTopics()
    {
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in", Durability.SYNC))
        {
            final JournalStage stage = new JournalStage(in, new OffsetEpochNanoClock(), new ProducerTable(),
                Durability.PAGE_CACHE, new Durability[] {Durability.SYNC, null}, 0, null, 0);
            final EventSlot slot = new EventSlot(512, 8);
            long seq = 1;
            for (int batch = 0; batch < 3; batch++)
            {
                for (int i = 0; i < 4; i++)
                {
                    event(slot, 9, seq++);
                    slot.topicId(0);
                    stage.onEvent(slot, seq, i == 3);
                }
            }
            assertEquals(3, stage.syncs(), "one force per batch of the sync topic, not one per event");
            event(slot, 9, seq++);
            slot.topicId(1);
            stage.onEvent(slot, seq, true);
            assertEquals(3, stage.syncs(), "a page-cache topic is not forced");
        }
    }

    @Test
    void checkpointsCoverTheLastJournaledIndexAndAreWrittenAtShutdown() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"), 2);
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in");
            CheckpointWriter writer = new CheckpointWriter(store, Journal.NO_INDEX, m -> { }))
        {
            final JournalStage stage = new JournalStage(in, new OffsetEpochNanoClock(), new ProducerTable(),
                Durability.PAGE_CACHE, null, 0, writer, Long.MAX_VALUE / 4);
            final EventSlot slot = new EventSlot(512, 8);
            event(slot, 21, 7);
            stage.onEvent(slot, 0, true);
            event(slot, 22, 3);
            stage.onEvent(slot, 1, true);
            assertEquals(0, writer.written(), "not due yet");
            stage.onShutdown();
            assertEquals(1, writer.written());
            final Checkpoint c = store.loadNewestValid(m -> { });
            assertEquals(in.lastIndex(), c.inIndex());
            assertEquals(7, c.producers().find(21).lastSeq());
            assertEquals(3, c.producers().find(22).lastSeq());
        }
    }

    private static void hello(final EventSlot slot, final long producerId, final int epoch)
    {
        slot.clear();
        slot.kind(EventSlot.HELLO).producerId(producerId).epoch(epoch);
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
