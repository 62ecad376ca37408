package dev.rill.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What {@code models/<name>/<version>/model.json} says about its {@code model.onnx}: the graph's
 * input and output, the features in the model's input column order, the decision threshold, the
 * data it was trained on, how it scored on held-out data and the checksum of the ONNX file.
 *
 * <p>Immutable; any thread. Reading and writing allocate (they are load-time operations).
 *
 * @param name        model name, also the parent directory's name.
 * @param version     model version, also the directory's name; 1 and up.
 * @param topic       the topic whose events the model scores.
 * @param inputName   name of the ONNX graph's single float input, shape [-1, features].
 * @param outputName  name of the ONNX graph's float output, shape [-1, outputCount].
 * @param outputCount number of output columns (classes).
 * @param scoreColumn the output column that is the score (the fraud probability).
 * @param scoreLabel  the class label of {@code scoreColumn}, for people reading the file.
 * @param features    the features, in the model's input column order.
 * @param threshold   decision threshold on the score chosen at training time.
 * @param training    where the training and held-out data came from.
 * @param evaluation  metrics on the held-out data.
 * @param createdAt   ISO-8601 instant the model was written.
 * @param onnxSha256  lowercase hex SHA-256 of {@code model.onnx}.
 * @param distributions how each input feature and the score were distributed over the training
 *                    rows, the baseline of drift monitoring; null when the file has none (files
 *                    written before the section existed still load).
 */
