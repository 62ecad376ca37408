package dev.rill.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentGateTest
{
    private static final Path COMMITTED_FRAUD = Path.of("..", "models", "fraud", "1");

    @TempDir
    static Path temp;

    /** fraud/2: trained on shuffled labels, so it learnt nothing about fraud. */
    static Path shuffled;
    /** fraud/3: the committed fraud/1's files filed as version 3. */
    static Path sameAsCommitted;
    /** Rows neither model was trained on. */
    static LabelledRows rows;

    @BeforeAll
    static void models() throws Exception
    {
        final LabelledRows training = FraudDataGenerator.labelledRows(3, 0, 4000);
        final boolean[] permuted = training.labels().clone();
        final SplittableRandom random = new SplittableRandom(1);
        for (int i = permuted.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final boolean t = permuted[i];
            permuted[i] = permuted[j];
            permuted[j] = t;
        }
        shuffled = temp.resolve("fraud").resolve("2");
        LogisticModelTrainer.train(new LogisticModelTrainer.Request("fraud", 2, shuffled, FraudFeatures.fraudModelFeatures(),
            new LabelledRows(training.topic(), training.fields(), permuted, "shuffled labels"),
            FraudDataGenerator.labelledRows(3, 4000, 6000), 2, 3, Double.NaN, 100,
            new ModelDescriptor.TrainingData(FraudDataGenerator.class.getName(), 3, 0, 4000, 4000, 6000, null)),
            TrainingProgress.NONE);

        sameAsCommitted = Files.createDirectories(temp.resolve("fraud").resolve("3"));
        Files.copy(COMMITTED_FRAUD.resolve(ModelDescriptor.ONNX_FILE), sameAsCommitted.resolve(ModelDescriptor.ONNX_FILE));
        final ModelDescriptor d = ModelDescriptor.read(COMMITTED_FRAUD.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        new ModelDescriptor(d.name(), 3, d.topic(), d.inputName(), d.outputName(), d.outputCount(), d.scoreColumn(),
            d.scoreLabel(), d.features(), d.threshold(), d.training(), d.evaluation(), d.createdAt(), d.onnxSha256(),
            d.distributions()).write(sameAsCommitted.resolve(ModelDescriptor.DESCRIPTOR_FILE));

        rows = FraudDataGenerator.labelledRows(5, 0, 6000);
    }

    @Test
    void refusesACandidateTrainedOnShuffledLabelsAndSaysWhichAucLost() throws Exception
    {
        final DeploymentGate.Verdict verdict = DeploymentGate.compare(rows, shuffled, COMMITTED_FRAUD);

        assertFalse(verdict.passed(), verdict.reason());
        assertEquals("fraud/2", verdict.candidate());
        assertEquals("fraud/1", verdict.active());
        assertTrue(verdict.candidateMetrics().auc() < 0.65, "shuffled labels: " + verdict.candidateMetrics());
        assertTrue(verdict.activeMetrics().auc() > 0.75, "committed model: " + verdict.activeMetrics());
        assertTrue(verdict.reason().startsWith(String.format(java.util.Locale.ROOT,
            "candidate fraud/2 AUC %.4f does not beat active fraud/1 AUC %.4f by more than 0.001 on generator seed 5 rows " +
                "[0, 6000) (6000 labelled events, ", verdict.candidateMetrics().auc(), verdict.activeMetrics().auc())),
            verdict.reason());
    }

    @Test
    void passesABetterCandidateAndItsMetricsEqualAnIndependentRecomputation() throws Exception
    {
        final DeploymentGate.Verdict verdict = DeploymentGate.compare(rows, COMMITTED_FRAUD, shuffled);

        assertTrue(verdict.passed(), verdict.reason());
        assertTrue(verdict.reason().startsWith("candidate fraud/1 AUC "), verdict.reason());
        assertTrue(verdict.reason().contains(" beats active fraud/2 AUC "), verdict.reason());
        assertEquals(6000, verdict.rowCount());
        assertEquals(rows.size(), verdict.candidateMetrics().rows());

        // The committed model's scores through a plain ONNX Runtime session, AUC by pair counting.
        final double[] scores = TrainTestScores.plainOrtScores(COMMITTED_FRAUD, rows);
        assertEquals(pairCountingAuc(scores, rows.labels()), verdict.candidateMetrics().auc(), 1e-6);
    }

    @Test
    void refusesACandidateNoBetterThanTheActiveModel() throws Exception
    {
        final DeploymentGate.Verdict verdict = DeploymentGate.compare(rows, sameAsCommitted, COMMITTED_FRAUD);

        assertFalse(verdict.passed(), verdict.reason());
        assertEquals(verdict.activeMetrics().auc(), verdict.candidateMetrics().auc());
        assertTrue(verdict.reason().contains("does not beat active fraud/1"), verdict.reason());
    }

    @Test
    void refusesWhenTheRowsHoldOneClassOnly() throws Exception
    {
        final boolean[] none = new boolean[rows.size()];
        final DeploymentGate.Verdict verdict = DeploymentGate.compare(
            new LabelledRows(rows.topic(), rows.fields(), none, "all legit"), COMMITTED_FRAUD, shuffled);

        assertFalse(verdict.passed());
        assertTrue(verdict.reason().contains("only negative events, so AUC is undefined"), verdict.reason());
    }

    private static double pairCountingAuc(final double[] scores, final boolean[] positive)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++)
        {
            if (!positive[i])
            {
                continue;
            }
            for (int j = 0; j < scores.length; j++)
            {
                if (!positive[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertTrue(pairs > 0 && Arrays.stream(scores).noneMatch(Double::isNaN));
        return wins / pairs;
    }
}
