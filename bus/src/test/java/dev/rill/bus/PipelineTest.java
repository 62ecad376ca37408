package dev.rill.bus;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineTest
{
    @ParameterizedTest
    @EnumSource(PipelineConfig.Threading.class)
    void everyEventPassesJournalThenScoringThenPublishInSequenceOrder(final PipelineConfig.Threading threading) throws Exception
    {
        final List<Long> published = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger capacityCalls = new AtomicInteger();
        final Stage journal = stage("journal", (slot, seq, eob) -> slot.journaled(seq * 10, 1));
        final Stage scoring = stage("scoring", (slot, seq, eob) -> slot.scored(slot.seq() * 2.0, 1, 2, (byte)0));
        final Stage publish = stage("publish", (slot, seq, eob) ->
        {
            if (slot.inIndex() != slot.seq() * 10 && threading == PipelineConfig.Threading.FUSED)
            {
                violations.add("seq " + slot.seq() + " published before it was journaled");
            }
            if (slot.inIndex() < 0 || slot.score() != slot.seq() * 2.0)
            {
                violations.add("seq " + slot.seq() + " published before journal and scoring ran");
            }
            published.add(slot.seq());
        });
        final PipelineConfig config = PipelineConfig.defaults().withRingSize(64).withMaxBatch(8).withThreading(threading);
        final Pipeline pipeline = new Pipeline(config, journal, scoring, publish).capacityListener(capacityCalls::incrementAndGet);
        pipeline.start();
        for (long i = 0; i < 10_000; i++)
        {
            long seq;
            while ((seq = pipeline.tryClaim()) < 0)
            {
                Thread.onSpinWait(); // the test is the only producer: the ring frees as stages run
            }
            final EventSlot slot = pipeline.slot(seq);
            slot.clear();
            slot.seq(i);
            pipeline.publish(seq);
        }
        pipeline.close();
        assertEquals(List.of(), violations);
        assertEquals(10_000, published.size());
        for (int i = 0; i < published.size(); i++)
        {
            assertEquals(i, published.get(i));
        }
        assertTrue(capacityCalls.get() >= 10_000 / 8, "told the producer side at the end of every batch");
    }

    @Test
    void aFailingStageStopsThePipelineAndNothingAfterItIsPublished() throws Exception
    {
        final List<Long> published = new CopyOnWriteArrayList<>();
        final Stage journal = stage("journal", (slot, seq, eob) ->
        {
            if (slot.seq() == 5)
            {
                throw new IllegalStateException("disk full");
            }
        });
        final Stage noop = stage("scoring", (slot, seq, eob) -> { });
        final Stage publish = stage("publish", (slot, seq, eob) -> published.add(slot.seq()));
        final Pipeline pipeline = new Pipeline(PipelineConfig.defaults().withRingSize(16).withMaxBatch(1), journal, noop, publish);
        pipeline.start();
        for (long i = 0; i < 10; i++)
        {
            final long seq = pipeline.tryClaim();
            pipeline.slot(seq).seq(i);
            pipeline.publish(seq);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pipeline.failure() == null && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(1);
        }
        assertNotNull(pipeline.failure());
        assertTrue(pipeline.failure().getMessage().contains("journal"), pipeline.failure().getMessage());
        pipeline.close();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), published);
    }

    @Test
    void claimReturnsMinusOneWhenTheRingIsFull()
    {
        final Stage blocked = stage("blocked", (slot, seq, eob) -> { });
        final Pipeline pipeline = new Pipeline(PipelineConfig.defaults().withRingSize(4), blocked, blocked, blocked);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(pipeline.tryClaim() >= 0);
        }
        assertEquals(-1, pipeline.tryClaim(), "not started, so nothing frees the ring");
    }

    private interface Body
    {
        void onEvent(EventSlot slot, long sequence, boolean endOfBatch);
    }

    private static Stage stage(final String name, final Body body)
    {
        return new Stage()
        {
            @Override
            public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
            {
                body.onEvent(slot, sequence, endOfBatch);
            }

            @Override
            public String name()
            {
                return name;
            }
        };
    }
}