public record ModelDescriptor(
    String name,
    int version,
    String topic,
    String inputName,
    String outputName,
    int outputCount,
    int scoreColumn,
    String scoreLabel,
    List<FeatureSpec> features,
    double threshold,
    TrainingData training,
    Evaluation evaluation,
    String createdAt,
    String onnxSha256,
    @JsonInclude(JsonInclude.Include.NON_NULL) Distributions distributions)
{
    /** File name of the descriptor inside a model directory. */
    public static final String DESCRIPTOR_FILE = "model.json";
    /** File name of the ONNX graph inside a model directory. */
    public static final String ONNX_FILE = "model.onnx";

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ModelDescriptor
    {
        features = features == null ? null : List.copyOf(features);
    }

    /** A descriptor without training distributions (the form before drift monitoring). */
    public ModelDescriptor(
        final String name,
        final int version,
        final String topic,
        final String inputName,
        final String outputName,
        final int outputCount,
        final int scoreColumn,
        final String scoreLabel,
        final List<FeatureSpec> features,
        final double threshold,
        final TrainingData training,
        final Evaluation evaluation,
        final String createdAt,
        final String onnxSha256)
    {
        this(name, version, topic, inputName, outputName, outputCount, scoreColumn, scoreLabel, features, threshold, training,
            evaluation, createdAt, onnxSha256, null);
    }

    /**
     * Where the training data came from and which of it was held out.
     *
     * <p>Two sources. {@code generator}: rows are numbered in the order {@link #generator()} produced
     * them from {@link #seed()}. {@code journal}: rows are events of the scored topic in journal
     * "in", and the four bounds are "in" indexes. Either way the ranges are [from, to), and the
     * held-out range starts at or after the end of the training range. Files written before the
     * journal source existed have no {@code source}: they are generator-trained.
     *
     * @param generator    class that produced the rows (generator source), else null.
     * @param seed         generator seed (generator source), or the trainer's seed.
     * @param trainFrom    first training row or "in" index, inclusive.
     * @param trainTo      end of the training range, exclusive.
     * @param heldOutFrom  first held-out row or "in" index, inclusive.
     * @param heldOutTo    end of the held-out range, exclusive.
     * @param trainer      description of the learning algorithm and its settings.
     * @param source       {@value #SOURCE_GENERATOR} or {@value #SOURCE_JOURNAL}; null in older files (generator).
     * @param journal      the journal directory read (journal source), else null.
     * @param labels       where the labels came from (journal source), for example
     *                     {@code topic:payment_labels} or {@code field:is_fraud}, else null.
     * @param trainingRows labelled rows in the training range (null in older files).
     * @param unlabelled   events of the scored topic in the two ranges left out for want of a
     *                     valid label (journal source), else null.
     */
    public record TrainingData(
        @JsonInclude(JsonInclude.Include.NON_NULL) String generator,
        long seed,
        long trainFrom,
        long trainTo,
        long heldOutFrom,
        long heldOutTo,
        String trainer,
        @JsonInclude(JsonInclude.Include.NON_NULL) String source,
        @JsonInclude(JsonInclude.Include.NON_NULL) String journal,
        @JsonInclude(JsonInclude.Include.NON_NULL) String labels,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long trainingRows,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long unlabelled)
    {
        /** {@link #source()} of rows from a generator class. */
        public static final String SOURCE_GENERATOR = "generator";
        /** {@link #source()} of rows read from journal "in". */
        public static final String SOURCE_JOURNAL = "journal";

        /** Generator-trained data in the form before the journal source existed. */
        public TrainingData(
            final String generator, final long seed, final long trainFrom, final long trainTo, final long heldOutFrom,
            final long heldOutTo, final String trainer)
        {
            this(generator, seed, trainFrom, trainTo, heldOutFrom, heldOutTo, trainer, null, null, null, null, null);
        }

        /** @return true when the rows are events of journal "in". */
        public boolean fromJournal()
        {
            return SOURCE_JOURNAL.equals(source);
        }

        /** @return what is inconsistent, or null. */
        String problem()
        {
            if (source != null && !SOURCE_GENERATOR.equals(source) && !SOURCE_JOURNAL.equals(source))
            {
                return "'training.source' must be " + SOURCE_GENERATOR + " or " + SOURCE_JOURNAL + ", found " + source;
            }
            if (trainFrom > trainTo || heldOutFrom > heldOutTo)
            {
                return "'training' ranges must be [from, to) with from <= to, found training [" + trainFrom + ", " +
                    trainTo + ") and held-out [" + heldOutFrom + ", " + heldOutTo + ")";
            }
            if (heldOutFrom < trainTo)
            {
                return "'training' held-out range [" + heldOutFrom + ", " + heldOutTo + ") starts before the end of " +
                    "the training range [" + trainFrom + ", " + trainTo + ")";
            }
            return null;
        }
    }

    /**
     * Metrics on the held-out range.
     *
     * @param auc                  area under the ROC curve.
     * @param precisionAtThreshold precision of {@code score >= threshold}.
     * @param recallAtThreshold    recall of {@code score >= threshold}.
     * @param logLoss              mean negative log likelihood of the true class.
     * @param baseRate             share of positives in the held-out rows.
     * @param rows                 number of held-out rows.
     * @param calibration          predicted against observed rate in score bins.
     */
    public record Evaluation(
        double auc,
        double precisionAtThreshold,
        double recallAtThreshold,
        double logLoss,
        double baseRate,
        long rows,
        List<CalibrationBin> calibration)
    {
    }

    /**
     * One calibration bin: held-out rows whose score fell in [from, to).
     *
     * @param from          lower score bound, inclusive.
     * @param to            upper score bound, exclusive (the last bin includes 1).
     * @param rows          rows in the bin.
     * @param meanScore     mean predicted score in the bin.
     * @param observedRate  share of positives in the bin.
     */
    public record CalibrationBin(double from, double to, long rows, double meanScore, double observedRate)
    {
    }

    /**
     * How the model's inputs and its score were distributed over the training rows: the baseline
     * drift monitoring compares live traffic with ({@code dev.rill.ml.drift.DriftMonitor}).
     *
     * @param rows     training rows the proportions were counted over.
     * @param features one distribution per input feature, named as the feature.
     * @param score    the distribution of the score column, named {@value #SCORE}.
     */
    public record Distributions(long rows, List<Distribution> features, Distribution score)
    {
        /** Name of the score's distribution. */
        public static final String SCORE = "score";

        public Distributions
        {
            features = features == null ? List.of() : List.copyOf(features);
        }

        /** @return the distribution of the named feature, or null when there is none. */
        public Distribution feature(final String name)
        {
            for (final Distribution d : features)
            {
                if (d.name().equals(name))
                {
                    return d;
                }
            }
            return null;
        }

        /**
         * A distribution naming no feature of the model is not a problem: drift monitoring matches
         * by name and skips it (tools that derive models from others may drop features).
         *
         * @return what is inconsistent, or null.
         */
        String problem()
        {
            if (rows < 1)
            {
                return "'distributions.rows' must be 1 or more, found " + rows;
            }
            final Set<String> names = new HashSet<>();
            for (final Distribution d : features)
            {
                final String problem = d == null ? "a distribution is null" : d.problem();
                if (problem != null)
                {
                    return "'distributions.features': " + problem;
                }
                if (!names.add(d.name()))
                {
                    return "'distributions.features' has two distributions of '" + d.name() + "'";
                }
            }
            final String scoreProblem = score == null ? null : score.problem();
            return scoreProblem == null ? null : "'distributions.score': " + scoreProblem;
        }
    }

    /**
     * One value's distribution over the training rows, in bins cut at {@code edges}.
     *
     * <p>Bin 0 holds values {@code v <= edges[0]}, bin i holds {@code edges[i-1] < v <= edges[i]},
     * the last bin (index {@code edges.size()}) holds {@code v > edges[last]}. The edges are the
     * training rows' quantiles, deduplicated (a 0/1 feature has one edge, 0), so every bin but
     * possibly the last held training rows.
     *
     * @param name        the feature's name, or {@value Distributions#SCORE}.
     * @param edges       inclusive upper bounds of every bin but the last, strictly increasing.
     * @param proportions share of the training rows in each bin; {@code edges.size() + 1} values.
     */
    public record Distribution(String name, List<Double> edges, List<Double> proportions)
    {
        public Distribution
        {
            edges = edges == null ? List.of() : List.copyOf(edges);
            proportions = proportions == null ? List.of() : List.copyOf(proportions);
        }

        /** @return the number of bins. */
        public int binCount()
        {
            return proportions.size();
        }

        /** @return what is inconsistent, or null. */
        String problem()
        {
            if (name == null || name.isBlank())
            {
                return "a distribution has no name";
            }
            if (proportions.size() != edges.size() + 1)
            {
                return "'" + name + "' has " + edges.size() + " edges, so " + (edges.size() + 1) + " proportions, found " +
                    proportions.size();
            }
            double sum = 0;
            for (int i = 0; i < proportions.size(); i++)
            {
                final Double p = proportions.get(i);
                if (p == null || !(p >= 0.0 && p <= 1.0))
                {
                    return "'" + name + "' proportions must be in [0, 1], found " + p;
                }
                sum += p;
            }
            if (Math.abs(sum - 1.0) > 1e-3)
            {
                return "'" + name + "' proportions must add up to 1, found " + sum;
            }
            for (int i = 0; i < edges.size(); i++)
            {
                final Double e = edges.get(i);
                if (e == null || !Double.isFinite(e) || (i > 0 && !(e > edges.get(i - 1))))
                {
                    return "'" + name + "' edges must be finite and strictly increasing, found " + edges;
                }
            }
            return null;
        }
    }

    /** @return number of model input features. */
    public int featureCount()
    {
        return features.size();
    }

    /**
     * Parses a {@code model.json} and checks it is complete and consistent.
     *
     * @param file the descriptor file.
     * @return the descriptor.
     * @throws ModelLoadException naming the file and the problem.
     */
    public static ModelDescriptor read(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new ModelLoadException(file + " is missing: a model directory needs " + DESCRIPTOR_FILE + " and " +
                ONNX_FILE + "; regenerate the model (see models/<name>/README.md) or fix the path");
        }
        final ModelDescriptor descriptor;
        try
        {
            descriptor = MAPPER.readValue(file.toFile(), ModelDescriptor.class);
        }
        catch (final JsonProcessingException ex)
        {
            throw new ModelLoadException(file + " is not a valid model descriptor: " + ex.getOriginalMessage() +
                " (line " + (ex.getLocation() == null ? "?" : ex.getLocation().getLineNr()) +
                "); fix the file or regenerate the model", ex);
        }
        catch (final IOException ex)
        {
            throw new ModelLoadException(file + " cannot be read: " + ex.getMessage(), ex);
        }
        final String problem = descriptor.problem();
        if (problem != null)
        {
            throw new ModelLoadException(file + " is inconsistent: " + problem + "; fix the file or regenerate the model");
        }
        return descriptor;
    }

    /**
     * Writes this descriptor as indented JSON.
     *
     * @param file where to write; replaced if present.
     * @throws IOException when the file cannot be written.
     */
    public void write(final Path file) throws IOException
    {
        Files.writeString(file, toJson() + "\n");
    }

    /** @return this descriptor as indented JSON. */
    public String toJson()
    {
        try
        {
            return MAPPER.writeValueAsString(this);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot serialise model descriptor " + name + "/" + version, ex);
        }
    }

    /** @return a copy with another checksum. */
    public ModelDescriptor withOnnxSha256(final String sha256)
    {
        return new ModelDescriptor(name, version, topic, inputName, outputName, outputCount, scoreColumn, scoreLabel,
            features, threshold, training, evaluation, createdAt, sha256, distributions);
    }

    /** @return a copy with other features (used by tools and tests that derive models). */
    public ModelDescriptor withFeatures(final List<FeatureSpec> newFeatures)
    {
        return new ModelDescriptor(name, version, topic, inputName, outputName, outputCount, scoreColumn, scoreLabel,
            newFeatures, threshold, training, evaluation, createdAt, onnxSha256, distributions);
    }

    /** @return a copy with other training distributions (null for none). */
    public ModelDescriptor withDistributions(final Distributions newDistributions)
    {
        return new ModelDescriptor(name, version, topic, inputName, outputName, outputCount, scoreColumn, scoreLabel,
            features, threshold, training, evaluation, createdAt, onnxSha256, newDistributions);
    }

    /** @return what is missing or inconsistent, or null when the descriptor is usable. */
    public String problem()
    {
        if (name == null || name.isBlank())
        {
            return "'name' is missing";
        }
        if (version < 1)
        {
            return "'version' must be 1 or more, found " + version;
        }
        if (topic == null || topic.isBlank())
        {
            return "'topic' is missing";
        }
        if (inputName == null || inputName.isBlank())
        {
            return "'inputName' is missing";
        }
        if (outputName == null || outputName.isBlank())
        {
            return "'outputName' is missing";
        }
        if (outputCount < 1)
        {
            return "'outputCount' must be 1 or more, found " + outputCount;
        }
        if (scoreColumn < 0 || scoreColumn >= outputCount)
        {
            return "'scoreColumn' must be in [0, " + outputCount + "), found " + scoreColumn;
        }
        if (features == null || features.isEmpty())
        {
            return "'features' is missing or empty";
        }
        final Set<String> names = new HashSet<>();
        for (final FeatureSpec spec : features)
        {
            final String problem = spec == null ? "a feature is null" : spec.problem();
            if (problem != null)
            {
                return problem;
            }
            if (!names.add(spec.name()))
            {
                return "feature '" + spec.name() + "' is declared twice";
            }
        }
        if (!(threshold >= 0.0 && threshold <= 1.0))
        {
            return "'threshold' must be in [0, 1], found " + threshold;
        }
        if (onnxSha256 == null || !onnxSha256.matches("[0-9a-f]{64}"))
        {
            return "'onnxSha256' must be 64 lowercase hex digits, found " + onnxSha256;
        }
        final String trainingProblem = training == null ? null : training.problem();
        if (trainingProblem != null)
        {
            return trainingProblem;
        }
        return distributions == null ? null : distributions.problem();
    }
}
