package dev.rill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import dev.rill.bus.EventSlot;
import dev.rill.ml.train.FraudDataGenerator;
import org.junit.jupiter.api.Test;

class ScoringStageAllocationTest
{
    /** ORT 1.28's Java layer allocates ~416 B inside each run (measured in DEPENDENCIES.md); allow a margin. */
    private static final long MAX_BYTES_PER_BATCH = 1024;

    @Test
    void steadyStateScoringAllocatesNoMoreThanOrtsOwnPerRunOverhead() throws Exception
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final int batch = 32;
        final EventSlot[] slots = new EventSlot[batch];
        final FraudDataGenerator generator = new FraudDataGenerator(21);
        for (int i = 0; i < batch; i++)
        {
            slots[i] = new EventSlot(256, 8);
            slots[i].clear();
            slots[i].topicId(0).fieldCount(6);
            generator.next(slots[i].fields());
        }
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, batch))
        {
            final ScoringStage stage = new ScoringStage(scorer,
                new FeatureExtractor[]{new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments())},
                System::nanoTime, batch, 0.0);
            stage.onStart();
            runBatches(stage, slots, 2_000);

            final int measured = 2_000;
            final long before = threads.getThreadAllocatedBytes(thread);
            runBatches(stage, slots, measured);
            final long perBatch = (threads.getThreadAllocatedBytes(thread) - before) / measured;

            assertEquals(0, stage.fallbackCount());
            assertEquals(4_000L * batch, stage.scoredCount());
            assertTrue(perBatch <= MAX_BYTES_PER_BATCH, "allocated " + perBatch + " B per batch of " + batch);
            System.out.println("ScoringStage steady state: " + perBatch + " B allocated per batch of " + batch);
        }
    }

    private static void runBatches(final ScoringStage stage, final EventSlot[] slots, final int batches)
    {
        for (int b = 0; b < batches; b++)
        {
            for (int i = 0; i < slots.length; i++)
            {
                stage.onEvent(slots[i], (long)b * slots.length + i, i == slots.length - 1);
            }
        }
    }
}
