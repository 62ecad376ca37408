package dev.rill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rill.bus.EventSlot;
import dev.rill.ml.train.FraudDataGenerator;
import org.agrona.concurrent.EpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringStageTest
{
    private static final int PAYMENTS = 0;
    private static final int OTHER_TOPIC = 1;
    private static final long NOW = 1_764_000_000_000_000_000L;
    private static final EpochNanoClock CLOCK = () -> NOW;
    private static final double FALLBACK = 0.03;

    @TempDir
    Path temp;

    private static List<EventSlot> payments(final int count, final long seed)
    {
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final List<EventSlot> slots = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final EventSlot slot = new EventSlot(256, 8);
            slot.clear();
            generator.next(slot.fields());
            slot.topicId(PAYMENTS).fieldCount(FraudFeatures.PAYMENT_FIELDS.size()).key(generator.lastCardId());
            slots.add(slot);
        }
        return slots;
    }

    private static void deliver(final ScoringStage stage, final List<EventSlot> slots)
    {
        for (int i = 0; i < slots.size(); i++)
        {
            stage.onEvent(slots.get(i), i, i == slots.size() - 1);
        }
    }

    private static ScoringStage stage(final OnnxScorer scorer, final int maxBatch)
    {
        final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments());
        return new ScoringStage(scorer, new FeatureExtractor[]{extractor, null}, CLOCK, maxBatch, FALLBACK);
    }

    @Test
    void scoresABatchWithOneRunAndGivesEachSlotItsScoreWhenScoredAlone() throws Exception
    {
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 64))
        {
            final ScoringStage stage = stage(scorer, 64);
            stage.onStart();
            final List<EventSlot> slots = payments(40, 11);

            deliver(stage, slots);

            assertEquals(1, scorer.runCount(), "one session.run for the whole batch");
            assertEquals(1, stage.batchCount());
            assertEquals(40, stage.scoredCount());
            assertEquals(0, stage.fallbackCount());
            final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments());
            for (final EventSlot slot : slots)
            {
                final float alone = scorer.scoreOnce(extractor.extractToArray(slot.fields()))[scorer.descriptor().scoreColumn()];
                assertEquals(alone, slot.score(), 1e-7);
                assertEquals(1, slot.modelVersion());
                assertEquals(NOW, slot.scoredTimeNanos());
                assertEquals(0, slot.flags());
            }
        }
    }

    @Test
    void scoresAsSoonAsMaxBatchSlotsAreCollectedAndReusesTheBuffersForTheRest() throws Exception
    {
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 4))
        {
            final ScoringStage stage = stage(scorer, 4);
            final List<EventSlot> slots = payments(10, 12);

            deliver(stage, slots);

            assertEquals(3, scorer.runCount(), "4 + 4 + 2");
            final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments());
            for (final EventSlot slot : slots)
            {
                assertEquals(scorer.scoreOnce(extractor.extractToArray(slot.fields()))[0], slot.score(), 1e-7);
            }
        }
    }

    @Test
    void aNaNFieldGivesThatSlotAloneTheFallbackScoreAndFlag() throws Exception
    {
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 8))
        {
            final ScoringStage stage = stage(scorer, 8);
            final List<EventSlot> slots = payments(3, 13);
            slots.get(1).fields()[FraudFeatures.AMOUNT_INDEX] = Double.NaN;

            deliver(stage, slots);

            assertEquals(FALLBACK, slots.get(1).score());
            assertEquals(ScoringStage.FALLBACK_FLAG, slots.get(1).flags());
            assertEquals(1, slots.get(1).modelVersion());
            assertEquals(1, stage.fallbackCount());
            assertEquals(2, stage.scoredCount());
            for (final int ok : new int[]{0, 2})
            {
                assertEquals(0, slots.get(ok).flags());
                assertTrue(slots.get(ok).score() >= 0 && slots.get(ok).score() <= 1);
            }
        }
    }

    @Test
    void aFailingSessionRunGivesEverySlotOfTheBatchTheFallbackAndTheStageKeepsGoing() throws Exception
    {
        // A real ONNX Runtime failure: the graph's feature dimension is made dynamic and the
        // descriptor claims one feature more than the weights have, so loading succeeds and every
        // run fails inside the Gemm with a shape error.
        final Path dir = TestModels.alteredCopy(temp, ScoringStageTest::dynamicFeatureDimension, d ->
        {
            final List<FeatureSpec> features = new ArrayList<>(d.features());
            features.add(FeatureSpec.of("zz_extra", FraudFeatures.AMOUNT, FeatureTransform.IDENTITY));
            return d.withFeatures(features);
        });
        try (OnnxScorer scorer = OnnxScorer.open(dir, 8))
        {
            final ScoringStage stage = stage(scorer, 8);
            final List<EventSlot> first = payments(5, 14);
            final List<EventSlot> second = payments(3, 15);

            deliver(stage, first);
            deliver(stage, second);

            assertEquals(2, scorer.runCount());
            assertEquals(8, stage.fallbackCount());
            assertEquals(0, stage.scoredCount());
            for (final List<EventSlot> batch : List.of(first, second))
            {
                for (final EventSlot slot : batch)
                {
                    assertEquals(FALLBACK, slot.score());
                    assertEquals(ScoringStage.FALLBACK_FLAG, slot.flags());
                    assertEquals(NOW, slot.scoredTimeNanos());
                }
            }
        }
    }

    @Test
    void slotsOfUnscoredTopicsAreLeftUnscoredButStillEndTheBatch() throws Exception
    {
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 8))
        {
            final ScoringStage stage = stage(scorer, 8);
            final List<EventSlot> slots = payments(3, 16);
            slots.get(2).topicId(OTHER_TOPIC);
            final EventSlot unknownTopic = payments(1, 17).get(0).topicId(5);
            slots.add(unknownTopic);

            deliver(stage, slots);

            assertEquals(1, scorer.runCount(), "the payments collected before the unscored last slot are scored");
            assertEquals(2, stage.scoredCount());
            assertEquals(2, stage.unscoredCount());
            for (final EventSlot unscored : List.of(slots.get(2), unknownTopic))
            {
                assertTrue(Double.isNaN(unscored.score()));
                assertEquals(0, unscored.modelVersion());
                assertEquals(0, unscored.flags());
            }
            assertEquals(NOW, slots.get(1).scoredTimeNanos());
        }
    }

    private static byte[] dynamicFeatureDimension(final byte[] onnx)
    {
        try
        {
            final OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(onnx).toBuilder();
            model.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(1).setDimParam("features");
            return model.build().toByteArray();
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
