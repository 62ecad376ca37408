package dev.rill.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.EventSlot;
import dev.rill.ml.train.FraudDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hot swap of the scoring model: taken up at a batch boundary, every slot names its model version. */
class ModelSwapTest
{
    @TempDir
    Path temp;

    @Test
    void aModelDeployedMidBatchScoresFromTheNextBatchOn() throws Exception
    {
        final OnnxScorer v1 = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 64);
        final ScoringStage stage = stage(v1);
        stage.onStart();
        final List<EventSlot> first = payments(3, 1);
        stage.onEvent(first.get(0), 0, false);
        stage.onEvent(first.get(1), 1, false);
        final OnnxScorer v2 = OnnxScorer.open(version2(), 64);
        stage.deploy(v2, extractors(v2));
        stage.onEvent(first.get(2), 2, true);
        for (final EventSlot slot : first)
        {
            assertEquals(1, slot.modelVersion(), "a batch under way finishes with the model it started with");
        }
        assertEquals(1, stage.activeModelVersion());

        final List<EventSlot> second = payments(5, 2);
        for (int i = 0; i < second.size(); i++)
        {
            stage.onEvent(second.get(i), 3 + i, i == second.size() - 1);
        }
        for (final EventSlot slot : second)
        {
            assertEquals(2, slot.modelVersion(), "the next batch is scored by the new model");
            assertTrue(Float.isFinite((float)slot.score()));
            assertEquals(0, slot.flags(), "and not by the fallback");
        }
        assertEquals(2, stage.activeModelVersion());
        assertEquals("fraud/2", stage.toString());
        stage.onShutdown();
    }

    @Test
    void swapsWhileBatchesFlowNeverLoseAnEventOrGoBackAVersion() throws Exception
    {
        final OnnxScorer v1 = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 64);
        final ScoringStage stage = stage(v1);
        stage.onStart();
        final Path v2Dir = version2();
        final Thread deployer = new Thread(() ->
        {
            final OnnxScorer v2 = OnnxScorer.open(v2Dir, 64);
            stage.deploy(v2, extractors(v2));
        });
        final List<EventSlot> all = new ArrayList<>();
        long sequence = 0;
        for (int batch = 0; batch < 400; batch++)
        {
            if (batch == 20)
            {
                deployer.start();
            }
            final List<EventSlot> slots = payments(1 + batch % 16, batch);
            for (int i = 0; i < slots.size(); i++)
            {
                stage.onEvent(slots.get(i), sequence++, i == slots.size() - 1);
            }
            all.addAll(slots);
            if (batch > 20 && !deployer.isAlive() && stage.activeModelVersion() == 2 && batch > 200)
            {
                break;
            }
        }
        deployer.join();
        int previous = 1;
        int v2Count = 0;
        for (final EventSlot slot : all)
        {
            assertTrue(slot.modelVersion() == 1 || slot.modelVersion() == 2, "every event scored, by a named version");
            assertTrue(slot.modelVersion() >= previous, "never back to the old model once the new one scored");
            assertEquals(0, slot.flags(), "no fallback");
            previous = slot.modelVersion();
            v2Count += slot.modelVersion() == 2 ? 1 : 0;
        }
        assertTrue(v2Count > 0, "the new model took over");
        assertEquals(all.size(), stage.scoredCount(), "each event scored exactly once");
        stage.onShutdown();
    }

    @Test
    void aModelThatDoesNotFitTheStageIsRefusedAndTheOldOneStays() throws Exception
    {
        final OnnxScorer v1 = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 64);
        final ScoringStage stage = stage(v1);
        try (OnnxScorer small = OnnxScorer.open(version2(), 8))
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stage.deploy(small, extractors(small)));
            assertTrue(e.getMessage().contains("maxBatch"), e.getMessage());
        }
        final List<EventSlot> slots = payments(4, 3);
        for (int i = 0; i < slots.size(); i++)
        {
            stage.onEvent(slots.get(i), i, i == slots.size() - 1);
        }
        assertFalse(slots.stream().anyMatch(s -> s.modelVersion() != 1));
        stage.onShutdown();
    }

    @Test
    void theReplacedModelStandsByAsTheFallbackWithoutBeingLoadedAgain() throws Exception
    {
        final OnnxScorer v1 = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 64);
        final ScoringStage stage = stage(v1);
        stage.onStart();
        final OnnxScorer nan = OnnxScorer.open(ModelDrills.version(TestModels.COMMITTED_FRAUD, temp.resolve("nan"), 2,
            ModelDrills::nanOutput), 64);
        stage.deployKeepingCurrentAsFallback(new ScoringModel(nan, extractors(nan)));
        final long v1RunsBefore = v1.runCount();
        final List<EventSlot> slots = payments(6, 9);
        for (int i = 0; i < slots.size(); i++)
        {
            stage.onEvent(slots.get(i), i, i == slots.size() - 1);
        }
        assertEquals("fraud/1", stage.fallbackModel());
        assertEquals(2, stage.activeModelVersion());
        assertEquals(v1RunsBefore + 1, v1.runCount(), "the old session scored the batch the new model could not");
        for (final EventSlot slot : slots)
        {
            assertEquals(1, slot.modelVersion());
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertTrue(Float.isFinite((float)slot.score()));
        }
        assertEquals(6, stage.fallbackCount(FallbackReason.NON_FINITE));
        stage.onShutdown();
    }

    private Path version2() throws Exception
    {
        final Path parent = Files.createDirectories(temp.resolve("v2-" + System.nanoTime()));
        final Path one = TestModels.alteredCopy(parent, b -> b, d -> new ModelDescriptor(d.name(), 2, d.topic(), d.inputName(),
            d.outputName(), d.outputCount(), d.scoreColumn(), d.scoreLabel(), d.features(), d.threshold(), d.training(),
            d.evaluation(), d.createdAt(), d.onnxSha256()));
        return Files.move(one, parent.resolve("2"));
    }

    private static ScoringStage stage(final OnnxScorer scorer)
    {
        return new ScoringStage(scorer, extractors(scorer), () -> 1L, 64, 0.03);
    }

    private static FeatureExtractor[] extractors(final OnnxScorer scorer)
    {
        return new FeatureExtractor[] {new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments())};
    }

    private static List<EventSlot> payments(final int count, final long seed)
    {
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final List<EventSlot> slots = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final EventSlot slot = new EventSlot(256, 8);
            slot.clear();
            generator.next(slot.fields());
            slot.topicId(0).fieldCount(FraudFeatures.PAYMENT_FIELDS.size()).key(generator.lastCardId());
            slots.add(slot);
        }
        return slots;
    }
}
