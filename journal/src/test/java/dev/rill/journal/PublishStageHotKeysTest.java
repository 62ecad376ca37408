package dev.rill.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.AckSink;
import dev.rill.bus.EventSlot;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.TopicSchema;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.metrics.HotKeys;
import dev.rill.bus.metrics.HotspotConfig;
import dev.rill.bus.metrics.HotspotSnapshot;
import dev.rill.bus.metrics.PipelineLatencies;
import org.agrona.concurrent.EpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The publish stage feeds the hot-key sketch after the journal stage's decision: with the real
 * stages and journals, resends dropped as duplicates, fenced events and events recovered after a
 * crash are not counted; every newly journaled event is, once.
 */
class PublishStageHotKeysTest
{
    private static final long WINDOW = 10_000_000_000L;
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void onlyNewlyJournaledEventsAreCountedNotResendsFencedOrRecoveredOnes()
    {
        final AtomicLong now = new AtomicLong(T0 + 1);
        final EpochNanoClock clock = now::get;
        final TopicRegistry topics = new TopicRegistry(List.of(new TopicSchema("payments", List.of("amount"))));
        final HotKeys hotKeys = new HotKeys(HotspotConfig.defaults(), topics, clock);
        try (ChronicleJournal in = ChronicleJournal.open(JournalConfig.of(dir), "in");
            ChronicleJournal out = ChronicleJournal.open(JournalConfig.of(dir), "out"))
        {
            final JournalStage journal = new JournalStage(in, clock);
            final PublishStage publish = new PublishStage(out, topics, clock, AckSink.NONE, lastOutIndex -> { },
                new PipelineLatencies(), 16).hotKeys(hotKeys);
            final EventSlot slot = new EventSlot(512, 8);
            long sequence = 0;
            for (final long seq : new long[] {1, 2, 3, 2, 3, 4})
            {
                event(slot, 7, seq, 42, 1);
                journal.onEvent(slot, sequence, true);
                publish.onEvent(slot, sequence++, true);
            }
            hello(slot, 7, 2);
            journal.onEvent(slot, sequence, true);
            publish.onEvent(slot, sequence++, true);
            event(slot, 7, 5, 42, 1); // still from epoch 1: fenced
            journal.onEvent(slot, sequence, true);
            publish.onEvent(slot, sequence++, true);
            event(slot, 8, 1, 99, 0);
            slot.kind(EventSlot.RECOVERED); // journaled before a crash: already counted then, if at all
            slot.inIndex(in.lastIndex());
            journal.onEvent(slot, sequence, true);
            publish.onEvent(slot, sequence++, true);
            event(slot, 9, 1, 5, 0);
            journal.onEvent(slot, sequence, true);
            publish.onEvent(slot, sequence++, true);

            now.set(T0 + WINDOW);
            event(slot, 9, 2, 5, 0); // the next window's first event closes this one
            journal.onEvent(slot, sequence, true);
            publish.onEvent(slot, sequence, true);
            now.set(T0 + WINDOW + 1);
        }
        final HotspotSnapshot s = hotKeys.snapshot();
        assertEquals(5, s.totalEvents(), "seqs 1-4 of producer 7 and seq 1 of producer 9");
        assertEquals(42, s.topKeys().get(0).key());
        assertEquals(4, s.topKeys().get(0).count(), "the two resends are not counted");
        assertEquals(0, s.topKeys().get(0).error());
        assertEquals(5, s.topKeys().get(1).key());
        assertEquals(2, s.topKeys().size(), "the recovered event's key 99 is not counted");
        assertEquals(7, s.topProducers().get(0).producerId());
        assertEquals(4, s.topProducers().get(0).count());
    }

    private static void hello(final EventSlot slot, final long producerId, final int epoch)
    {
        slot.clear();
        slot.kind(EventSlot.HELLO).producerId(producerId).epoch(epoch);
    }

    private static void event(final EventSlot slot, final long producerId, final long seq, final long key, final int epoch)
    {
        slot.clear();
        final EventEncoder encoder = new EventEncoder().wrapAndApplyHeader(slot.encoded(), 0, new MessageHeaderEncoder());
        encoder.producerId(producerId).seq(seq).key(key).eventTimeNanos(0).ingestTimeNanos(0).connectionId(0);
        encoder.fieldsCount(1).next().value(1.0);
        encoder.topic("payments");
        slot.encodedLength(MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength())
            .producerId(producerId).seq(seq).key(key).topicId(0).epoch(epoch).fieldCount(1);
        slot.scored(0.5, 1, 0, (byte)0);
    }
}
