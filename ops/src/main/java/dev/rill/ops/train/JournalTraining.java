package dev.rill.ops.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import ai.onnxruntime.OrtException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FeatureSpec;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.ModelRegistry;
import dev.rill.ml.train.DeploymentGate;
import dev.rill.ml.train.LabelledRows;
import dev.rill.ml.train.LogisticModelTrainer;
import dev.rill.ml.train.TrainingProgress;
import dev.rill.ops.RillConfig;

/**
 * {@code rill train} without its command line: reads the labelled events of the scored topic from
 * journal "in", resolves the training and held-out ranges, trains with
 * {@link LogisticModelTrainer}, registers the model as the next version in the registry, and
 * judges it with the {@link DeploymentGate} against the newest other usable version.
 *
 * <p>The features are the newest usable version's (a retrain keeps the model's inputs); a model
 * with no version yet that scores the payments topic gets {@link FraudFeatures#fraudModelFeatures()}.
 * The new version is written into a hidden directory beside the versions and renamed into place
 * once ONNX Runtime has scored it like Tribuo, so a half-written version is never listed.
 *
 * <p>Single-threaded; allocates freely (a tool).
 */
public final class JournalTraining
{
    /**
     * What to train.
     *
     * @param config       the configuration: journal, topics, the scored topic ({@code model.topic}).
     * @param modelName    the model's name in the registry.
     * @param models       the registry root.
     * @param labels       where the labels are.
     * @param trainFrom    first training index, or null.
     * @param trainTo      end of the training range, or null.
     * @param evalFrom     first held-out index, or null.
     * @param evalTo       end of the held-out range, or null.
     * @param evalFraction share of the labelled events held out when no split index is given.
     * @param threshold    decision threshold, or NaN for the F1-maximising one on the training rows.
     * @param epochs       SGD passes.
     * @param seed         trainer seed.
     * @param verifyRows   held-out rows ONNX Runtime must score as Tribuo does.
     */
    public record Request(
        RillConfig config,
        String modelName,
        Path models,
        LabelSource labels,
        Long trainFrom,
        Long trainTo,
        Long evalFrom,
        Long evalTo,
        double evalFraction,
        double threshold,
        int epochs,
        long seed,
        int verifyRows)
    {
    }

    /**
     * What a run produced.
     *
     * @param registered     the new version as the registry sees it.
     * @param training       the trainer's result (descriptor, ORT agreement).
     * @param ranges         the ranges trained and evaluated on.
     * @param trainingRows   labelled events trained on.
     * @param heldOutRows    labelled events evaluated on.
     * @param unlabelled     events of the scored topic in the ranges without a label.
     * @param verdict        the gate's verdict against {@code comparedWith}, or null.
     * @param comparedWith   the version the gate compared with, or null when there is none.
     * @param gateProblem    why the gate could not compare, or null.
     */
    public record Outcome(
        ModelRegistry.Entry registered,
        LogisticModelTrainer.Result training,
        TrainingRanges ranges,
        LabelledRows trainingRows,
        LabelledRows heldOutRows,
        long unlabelled,
        DeploymentGate.Verdict verdict,
        ModelRegistry.Entry comparedWith,
        String gateProblem)
    {
    }

    private JournalTraining()
    {
    }

