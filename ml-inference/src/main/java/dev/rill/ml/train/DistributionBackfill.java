package dev.rill.ml.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import ai.onnxruntime.OrtException;
import dev.rill.bus.ErrorCode;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FeatureSpec;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelDescriptor.TrainingData;
import dev.rill.ml.ModelFiles;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.drift.QuantileBins;

/**
 * Adds the training distributions to a generator-trained model that was written before model.json
 * had them, without retraining: the training rows are generated again from the seed and range in
 * its {@code training} section, their features computed with the model's own extractor and scored
 * by its own {@code model.onnx}, and only {@code model.json} is rewritten ({@code model.onnx} and
 * its checksum stay as they are).
 *
 * <p>Command line: {@code --model DIR [--check]}; {@code --check} writes nothing and exits 22
 * when the file's distributions differ from the recomputed ones. A tool: single-threaded,
 * allocates freely.
 */
public final class DistributionBackfill
{
    private static final int BATCH = 256;

    private DistributionBackfill()
    {
    }

    /** Entry point; exit status 0, 22 (model invalid or distributions differ) or 64 (usage). */
    public static void main(final String[] args)
    {
        if (args.length < 2 || !"--model".equals(args[0]) || (args.length == 3 && !"--check".equals(args[2])) || args.length > 3)
        {
            System.err.println("distribution backfill: usage: --model DIR [--check]");
            System.exit(ErrorCode.USAGE.code());
            return;
        }
        final Path dir = Path.of(args[1]);
        try
        {
            final ModelDescriptor descriptor = ModelFiles.load(dir).descriptor();
            final ModelDescriptor.Distributions distributions = recompute(dir);
            if (args.length == 3)
            {
                final boolean same = distributions.equals(descriptor.distributions());
                System.out.println(dir + ": distributions " + (same ? "match" : "differ from") + " the generator's training rows");
                System.exit(same ? 0 : ErrorCode.MODEL_INVALID.code());
                return;
            }
            descriptor.withDistributions(distributions).write(dir.resolve(ModelDescriptor.DESCRIPTOR_FILE));
            System.out.println(dir + ": wrote the distributions of " + distributions.features().size() + " features and the " +
                "score over " + distributions.rows() + " training rows into " + ModelDescriptor.DESCRIPTOR_FILE +
                "; " + ModelDescriptor.ONNX_FILE + " is unchanged");
        }
        catch (final IOException | OrtException | RuntimeException ex)
        {
            System.err.println("distribution backfill failed: " + ex.getMessage());
            System.exit(ErrorCode.MODEL_INVALID.code());
        }
    }

    /**
     * Recomputes the training distributions of a generator-trained model.
     *
     * @param modelDir the model version directory.
     * @return the distributions of its features and score over its training rows.
     * @throws ModelLoadException when the model does not load or was not trained from
     *                            {@link FraudDataGenerator} rows.
     * @throws OrtException       when ONNX Runtime fails.
     */
    public static ModelDescriptor.Distributions recompute(final Path modelDir) throws OrtException
    {
        try (OnnxScorer scorer = OnnxScorer.open(modelDir, BATCH))
        {
            final ModelDescriptor descriptor = scorer.descriptor();
            final TrainingData training = descriptor.training();
            if (training == null || training.fromJournal() || !FraudDataGenerator.class.getName().equals(training.generator()))
            {
                throw new ModelLoadException(modelDir + ": its model.json does not name " + FraudDataGenerator.class.getName() +
                    " as the source of its training rows, so they cannot be generated again; retrain it instead");
            }
            final LabelledRows rows = FraudDataGenerator.labelledRows(training.seed(), Math.toIntExact(training.trainFrom()),
                Math.toIntExact(training.trainTo()));
            final FeatureExtractor extractor = new FeatureExtractor(descriptor, rows.topic());
            final float[][] features = new float[rows.size()][];
            final float[] scores = new float[rows.size()];
            for (int batchStart = 0; batchStart < rows.size(); batchStart += BATCH)
            {
                final int n = Math.min(BATCH, rows.size() - batchStart);
                for (int r = 0; r < n; r++)
                {
                    features[batchStart + r] = extractor.extractToArray(rows.fields()[batchStart + r]);
                    extractor.extract(rows.fields()[batchStart + r], scorer.inputRows(), r);
                }
                scorer.run(n);
                for (int r = 0; r < n; r++)
                {
                    scores[batchStart + r] = scorer.score(r);
                }
            }
            final List<String> names = descriptor.features().stream().map(FeatureSpec::name).toList();
            return QuantileBins.distributions(names, features, scores, QuantileBins.DEFAULT_BINS);
        }
    }
}
