package dev.rill.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    String onnxSha256)
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

    /**
     * Where the training data came from. Rows are numbered in the order the generator (or the
     * journal) produced them; the held-out range comes after the training range.
     *
     * @param generator    class (or journal) that produced the rows.
     * @param seed         generator seed.
     * @param trainFrom    first training row, inclusive.
     * @param trainTo      last training row, exclusive.
     * @param heldOutFrom  first held-out row, inclusive.
     * @param heldOutTo    last held-out row, exclusive.
     * @param trainer      description of the learning algorithm and its settings.
     */
    public record TrainingData(
        String generator, long seed, long trainFrom, long trainTo, long heldOutFrom, long heldOutTo, String trainer)
    {
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
            features, threshold, training, evaluation, createdAt, sha256);
    }

    /** @return a copy with other features (used by tools and tests that derive models). */
    public ModelDescriptor withFeatures(final List<FeatureSpec> newFeatures)
    {
        return new ModelDescriptor(name, version, topic, inputName, outputName, outputCount, scoreColumn, scoreLabel,
            newFeatures, threshold, training, evaluation, createdAt, onnxSha256);
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
        return null;
    }
}
