package dev.rill.ml.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.OrtException;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FeatureSpec;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelFiles;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.drift.QuantileBins;
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
 * Trains a binary logistic regression on labelled rows and writes it as a model version
 * directory: the one training path of {@link FraudModelTrainer} (generated rows) and
 * {@code rill train} (journal rows).
 *
 * <p>Steps: compute the declared features of every row with the same {@link FeatureExtractor} the
 * bus uses; train a Tribuo linear SGD model (log loss, AdaGrad) on the training rows; choose the
 * threshold (given, or the F1-maximising one on the training rows); evaluate on the held-out rows
 * with {@link BinaryMetrics}; count the training distributions of every feature and of the score
 * ({@link QuantileBins}); export ONNX; write {@code model.onnx} and {@code model.json} with the
 * features in the model's own input column order (Tribuo's feature map) and the output column of
 * the positive label (its output map); then open the written directory with {@link OnnxScorer}
 * and check that ONNX Runtime scores held-out rows as Tribuo does, within
 * {@value #MAX_ONNX_DIFFERENCE}. A mismatch deletes the written files and fails.
 *
 * <p>A tool, not a bus component: single-threaded, allocates freely. While it trains it listens to
 * Tribuo's SGD logger (one record per epoch) for progress and keeps those records off the
 * console; the logger is restored afterwards.
 */
public final class LogisticModelTrainer
{
    /** Largest allowed |ORT score - Tribuo score| on verified rows. */
    public static final double MAX_ONNX_DIFFERENCE = 1e-5;

    private static final String ONNX_DOMAIN = "dev.rill.ml";
    private static final double LEARNING_RATE = 0.1;
    private static final double ADAGRAD_EPSILON = 0.1;
    private static final int VERIFY_BATCH = 256;
    private static final String SGD_LOGGER = "org.tribuo.common.sgd.AbstractSGDTrainer";
    private static final Pattern SGD_ITERATION = Pattern.compile("At iteration (\\d+), average loss = (\\S+)");

    /**
     * What to train and where to write it.
     *
     * @param modelName   the model's name (its registry directory).
     * @param version     the version written into model.json; 1 or more.
     * @param out         directory to write model.onnx and model.json into (created if absent).
     * @param features    the features to compute from the topic's fields, in any order.
     * @param training    the rows to learn from.
     * @param heldOut     the rows to evaluate on (later data than {@code training}).
     * @param epochs      SGD passes over the training rows.
     * @param seed        the trainer's seed (shuffling and initialisation).
     * @param threshold   the decision threshold, or NaN for the F1-maximising one on the training rows.
     * @param verifyRows  held-out rows whose ORT score is compared with Tribuo's.
     * @param source      where the rows came from (the {@code trainer} description is filled in here).
     */
    public record Request(
        String modelName,
        int version,
        Path out,
        List<FeatureSpec> features,
        LabelledRows training,
        LabelledRows heldOut,
        int epochs,
        long seed,
        double threshold,
        int verifyRows,
        ModelDescriptor.TrainingData source)
    {
        /** Checks what a training run needs before it starts. */
        public Request
        {
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(source, "source");
            features = List.copyOf(features);
            if (!training.topic().equals(heldOut.topic()))
            {
                throw new IllegalArgumentException("training rows are of topic " + training.topic() +
                    " but held-out rows of " + heldOut.topic());
            }
            if (version < 1 || epochs < 1 || verifyRows < 1)
            {
                throw new IllegalArgumentException("version, epochs and verifyRows must be 1 or more, found " + version +
                    ", " + epochs + ", " + verifyRows);
            }
            if (!Double.isNaN(threshold) && !(threshold >= 0.0 && threshold <= 1.0))
            {
                throw new IllegalArgumentException("threshold must be in [0, 1], found " + threshold);
            }
        }
    }

    /**
     * What a training run produced.
     *
     * @param descriptor        what was written to model.json.
     * @param maxOnnxDifference largest |ORT - Tribuo| score difference on the verified rows.
     * @param verifiedRows      held-out rows compared.
     * @param trainingAuc       AUC on the training rows (compare with the held-out AUC for overfitting).
     * @param millis            wall time of the run.
     */
    public record Result(ModelDescriptor descriptor, double maxOnnxDifference, int verifiedRows, double trainingAuc, long millis)
    {
    }

    private LogisticModelTrainer()
    {
    }

    /**
     * Trains, evaluates, writes and verifies the model.
     *
     * @param request  what to train and where to write it.
     * @param progress hears each phase's progress.
     * @return the written descriptor and the ORT/Tribuo agreement.
     * @throws ModelTrainingException when the rows cannot train a model (one class only, a feature
     *                                that never varies) or ORT disagrees with Tribuo.
     * @throws IOException            when the files cannot be written.
     */
    public static Result train(final Request request, final TrainingProgress progress) throws IOException
    {
        final long start = System.nanoTime();
        final LabelledRows training = request.training();
        final LabelledRows heldOut = request.heldOut();
        checkBothClasses(training, "training");
        checkBothClasses(heldOut, "held-out");
        final TopicSchema topic = training.topic();
        final String[] declaredNames = request.features().stream().map(FeatureSpec::name).toArray(String[]::new);
        final FeatureExtractor declaredExtractor = new FeatureExtractor(draft(request), topic);
        final float[][] trainFeatures = features(declaredExtractor, training);
        final float[][] heldOutFeatures = features(declaredExtractor, heldOut);

        final LabelFactory labels = new LabelFactory();
        final Label positive = new Label(FraudFeatures.FRAUD_LABEL);
        final Label negative = new Label(FraudFeatures.LEGIT_LABEL);
        final MutableDataset<Label> trainSet = new MutableDataset<>(
            new SimpleDataSourceProvenance(training.description(), labels), labels);
        for (int i = 0; i < training.size(); i++)
        {
            trainSet.add(example(training.labels()[i] ? positive : negative, declaredNames, trainFeatures[i]));
        }
        // The logging interval only decides when Tribuo logs the running loss: once per epoch here.
        final LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(LEARNING_RATE, ADAGRAD_EPSILON),
            request.epochs(), training.size(), 1, request.seed());
        final LinearSGDModel model;
        try (EpochListener ignored = new EpochListener(progress, training.size(), request.epochs()))
        {
            model = (LinearSGDModel)trainer.train(trainSet);
        }
        final List<FeatureSpec> modelFeatures = inModelOrder(model.getFeatureIDMap(), request.features());
        final int scoreColumn = positiveColumn(model.getOutputIDInfo());
        progress.finished("training", String.format(Locale.ROOT, "trained logistic regression on %d rows for %d epochs (%d ms)",
            training.size(), request.epochs(), millisSince(start)));

        final long scoring = training.size() + heldOut.size();
        final double[] trainScores = scores(model, negative, declaredNames, trainFeatures, progress, 0, scoring);
        final double[] heldOutScores = scores(model, negative, declaredNames, heldOutFeatures, progress, training.size(), scoring);
        final double threshold = Double.isNaN(request.threshold()) ?
            BinaryMetrics.round(BinaryMetrics.maxF1Threshold(trainScores, training.labels())) : request.threshold();
        final ModelDescriptor.Evaluation evaluation = BinaryMetrics.evaluation(heldOutScores, heldOut.labels(), threshold);
        final double trainingAuc = BinaryMetrics.auc(trainScores, training.labels());
        progress.finished("scoring", String.format(Locale.ROOT, "held out (%s, %d rows): AUC %.4f, threshold %.4f%s, precision " +
            "%.4f, recall %.4f, log loss %.4f, base rate %.4f; training AUC %.4f", heldOut.description(), heldOut.size(),
            evaluation.auc(), threshold, Double.isNaN(request.threshold()) ? " (max F1 on training)" : "",
            evaluation.precisionAtThreshold(), evaluation.recallAtThreshold(), evaluation.logLoss(), evaluation.baseRate(),
            trainingAuc));

        final ModelDescriptor.Distributions distributions = QuantileBins.distributions(
            modelFeatures.stream().map(FeatureSpec::name).toList(),
            reorder(trainFeatures, declaredNames, modelFeatures), toFloats(trainScores), QuantileBins.DEFAULT_BINS);
        final byte[] onnx = model.exportONNXModel(ONNX_DOMAIN, request.version()).toByteArray();
        final ModelDescriptor.TrainingData source = request.source();
        final ModelDescriptor descriptor = new ModelDescriptor(
            request.modelName(),
            request.version(),
            topic.name(),
            "input",
            "output",
            model.getOutputIDInfo().size(),
            scoreColumn,
            FraudFeatures.FRAUD_LABEL,
            modelFeatures,
            threshold,
            new ModelDescriptor.TrainingData(source.generator(), source.seed(), source.trainFrom(), source.trainTo(),
                source.heldOutFrom(), source.heldOutTo(), describeTrainer(request), source.source(), source.journal(),
                source.labels(), (long)training.size(), source.unlabelled()),
            evaluation,
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            ModelFiles.sha256Hex(onnx),
            distributions);
        final String problem = descriptor.problem();
        if (problem != null)
        {
            throw new ModelTrainingException("the trained model's descriptor is inconsistent: " + problem);
        }

        Files.createDirectories(request.out());
        final Path onnxFile = request.out().resolve(ModelDescriptor.ONNX_FILE);
        final Path jsonFile = request.out().resolve(ModelDescriptor.DESCRIPTOR_FILE);
        Files.write(onnxFile, onnx);
        descriptor.write(jsonFile);

        final int verifyRows = Math.min(request.verifyRows(), heldOut.size());
        final double maxDifference;
        try
        {
            maxDifference = maxOnnxDifference(request.out(), heldOut, heldOutScores, verifyRows, progress);
        }
        catch (final OrtException | RuntimeException ex)
        {
            Files.deleteIfExists(onnxFile);
            Files.deleteIfExists(jsonFile);
            if (ex instanceof ModelLoadException || ex instanceof OrtException)
            {
                throw new ModelTrainingException("ONNX Runtime cannot score the exported model: " + ex.getMessage() +
                    "; nothing was written", ex);
            }
            throw (RuntimeException)ex;
        }
        if (!(maxDifference <= MAX_ONNX_DIFFERENCE))
        {
            Files.deleteIfExists(onnxFile);
            Files.deleteIfExists(jsonFile);
            throw new ModelTrainingException("ONNX Runtime and Tribuo disagree on held-out rows by up to " + maxDifference +
                " (allowed " + MAX_ONNX_DIFFERENCE + "); the export or the feature order is wrong, nothing was written");
        }
        progress.finished("verifying", String.format(Locale.ROOT, "wrote %s (%d bytes, sha256 %s) and %s; ORT matches Tribuo " +
            "on %d held-out rows (max difference %.2e) (%d ms)", ModelDescriptor.ONNX_FILE, onnx.length, descriptor.onnxSha256(),
            ModelDescriptor.DESCRIPTOR_FILE, verifyRows, maxDifference, millisSince(start)));
        return new Result(descriptor, maxDifference, verifyRows, trainingAuc, millisSince(start));
    }

    private static void checkBothClasses(final LabelledRows rows, final String which)
    {
        final int positives = rows.positives();
        if (positives == 0 || positives == rows.size())
        {
            throw new ModelTrainingException("the " + which + " rows (" + rows.description() + ", " + rows.size() +
                " rows) hold " + (positives == 0 ? "no positive (" + FraudFeatures.FRAUD_LABEL + ")" : "only positive") +
                " rows; a model needs both classes in its training and held-out rows: widen the ranges or label more events");
        }
    }

    private static float[][] features(final FeatureExtractor extractor, final LabelledRows rows)
    {
        final float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = extractor.extractToArray(rows.fields()[i]);
        }
        return out;
    }

    private static double[] scores(
        final LinearSGDModel model,
        final Label anyLabel,
        final String[] names,
        final float[][] features,
        final TrainingProgress progress,
        final long doneBefore,
        final long total)
    {
        final double[] scores = new double[features.length];
        for (int i = 0; i < features.length; i++)
        {
            scores[i] = model.predict(example(anyLabel, names, features[i])).getOutputScores().get(FraudFeatures.FRAUD_LABEL)
                .getScore();
            if ((i & 4095) == 4095)
            {
                progress.progress("scoring", doneBefore + i + 1, total, null);
            }
        }
        progress.progress("scoring", doneBefore + features.length, total, null);
        return scores;
    }

    private static double maxOnnxDifference(
        final Path dir,
        final LabelledRows rows,
        final double[] tribuoScores,
        final int count,
        final TrainingProgress progress) throws OrtException
    {
        double max = 0;
        try (OnnxScorer scorer = OnnxScorer.open(dir, VERIFY_BATCH))
        {
            // The serving path: extractor from the written model.json, scorer over the written files.
            final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), rows.topic());
            for (int batchStart = 0; batchStart < count; batchStart += VERIFY_BATCH)
            {
                final int n = Math.min(VERIFY_BATCH, count - batchStart);
                for (int r = 0; r < n; r++)
                {
                    extractor.extract(rows.fields()[batchStart + r], scorer.inputRows(), r);
                }
                scorer.run(n);
                for (int r = 0; r < n; r++)
                {
                    final double difference = Math.abs(scorer.score(r) - tribuoScores[batchStart + r]);
                    max = Double.isNaN(difference) ? Double.NaN : Math.max(max, difference);
                }
                progress.progress("verifying", batchStart + n, count, null);
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
        final Map<String, FeatureSpec> byName = new HashMap<>();
        declared.forEach(spec -> byName.put(spec.name(), spec));
        if (featureMap.size() != declared.size())
        {
            final List<String> missing = new ArrayList<>(byName.keySet());
            for (int id = 0; id < featureMap.size(); id++)
            {
                missing.remove(featureMap.get(id).getName());
            }
            throw new ModelTrainingException("the trained model has " + featureMap.size() + " features but " +
                declared.size() + " were declared: " + missing + " never varied in the training rows and Tribuo dropped " +
                (missing.size() == 1 ? "it" : "them") + "; train on more rows");
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

    private static float[][] reorder(final float[][] rows, final String[] declaredNames, final List<FeatureSpec> modelOrder)
    {
        final int[] from = new int[modelOrder.size()];
        for (int c = 0; c < from.length; c++)
        {
            from[c] = List.of(declaredNames).indexOf(modelOrder.get(c).name());
        }
        final float[][] out = new float[rows.length][from.length];
        for (int r = 0; r < rows.length; r++)
        {
            for (int c = 0; c < from.length; c++)
            {
                out[r][c] = rows[r][from[c]];
            }
        }
        return out;
    }

    private static float[] toFloats(final double[] values)
    {
        final float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++)
        {
            out[i] = (float)values[i];
        }
        return out;
    }

    private static int positiveColumn(final ImmutableOutputInfo<Label> outputs)
    {
        for (int column = 0; column < outputs.size(); column++)
        {
            if (FraudFeatures.FRAUD_LABEL.equals(outputs.getOutput(column).getLabel()))
            {
                return column;
            }
        }
        throw new ModelTrainingException("the trained model has no '" + FraudFeatures.FRAUD_LABEL +
            "' output; the training rows contained no positive row");
    }

    private static ModelDescriptor draft(final Request request)
    {
        return new ModelDescriptor(request.modelName(), request.version(), request.training().topic().name(), "input", "output",
            2, 0, FraudFeatures.FRAUD_LABEL, request.features(), 0.5, null, null, null, "0".repeat(64));
    }

    private static String describeTrainer(final Request request)
    {
        return "Tribuo 4.3.2 LinearSGDTrainer(LogMulticlass, AdaGrad(" + LEARNING_RATE + ", " + ADAGRAD_EPSILON +
            "), epochs " + request.epochs() + ", minibatch 1, seed " + request.seed() + ")";
    }

    private static long millisSince(final long startNanos)
    {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Turns Tribuo's per-epoch log record ("At iteration N, average loss = L", logged every
     * {@code rowsPerEpoch} examples) into progress, and keeps Tribuo's records off the console
     * while training. Restores the logger on close.
     */
    private static final class EpochListener extends Handler implements AutoCloseable
    {
        private final Logger logger = Logger.getLogger(SGD_LOGGER);
        private final boolean parentHandlers = logger.getUseParentHandlers();
        private final Level level = logger.getLevel();
        private final TrainingProgress progress;
        private final long rowsPerEpoch;
        private final int epochs;

        EpochListener(final TrainingProgress progress, final long rowsPerEpoch, final int epochs)
        {
            this.progress = progress;
            this.rowsPerEpoch = rowsPerEpoch;
            this.epochs = epochs;
            logger.setUseParentHandlers(false);
            logger.setLevel(Level.INFO);
            logger.addHandler(this);
            progress.progress("training", 0, epochs, null);
        }

        @Override
        public void publish(final LogRecord record)
        {
            final Matcher m = SGD_ITERATION.matcher(String.valueOf(record.getMessage()));
            if (m.matches())
            {
                final long epoch = Long.parseLong(m.group(1)) / rowsPerEpoch;
                // LogMulticlass reports the mean log likelihood: its negation is the log loss.
                progress.progress("training", epoch, epochs, String.format(Locale.ROOT, "epoch %d/%d training log loss %.4f",
                    epoch, epochs, -Double.parseDouble(m.group(2))));
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
            logger.removeHandler(this);
            logger.setLevel(level);
            logger.setUseParentHandlers(parentHandlers);
        }
    }
}