    /**
     * Runs it.
     *
     * @throws TrainingDataException        when the options or the journal give nothing to train on.
     * @throws dev.rill.ml.train.ModelTrainingException when the rows cannot train a model.
     * @throws IOException                  when the registry cannot be written.
     */
    public static Outcome run(final Request request, final TrainingProgress progress) throws IOException
    {
        final RillConfig config = request.config();
        final TopicSchema scored = topic(config, config.model().topic());
        final TopicSchema labelTopic = request.labels().check(config.topics(), scored);
        final ModelRegistry registry = new ModelRegistry(Files.createDirectories(request.models()));
        final List<FeatureSpec> features = features(registry, request.modelName(), scored);
        if (!request.labels().isTopic())
        {
            for (final FeatureSpec f : features)
            {
                if (f.field().equals(request.labels().name()))
                {
                    throw new TrainingDataException(ErrorCode.USAGE, "--label-field " + request.labels().name() + ": feature '" +
                        f.name() + "' of model " + request.modelName() + " reads that field, so the model would be given " +
                        "its answer; keep labels out of the features (or send them on a label topic)");
                }
            }
        }

        final LabelledEvents events = LabelledEventReader.read(config.journal(), scored, request.labels(), labelTopic,
            request.trainFrom() == null ? Journal.NO_INDEX : request.trainFrom(), progress);
        final TrainingRanges ranges = TrainingRanges.resolve(events, request.trainFrom(), request.trainTo(), request.evalFrom(),
            request.evalTo(), request.evalFraction());
        final LabelledRows training = events.rows(ranges.trainFrom(), ranges.trainTo());
        final LabelledRows heldOut = events.rows(ranges.evalFrom(), ranges.evalTo());
        requireBothClasses(training, "training", "--train-from/--train-to");
        requireBothClasses(heldOut, "held-out", "--eval-from/--eval-to");
        final long unlabelled = events.unlabelledIn(ranges.trainFrom(), ranges.trainTo()) +
            events.unlabelledIn(ranges.evalFrom(), ranges.evalTo());

        final int version = registry.nextVersion(request.modelName());
        final Path modelDir = registry.root().resolve(request.modelName());
        final Path staging = Files.createDirectories(modelDir).resolve(".train-" + version + "-" + ProcessHandle.current().pid());
        deleteRecursively(staging);
        final LogisticModelTrainer.Result result;
        try
        {
            result = LogisticModelTrainer.train(new LogisticModelTrainer.Request(
                request.modelName(), version, staging, features, training, heldOut, request.epochs(), request.seed(),
                request.threshold(), request.verifyRows(),
                new ModelDescriptor.TrainingData(null, request.seed(), ranges.trainFrom(), ranges.trainTo(), ranges.evalFrom(),
                    ranges.evalTo(), null, ModelDescriptor.TrainingData.SOURCE_JOURNAL, events.journal(),
                    request.labels().toString(), null, unlabelled)), progress);
        }
        catch (final IOException | RuntimeException ex)
        {
            deleteRecursively(staging);
            throw ex;
        }
        final Path versionDir = modelDir.resolve(Integer.toString(version));
        try
        {
            Files.move(staging, versionDir, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot move the trained model from " + staging + " to " + versionDir + " (" + ex +
                "); did another rill train register version " + version + " meanwhile? The trained files are left in " +
                staging + ": move them to the next free version directory and fix 'version' in model.json", ex);
        }
        final ModelRegistry.Entry registered = ModelRegistry.check(request.modelName(), version, versionDir);
        if (!registered.usable())
        {
            throw new ModelLoadException("the registered version " + versionDir + " does not load: " + registered.problem());
        }

        final Optional<ModelRegistry.Entry> other = registry.versions(request.modelName()).stream()
            .filter(e -> e.usable() && e.version() != version)
            .max(Comparator.comparingInt(ModelRegistry.Entry::version));
        DeploymentGate.Verdict verdict = null;
        String gateProblem = null;
        if (other.isPresent())
        {
            try
            {
                // The held-out rows are those ModelGate.check would load from this version's model.json.
                verdict = DeploymentGate.compare(heldOut, versionDir, other.get().directory());
            }
            catch (final OrtException | RuntimeException ex)
            {
                gateProblem = "the gate could not compare with " + other.get().name() + "/" + other.get().version() + ": " +
                    ex.getMessage();
            }
        }
        return new Outcome(registered, result, ranges, training, heldOut, unlabelled, verdict, other.orElse(null), gateProblem);
    }

    private static TopicSchema topic(final RillConfig config, final String name)
    {
        return config.topics().stream().filter(t -> t.name().equals(name)).findFirst()
            .orElseThrow(() -> new TrainingDataException(ErrorCode.CONFIG_INVALID, "model.topic '" + name + "' is not a " +
                "configured topic"));
    }

    /** The newest usable version's features, or the fraud model's for a first version on payments. */
    private static List<FeatureSpec> features(final ModelRegistry registry, final String name, final TopicSchema scored)
    {
        final Optional<ModelRegistry.Entry> latest = registry.latest(name);
        if (latest.isPresent())
        {
            final ModelDescriptor d = latest.get().descriptor();
            for (final FeatureSpec f : d.features())
            {
                if (scored.fieldIndex(f.field()) < 0)
                {
                    throw new TrainingDataException(ErrorCode.CONFIG_INVALID, "model " + name + "/" + d.version() +
                        " (whose features a retrain keeps) has feature '" + f.name() + "' reading field '" + f.field() +
                        "', but the scored topic '" + scored.name() + "' has the fields " + scored.fields() +
                        "; set model.topic to the topic the model scores");
                }
            }
            return d.features();
        }
        if (FraudFeatures.PAYMENTS_TOPIC.equals(scored.name()) && scored.fields().containsAll(FraudFeatures.PAYMENT_FIELDS))
        {
            return FraudFeatures.fraudModelFeatures();
        }
        throw new TrainingDataException(ErrorCode.USAGE, "no usable version of model '" + name + "' in " +
            registry.root().toAbsolutePath() + " to take the features from, and topic '" + scored.name() + "' is not the " +
            "payments topic whose features are built in; register a first version (model.json declares the features) or " +
            "check --model and --models");
    }

    private static void requireBothClasses(final LabelledRows rows, final String which, final String options)
    {
        final int positives = rows.positives();
        if (rows.size() == 0 || positives == 0 || positives == rows.size())
        {
            throw new TrainingDataException(ErrorCode.USAGE, String.format(Locale.ROOT, "the %s range %s holds %,d " +
                "labelled events, %,d of them positive: a model needs positive and negative events in both ranges; widen %s " +
                "or label more events", which, rows.description(), rows.size(), positives, options));
        }
    }

    private static void deleteRecursively(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + dir + ": " + ex.getMessage(), ex);
        }
    }
}
