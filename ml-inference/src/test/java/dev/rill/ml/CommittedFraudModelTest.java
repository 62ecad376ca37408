package dev.rill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rill.ml.train.DistributionBackfill;
import dev.rill.ml.train.FraudDataGenerator;
import org.junit.jupiter.api.Test;

class CommittedFraudModelTest
{
    @Test
    void committedModelScoresEqualExtractorPlusAnIndependentPlainOrtSession() throws Exception
    {
        final int rows = 64;
        final FraudDataGenerator generator = new FraudDataGenerator(7);
        final double[][] payments = new double[rows][FraudFeatures.PAYMENT_FIELDS.size()];
        for (final double[] payment : payments)
        {
            generator.next(payment);
        }

        final float[] scorerScores = new float[rows];
        final ModelDescriptor descriptor;
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, rows))
        {
            descriptor = scorer.descriptor();
            final FeatureExtractor extractor = new FeatureExtractor(descriptor, FraudFeatures.payments());
            for (int r = 0; r < rows; r++)
            {
                extractor.extract(payments[r], scorer.inputRows(), r);
            }
            scorer.run(rows);
            for (int r = 0; r < rows; r++)
            {
                scorerScores[r] = scorer.score(r);
            }
        }

        final FeatureExtractor extractor = new FeatureExtractor(descriptor, FraudFeatures.payments());
        final float[][] features = new float[rows][];
        for (int r = 0; r < rows; r++)
        {
            features[r] = extractor.extractToArray(payments[r]);
        }
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession plain = env.createSession(TestModels.COMMITTED_FRAUD.resolve("model.onnx").toString());
            OnnxTensor input = OnnxTensor.createTensor(env, features);
            OrtSession.Result result = plain.run(Map.of(descriptor.inputName(), input)))
        {
            final float[][] probabilities = (float[][])result.get(descriptor.outputName()).orElseThrow().getValue();
            for (int r = 0; r < rows; r++)
            {
                assertEquals(probabilities[r][descriptor.scoreColumn()], scorerScores[r], 1e-7, "row " + r);
                assertEquals(1.0, probabilities[r][0] + probabilities[r][1], 1e-5, "softmax row " + r);
            }
        }
    }

    @Test
    void committedModelRanksAnObviouslyRiskyPaymentAboveAnOrdinaryOne() throws Exception
    {
        try (OnnxScorer scorer = OnnxScorer.open(TestModels.COMMITTED_FRAUD, 2))
        {
            final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments());
            // amount, mcc, hour, distance km, card age days, tx in last minute
            extractor.extract(new double[]{42.50, 5411, 18, 3.2, 1400, 1}, scorer.inputRows(), 0);
            extractor.extract(new double[]{2400.00, 6051, 3, 4200, 6, 7}, scorer.inputRows(), 1);
            scorer.run(2);
            assertTrue(scorer.score(0) < 0.02, "grocery at 6 pm near home: " + scorer.score(0));
            assertTrue(scorer.score(1) > 0.9, "crypto at 3 am, 4200 km away, new card, burst: " + scorer.score(1));
        }
    }

    @Test
    void committedDescriptorRecordsHeldOutMetricsAndModelOrderedFeatures()
    {
        final ModelDescriptor descriptor = ModelFiles.load(TestModels.COMMITTED_FRAUD).descriptor();
        assertEquals("fraud", descriptor.name());
        assertEquals(FraudFeatures.PAYMENTS_TOPIC, descriptor.topic());
        assertTrue(descriptor.evaluation().auc() > 0.75, "auc " + descriptor.evaluation().auc());
        assertTrue(descriptor.training().heldOutFrom() >= descriptor.training().trainTo(), "held out after training");
        final List<String> names = descriptor.features().stream().map(FeatureSpec::name).toList();
        assertEquals(names.stream().sorted().toList(), names, "Tribuo numbers features in sorted name order");
    }

    @Test
    void committedDistributionsAreThoseOfItsRegeneratedTrainingRowsScoredByItsOwnOnnxFile() throws Exception
    {
        final ModelDescriptor descriptor = ModelFiles.load(TestModels.COMMITTED_FRAUD).descriptor();
        assertEquals(150_000, descriptor.distributions().rows());
        assertEquals(descriptor.featureCount(), descriptor.distributions().features().size());
        assertEquals(DistributionBackfill.recompute(TestModels.COMMITTED_FRAUD), descriptor.distributions());
    }
}
