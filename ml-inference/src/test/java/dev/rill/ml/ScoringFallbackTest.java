package dev.rill.ml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.EventSlot;
import dev.rill.ml.features.FeatureState;
import org.agrona.concurrent.EpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fallback with real, crafted ONNX models: a corrupt file, a wrong input width, NaN output and a
 * run over its time budget each make the stage score with the previous version (or the default),
 * set the FALLBACK flag and raise the counter of that reason; no event is lost.
 */
class ScoringFallbackTest
{
    private static final long NOW = 1_764_000_000_000_000_000L;
    private static final EpochNanoClock CLOCK = () -> NOW;
    private static final double DEFAULT_SCORE = 0.03;

    @TempDir
    Path temp;

    @Test
    void aCorruptModelFileIsRefusedAtLoadAndThePreviousVersionScoresEveryEventWithTheFlag() throws Exception
    {
        final Path corrupt = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp, 2, bytes -> java.util.Arrays.copyOf(bytes, bytes.length / 2));
        // the checksum in model.json matches the cut bytes: it is ONNX Runtime that refuses the file
        final ModelLoadException refused = assertThrows(ModelLoadException.class, () -> OnnxScorer.open(corrupt, 16));
        assertTrue(refused.getMessage().contains("cannot be loaded by ONNX Runtime"), refused.getMessage());

        final ScoringStage stage = stage(null, model(TestModels.COMMITTED_FRAUD), new ScoringStage.IntendedModel("fraud", 2, 0));
        final List<EventSlot> slots = TestModels.deliverPayments(stage, 10, 1);

