package dev.rill.ml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.OnnxScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FraudModelTrainerTest
{
    @TempDir
    Path temp;

    @Test
    void trainsOnTwentyThousandRowsAModelThatSeparatesFraudAndWhoseOrtScoresMatchTribuo() throws Exception
    {
        final Path out = temp.resolve("fraud").resolve("3");
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();
        final FraudModelTrainer.Result result = FraudModelTrainer.train(
            FraudModelTrainer.Options.parse(new String[]{"--out", out.toString(), "--rows", "20000", "--seed", "3",
                "--epochs", "5", "--verify-rows", "2000"}),
            new PrintStream(progress, true, StandardCharsets.UTF_8));

        final ModelDescriptor descriptor = result.descriptor();
        assertEquals(3, descriptor.version(), "version taken from the directory name");
        assertTrue(descriptor.evaluation().auc() > 0.75, "held-out AUC " + descriptor.evaluation().auc());
        assertTrue(descriptor.evaluation().recallAtThreshold() > 0.1, "recall " + descriptor.evaluation().recallAtThreshold());
        assertEquals(2000, result.verifiedRows());
        assertTrue(result.maxOnnxDifference() <= FraudModelTrainer.MAX_ONNX_DIFFERENCE, "diff " + result.maxOnnxDifference());
        assertEquals(5000, descriptor.evaluation().rows());
        assertEquals(15000, descriptor.training().heldOutFrom());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("ORT matches Tribuo"));

        try (OnnxScorer scorer = OnnxScorer.open(out, 1))
        {
            final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments());
            extractor.extract(new double[]{2400.00, 6051, 3, 4200, 6, 7}, scorer.inputRows(), 0);
            scorer.run(1);
            assertTrue(scorer.score(0) > descriptor.threshold(), "risky payment scores above the threshold: " + scorer.score(0));
        }
    }
}
