package dev.rill.ml.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.OrtException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FeatureSpec;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelFiles;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.OnnxScorer;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the card-payment fraud model and writes {@code model.onnx} and {@code model.json} into a
 * model version directory.
 *
 * <p>Steps: generate {@code rows} payments with {@link FraudDataGenerator}; the first
 * {@code 1 - heldOutFraction} are the training range, the rest (later rows) the held-out range;
 * compute {@link FraudFeatures#fraudModelFeatures()} with the same {@link FeatureExtractor} the
 * bus uses; train a Tribuo logistic regression (linear SGD, log loss, AdaGrad); choose the
 * F1-maximising threshold on the training range; evaluate on the held-out range; export ONNX;
 * write the descriptor with the features in the model's own input column order (read from its
 * feature map) and the output column read from its output map; then open the written directory
 * with {@link OnnxScorer} and check that ONNX Runtime's scores of held-out rows equal Tribuo's
 * within {@value #MAX_ONNX_DIFFERENCE}. A mismatch deletes the written files and fails.
 *
 * <p>Command line: {@code --out DIR --rows N --seed S --epochs E --version V
 * --held-out-fraction F --verify-rows N}; see {@code models/fraud/README.md}. A tool, not a bus
 * component: single-threaded, allocates freely.
 */
public final class FraudModelTrainer
{
    /** Largest allowed |ORT score - Tribuo score| on verified rows. */
    public static final double MAX_ONNX_DIFFERENCE = 1e-5;

    private static final String ONNX_DOMAIN = "dev.rill.ml";
    private static final double LEARNING_RATE = 0.1;
    private static final double ADAGRAD_EPSILON = 0.1;
    private static final int VERIFY_BATCH = 256;

    /**
     * @param out              model version directory to write, for example models/fraud/1.
     * @param rows             payments to generate, training plus held-out.
     * @param seed             generator and trainer seed.
     * @param version          model version written into model.json (defaults to the directory name).
     * @param epochs           SGD passes over the training range.
     * @param heldOutFraction  share of the (later) rows kept for evaluation.
     * @param verifyRows       held-out rows whose ORT score is compared with Tribuo's.
     */
    public record Options(Path out, long rows, long seed, int version, int epochs, double heldOutFraction, int verifyRows)
    {
        /** @return options from {@code --name value} pairs, defaults for the rest. */
        public static Options parse(final String[] args)
        {
            Path out = Path.of("models/fraud/1");
            long rows = 200_000;
            long seed = 42;
            int version = -1;
            int epochs = 10;
            double heldOutFraction = 0.25;
            int verifyRows = 5_000;
            for (int i = 0; i < args.length; i += 2)
            {
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException("option " + args[i] + " has no value");
                }
                final String value = args[i + 1];
                switch (args[i])
                {
                    case "--out" -> out = Path.of(value);
                    case "--rows" -> rows = Long.parseLong(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--version" -> version = Integer.parseInt(value);
                    case "--epochs" -> epochs = Integer.parseInt(value);
                    case "--held-out-fraction" -> heldOutFraction = Double.parseDouble(value);
                    case "--verify-rows" -> verifyRows = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] +
                        "; use --out DIR --rows N --seed S --epochs E --version V --held-out-fraction F --verify-rows N");
                }
            }
            if (version < 0)
            {
                final String dirName = out.toAbsolutePath().normalize().getFileName().toString();
                version = dirName.matches("[0-9]+") ? Integer.parseInt(dirName) : 1;
            }
            return new Options(out.toAbsolutePath().normalize(), rows, seed, version, epochs, heldOutFraction, verifyRows);
        }

        /** Checks ranges. */
        public Options
        {
            if (rows < 1000)
            {
                throw new IllegalArgumentException("--rows must be at least 1000, found " + rows);
            }
            if (!(heldOutFraction > 0.0 && heldOutFraction < 1.0))
            {
                throw new IllegalArgumentException("--held-out-fraction must be in (0, 1), found " + heldOutFraction);
            }
            if (epochs < 1 || version < 1 || verifyRows < 1)
            {
                throw new IllegalArgumentException("--epochs, --version and --verify-rows must be 1 or more");
            }
        }
    }

    /**
     * @param descriptor        what was written to model.json.
     * @param maxOnnxDifference largest |ORT - Tribuo| score difference on the verified rows.
     * @param verifiedRows      held-out rows compared.
     */
    public record Result(ModelDescriptor descriptor, double maxOnnxDifference, int verifiedRows)
    {
    }

    private FraudModelTrainer()
    {
    }

    /** Entry point: trains, writes and verifies; exit status 0, 22 (model invalid) or 64 (usage). */
    public static void main(final String[] args)
    {
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("fraud model trainer: " + ex.getMessage());
            System.exit(ErrorCode.USAGE.code());
            return;
        }
        try
        {
            train(options, System.out);
        }
        catch (final IOException | OrtException | RuntimeException ex)
        {
            System.err.println("fraud model trainer failed: " + ex);
            System.exit(ErrorCode.MODEL_INVALID.code());
        }
    }

    /**
     * Trains, evaluates, writes and verifies the model.
     *
     * @param options  what to train and where to write it.
     * @param progress receives one line per step.
     * @return the written descriptor and the ORT/Tribuo agreement.
     * @throws IOException  when the files cannot be written.
     * @throws OrtException when ONNX Runtime fails during verification.
     */
    public static Result train(final Options options, final PrintStream progress) throws IOException, OrtException
    {
        final long start = System.nanoTime();
        final int rows = Math.toIntExact(options.rows());
        final int trainRows = (int)Math.round(rows * (1.0 - options.heldOutFraction()));
        final TopicSchema payments = FraudFeatures.payments();
        final List<FeatureSpec> declared = FraudFeatures.fraudModelFeatures();
        final String[] declaredNames = declared.stream().map(FeatureSpec::name).toArray(String[]::new);
        final FeatureExtractor declaredExtractor = new FeatureExtractor(draft(options, declared), payments);

        final FraudDataGenerator generator = new FraudDataGenerator(options.seed());
        final double[][] fields = new double[rows][FraudFeatures.PAYMENT_FIELDS.size()];
        final float[][] features = new float[rows][];
        final boolean[] fraud = new boolean[rows];
        for (int i = 0; i < rows; i++)
        {
            generator.next(fields[i]);
            fraud[i] = generator.lastWasFraud();
            features[i] = declaredExtractor.extractToArray(fields[i]);
        }
        progress.printf(Locale.ROOT, "generated %d payments (seed %d): %d training, %d held out, fraud rate %.4f (%d ms)%n",
            rows, options.seed(), trainRows, rows - trainRows, BinaryMetrics.baseRate(fraud), millisSince(start));

        final LabelFactory labels = new LabelFactory();
        final Label fraudLabel = new Label(FraudFeatures.FRAUD_LABEL);
        final Label legitLabel = new Label(FraudFeatures.LEGIT_LABEL);
        final MutableDataset<Label> trainSet = new MutableDataset<>(new SimpleDataSourceProvenance(
            FraudDataGenerator.class.getSimpleName() + " seed " + options.seed() + " rows [0, " + trainRows + ")", labels), labels);
        for (int i = 0; i < trainRows; i++)
        {
            trainSet.add(example(fraud[i] ? fraudLabel : legitLabel, declaredNames, features[i]));
        }
        final LinearSGDTrainer trainer = new LinearSGDTrainer(
            new LogMulticlass(), new AdaGrad(LEARNING_RATE, ADAGRAD_EPSILON), options.epochs(), trainRows * 10, 1, options.seed());
        final LinearSGDModel model = (LinearSGDModel)trainer.train(trainSet);
        progress.printf(Locale.ROOT, "trained %s for %d epochs (%d ms)%n", "logistic regression", options.epochs(), millisSince(start));

        final double[] scores = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            final Label predicted = model.predict(example(legitLabel, declaredNames, features[i])).getOutputScores()
                .get(FraudFeatures.FRAUD_LABEL);
            scores[i] = predicted.getScore();
        }
        final double[] trainScores = java.util.Arrays.copyOfRange(scores, 0, trainRows);
        final boolean[] trainFraud = java.util.Arrays.copyOfRange(fraud, 0, trainRows);
        final double[] heldScores = java.util.Arrays.copyOfRange(scores, trainRows, rows);
        final boolean[] heldFraud = java.util.Arrays.copyOfRange(fraud, trainRows, rows);
        final double threshold = BinaryMetrics.round(BinaryMetrics.maxF1Threshold(trainScores, trainFraud));
        final ModelDescriptor.Evaluation evaluation = new ModelDescriptor.Evaluation(
            BinaryMetrics.round(BinaryMetrics.auc(heldScores, heldFraud)),
            BinaryMetrics.round(BinaryMetrics.precision(heldScores, heldFraud, threshold)),
            BinaryMetrics.round(BinaryMetrics.recall(heldScores, heldFraud, threshold)),
            BinaryMetrics.round(BinaryMetrics.logLoss(heldScores, heldFraud)),
            BinaryMetrics.round(BinaryMetrics.baseRate(heldFraud)),
            rows - trainRows,
            BinaryMetrics.calibration(heldScores, heldFraud));
        progress.printf(Locale.ROOT, "held out: AUC %.4f, threshold %.4f (max F1 on training), precision %.4f, recall %.4f," +
            " log loss %.4f, base rate %.4f; training AUC %.4f%n", evaluation.auc(), threshold, evaluation.precisionAtThreshold(),
            evaluation.recallAtThreshold(), evaluation.logLoss(), evaluation.baseRate(), BinaryMetrics.auc(trainScores, trainFraud));

        final byte[] onnx = model.exportONNXModel(ONNX_DOMAIN, options.version()).toByteArray();
        final ModelDescriptor descriptor = new ModelDescriptor(
            "fraud",
            options.version(),
            FraudFeatures.PAYMENTS_TOPIC,
            "input",
            "output",
            model.getOutputIDInfo().size(),
            fraudColumn(model.getOutputIDInfo()),
            FraudFeatures.FRAUD_LABEL,
            inModelOrder(model.getFeatureIDMap(), declared),
            threshold,
            new ModelDescriptor.TrainingData(
                FraudDataGenerator.class.getName(), options.seed(), 0, trainRows, trainRows, rows,
                "Tribuo 4.3.2 LinearSGDTrainer(LogMulticlass, AdaGrad(" + LEARNING_RATE + ", " + ADAGRAD_EPSILON +
                "), epochs " + options.epochs() + ", minibatch 1, seed " + options.seed() + ")"),
            evaluation,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            ModelFiles.sha256Hex(onnx));

        Files.createDirectories(options.out());
        final Path onnxFile = options.out().resolve(ModelDescriptor.ONNX_FILE);
        final Path jsonFile = options.out().resolve(ModelDescriptor.DESCRIPTOR_FILE);
        Files.write(onnxFile, onnx);
        descriptor.write(jsonFile);

        final int verifyRows = Math.min(options.verifyRows(), rows - trainRows);
        final double maxDifference;
        try
        {
            maxDifference = maxOnnxDifference(options.out(), payments, fields, scores, trainRows, verifyRows);
        }
        catch (final OrtException | RuntimeException ex)
        {
            Files.deleteIfExists(onnxFile);
            Files.deleteIfExists(jsonFile);
            throw ex;
        }
        if (!(maxDifference <= MAX_ONNX_DIFFERENCE))
        {
            Files.deleteIfExists(onnxFile);
            Files.deleteIfExists(jsonFile);
            throw new IllegalStateException("ONNX Runtime and Tribuo disagree on held-out rows by up to " + maxDifference +
                " (allowed " + MAX_ONNX_DIFFERENCE + "); the export or the feature order is wrong, nothing was written");
        }
        progress.printf(Locale.ROOT, "wrote %s (%d bytes, sha256 %s) and %s; ORT matches Tribuo on %d held-out rows" +
            " (max difference %.2e) (%d ms)%n", onnxFile, onnx.length, descriptor.onnxSha256(), jsonFile, verifyRows,
            maxDifference, millisSince(start));
        return new Result(descriptor, maxDifference, verifyRows);
    }

    private static double maxOnnxDifference(
        final Path dir,
        final TopicSchema topic,
        final double[][] fields,
        final double[] tribuoScores,
        final int from,
        final int count) throws OrtException
    {
        double max = 0;
        try (OnnxScorer scorer = OnnxScorer.open(dir, VERIFY_BATCH))
        {
            // The serving path: extractor from the written model.json, scorer over the written files.
            final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), topic);
            for (int batchStart = 0; batchStart < count; batchStart += VERIFY_BATCH)
            {
                final int n = Math.min(VERIFY_BATCH, count - batchStart);
                for (int r = 0; r < n; r++)
                {
                    extractor.extract(fields[from + batchStart + r], scorer.inputRows(), r);
                }
                scorer.run(n);
                for (int r = 0; r < n; r++)
                {
                    final double difference = Math.abs(scorer.score(r) - tribuoScores[from + batchStart + r]);
                    max = Double.isNaN(difference) ? Double.NaN : Math.max(max, difference);
                }
            }
        }
        return max;
    }

    private static ArrayExample<Label> example(final Label label, final String[] names, final float[] values)
    {
        final double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++)
        {
            // Tribuo sees exactly the floats ONNX Runtime will see.
            doubles[i] = values[i];
        }
        return new ArrayExample<>(label, names, doubles);
    }

    private static List<FeatureSpec> inModelOrder(final ImmutableFeatureMap featureMap, final List<FeatureSpec> declared)
    {
        final Map<String, FeatureSpec> byName = new java.util.HashMap<>();
        declared.forEach(spec -> byName.put(spec.name(), spec));
        if (featureMap.size() != declared.size())
        {
            throw new IllegalStateException("the trained model has " + featureMap.size() + " features but " +
                declared.size() + " were declared; a feature that never varies in the training rows is dropped by Tribuo:" +
                " generate more rows or remove it");
        }
        final List<FeatureSpec> ordered = new ArrayList<>(featureMap.size());
        for (int id = 0; id < featureMap.size(); id++)
        {
            final FeatureSpec spec = byName.get(featureMap.get(id).getName());
            if (spec == null)
            {
                throw new IllegalStateException("the trained model has an undeclared feature " + featureMap.get(id).getName());
            }
            ordered.add(spec);
        }
        return ordered;
    }

    private static int fraudColumn(final ImmutableOutputInfo<Label> outputs)
    {
        for (int column = 0; column < outputs.size(); column++)
        {
            if (FraudFeatures.FRAUD_LABEL.equals(outputs.getOutput(column).getLabel()))
            {
                return column;
            }
        }
        throw new IllegalStateException("the trained model has no '" + FraudFeatures.FRAUD_LABEL +
            "' output; the training rows contained no fraud: generate more rows");
    }

    private static ModelDescriptor draft(final Options options, final List<FeatureSpec> features)
    {
        return new ModelDescriptor("fraud", options.version(), FraudFeatures.PAYMENTS_TOPIC, "input", "output", 2, 0,
            FraudFeatures.FRAUD_LABEL, features, 0.5, null, null, null, "0".repeat(64));
    }

    private static long millisSince(final long startNanos)
    {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