        for (final EventSlot slot : slots)
        {
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertEquals(1, slot.modelVersion(), "scored by the previous version");
            assertEquals(expectedV1(slot), slot.score(), 1e-7);
        }
        assertEquals(10, stage.fallbackCount(FallbackReason.LOAD_FAILURE));
        assertEquals(0, stage.scoredCount());
        assertEquals("fraud/2 (not loaded)", stage.primaryModel());
        stage.onShutdown();
    }

    @Test
    void withNoModelLoadableAtAllEveryEventGetsTheDefaultScoreWithTheFlagAndTheIntendedName() throws Exception
    {
        final ScoringStage stage = stage(null, null, new ScoringStage.IntendedModel("fraud", 2, 0));
        final List<EventSlot> slots = TestModels.deliverPayments(stage, 5, 2);
        for (final EventSlot slot : slots)
        {
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertEquals(DEFAULT_SCORE, slot.score());
            assertEquals(2, slot.modelVersion());
            assertEquals("fraud", new String(slot.modelName(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(5, stage.fallbackCount(FallbackReason.LOAD_FAILURE));
        stage.onShutdown();
    }

    @Test
    void aModelOfTheWrongInputWidthIsRefusedAtLoadOrFailsEveryRunAndThePreviousVersionScores() throws Exception
    {
        // Static width: refused when loading, naming the shape.
        final Path fixedWrong = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp.resolve("fixed"), 2, b -> b, json -> addFeature(json));
        final ModelLoadException refused = assertThrows(ModelLoadException.class, () -> OnnxScorer.open(fixedWrong, 16));
        assertTrue(refused.getMessage().contains("has shape [-1, 11]") && refused.getMessage().contains("[-1, 12]"),
            refused.getMessage());

        // Dynamic width: loads, and every run fails inside ONNX Runtime.
        final Path dynamicWrong = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp.resolve("dynamic"), 2, ModelDrills::dynamicFeatureDimension,
            json -> addFeature(json));
        final ScoringStage stage = stage(model(dynamicWrong), model(TestModels.COMMITTED_FRAUD), null);
        final List<EventSlot> slots = TestModels.deliverPayments(stage, 12, 3);

        for (final EventSlot slot : slots)
        {
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertEquals(1, slot.modelVersion());
            assertEquals(expectedV1(slot), slot.score(), 1e-7);
        }
        assertEquals(12, stage.fallbackCount(FallbackReason.INFERENCE_ERROR));
        assertEquals(12, stage.fallbackCount());
        stage.onShutdown();
    }

    @Test
    void aModelThatOutputsNaNFallsBackToThePreviousVersionRowByRow() throws Exception
    {
        final Path nan = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp, 2, ModelDrills::nanOutput);
        final ScoringStage stage = stage(model(nan), model(TestModels.COMMITTED_FRAUD), null);
        final List<EventSlot> slots = TestModels.deliverPayments(stage, 20, 4);

        for (final EventSlot slot : slots)
        {
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertEquals(1, slot.modelVersion());
            assertEquals(expectedV1(slot), slot.score(), 1e-7);
        }
        assertEquals(20, stage.fallbackCount(FallbackReason.NON_FINITE));
        assertEquals(0, stage.scoredCount());
        stage.onShutdown();
    }

    @Test
    void aNaNModelWithoutAPreviousVersionGivesTheDefaultScore() throws Exception
    {
        final Path nan = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp, 2, ModelDrills::nanOutput);
        final ScoringStage stage = stage(model(nan), null, null);
        final List<EventSlot> slots = TestModels.deliverPayments(stage, 6, 5);
        for (final EventSlot slot : slots)
        {
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertEquals(DEFAULT_SCORE, slot.score());
            assertEquals(2, slot.modelVersion(), "named as the model that failed to score it");
        }
        assertEquals(6, stage.fallbackCount(FallbackReason.NON_FINITE));
        stage.onShutdown();
    }

    @Test
    void aRunOverTheTimeBudgetIsEndedAndItsBatchScoredByThePreviousVersionThenTheSlowModelIsBypassed() throws Exception
    {
        // 100 MatMuls of [8, 2048] x [2048, 2048] per run (6.7 GFLOP): far beyond a 20 ms budget on any machine.
        final Path slow = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp, 2, b -> ModelDrills.slow(b, 2048, 100));
        final ScoringOptions options = new ScoringOptions(16, DEFAULT_SCORE, TimeUnit.MILLISECONDS.toNanos(20), false, 0);
        final OnnxScorer slowScorer = OnnxScorer.open(slow, 16);
        final ScoringStage stage = new ScoringStage(options, model(slowScorer), model(TestModels.COMMITTED_FRAUD), null,
            FeatureState.none(List.of()), null, null, CLOCK);
        stage.onStart();

        final List<EventSlot> all = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++)
        {
            all.addAll(TestModels.deliverPayments(stage, 8, 10 + batch));
        }

        for (final EventSlot slot : all)
        {
            assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
            assertEquals(1, slot.modelVersion());
            assertEquals(expectedV1(slot), slot.score(), 1e-7);
        }
        assertEquals(32, stage.fallbackCount(FallbackReason.OVER_BUDGET));
        assertEquals(3, stage.runsOverBudget(), "three runs ended by the watchdog");
        assertEquals(3, slowScorer.runCount(), "the fourth batch bypasses the slow model");
        stage.onShutdown();
    }

    private static void addFeature(final com.fasterxml.jackson.databind.node.ObjectNode json)
    {
        json.withArray("features").addObject().put("name", "zz_extra").put("field", "amount").put("transform", "IDENTITY")
            .putArray("params");
    }

    private static float expectedV1(final EventSlot slot) throws Exception
    {
        try (OnnxScorer v1 = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 1))
        {
            final FeatureExtractor extractor = new FeatureExtractor(v1.descriptor(), FraudFeatures.payments());
            return v1.scoreOnce(extractor.extractToArray(slot.fields()))[v1.descriptor().scoreColumn()];
        }
    }

    private static ScoringModel model(final Path dir)
    {
        return model(OnnxScorer.open(dir, 16));
    }

    private static ScoringModel model(final OnnxScorer scorer)
    {
        return new ScoringModel(scorer, new FeatureExtractor[]{new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments())});
    }

    private static ScoringStage stage(final ScoringModel primary, final ScoringModel fallback, final ScoringStage.IntendedModel intended)
    {
        final ScoringStage stage = new ScoringStage(ScoringOptions.of(16, DEFAULT_SCORE), primary, fallback, intended,
            FeatureState.none(List.of()), null, null, CLOCK);
        stage.onStart();
        return stage;
    }
}
