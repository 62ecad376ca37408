package dev.rill.ml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.EventSlot;
import dev.rill.ml.features.FeatureState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shadow model scores the same events off the acknowledgement path; its figures are checked against an independent count. */
class ShadowModelTest
{
    private static final float SHIFT = 1.5f;

    @TempDir
    Path temp;

    @Test
    void theShadowsAgreementFiguresMatchAnIndependentCountAndItsScoresAreNeverPublished() throws Exception
    {
        final Path shifted = ModelDrills.version(TestModels.COMMITTED_FRAUD, temp, 2, b -> ModelDrills.shiftedFraudLogit(b, SHIFT));
        try (ModelMonitor monitor = ModelMonitor.forBatches(16, 8))
        {
            final ScoringStage stage = new ScoringStage(ScoringOptions.of(16, 0.0), model(TestModels.COMMITTED_FRAUD), null, null,
                FeatureState.none(List.of()), null, monitor, () -> 1L);
            stage.onStart();
            monitor.startShadow(model(shifted));
            assertTrue(monitor.awaitIdle(10_000));

            final List<EventSlot> slots = new ArrayList<>();
            for (int batch = 0; batch < 25; batch++)
            {
                slots.addAll(TestModels.deliverPayments(stage, 1 + batch % 16, batch));
            }
            assertTrue(monitor.awaitIdle(10_000), "the monitor drained its ring");

            double sumDelta = 0;
            double maxDelta = 0;
            long negToPos = 0;
            long posToNeg = 0;
            final double threshold;
            try (OnnxScorer v1 = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 1); OnnxScorer v2 = OnnxScorer.open(shifted, 1))
            {
                threshold = v1.descriptor().threshold();
                final FeatureExtractor extractor = new FeatureExtractor(v1.descriptor(), FraudFeatures.payments());
                for (final EventSlot slot : slots)
                {
                    final float[] row = extractor.extractToArray(slot.fields());
                    final float primary = v1.scoreOnce(row)[0];
                    final float shadow = v2.scoreOnce(row)[0];
                    assertEquals(primary, slot.score(), 1e-7, "the published score is the primary's");
                    assertEquals(1, slot.modelVersion());
                    final double delta = Math.abs(shadow - primary);
                    sumDelta += delta;
                    maxDelta = Math.max(maxDelta, delta);
                    negToPos += primary < threshold && shadow >= threshold ? 1 : 0;
                    posToNeg += primary >= threshold && shadow < threshold ? 1 : 0;
                }
            }
            final ModelMonitor.ShadowReport report = monitor.shadowReport();
            assertEquals("fraud/2", report.model());
            assertEquals(slots.size(), report.compared());
            assertEquals(0, report.skipped());
            assertEquals(sumDelta / slots.size(), report.meanAbsDelta(), 1e-6);
            assertEquals(maxDelta, report.maxAbsDelta(), 1e-6);
            assertEquals(negToPos, report.flipsNegativeToPositive());
            assertEquals(posToNeg, report.flipsPositiveToNegative());
            assertTrue(negToPos > 0, "the crafted shift moves some decisions: " + negToPos);
            assertEquals(0, posToNeg, "a shift up never turns a positive negative");
            assertEquals(1 - (double)(negToPos + posToNeg) / slots.size(), report.agreement(), 1e-12);
            assertEquals(threshold, report.threshold());
            assertTrue(report.p99AbsDelta() <= maxDelta + 1e-3 && report.p99AbsDelta() > 0);
            assertTrue(report.latencyP99Micros() > 0, "shadow latency is measured");

            monitor.stopShadow();
            assertTrue(monitor.awaitIdle(10_000));
            assertNull(monitor.shadowModel());
            stage.onShutdown();
        }
    }

    @Test
    void anIdenticalShadowAgreesEverywhere() throws Exception
    {
        try (ModelMonitor monitor = ModelMonitor.forBatches(16, 8))
        {
            final ScoringStage stage = new ScoringStage(ScoringOptions.of(16, 0.0), model(TestModels.COMMITTED_FRAUD), null, null,
                FeatureState.none(List.of()), null, monitor, () -> 1L);
            stage.onStart();
            monitor.startShadow(model(TestModels.COMMITTED_FRAUD));
            assertTrue(monitor.awaitIdle(10_000));
            int events = 0;
            for (int batch = 0; batch < 10; batch++)
            {
                events += TestModels.deliverPayments(stage, 16, 100 + batch).size();
            }
            assertTrue(monitor.awaitIdle(10_000));
            final ModelMonitor.ShadowReport report = monitor.shadowReport();
            assertEquals(events, report.compared());
            assertEquals(0.0, report.maxAbsDelta());
            assertEquals(1.0, report.agreement());
            stage.onShutdown();
        }
    }

    private static ScoringModel model(final Path dir)
    {
        final OnnxScorer scorer = OnnxScorer.open(dir, 16);
        return new ScoringModel(scorer, new FeatureExtractor[]{new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments())});
    }
}
