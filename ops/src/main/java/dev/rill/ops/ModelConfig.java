package dev.rill.ops;

import java.nio.file.Path;

import dev.rill.bus.ConfigException;

/**
 * The scoring model ({@code model:} in rill.yaml).
 *
 * @param directory     model version directory holding model.onnx and model.json.
 * @param topic         topic whose events the model scores.
 * @param fallbackScore score given when the model fails (Results then carry the FALLBACK flag).
 */
public record ModelConfig(Path directory, String topic, double fallbackScore)
{
    /** Default model directory, relative to the working directory (the repository root). */
    public static final Path DEFAULT_DIRECTORY = Path.of("models", "fraud", "1");

    public ModelConfig
    {
        if (directory == null)
        {
            throw ConfigException.invalid("model.directory", null, "a model version directory such as models/fraud/1");
        }
        if (topic == null || topic.isEmpty())
        {
            throw ConfigException.invalid("model.topic", topic, "the topic the model scores");
        }
        if (!Double.isFinite(fallbackScore) || fallbackScore < 0 || fallbackScore > 1)
        {
            throw ConfigException.invalid("model.fallbackScore", fallbackScore, "a number from 0 to 1");
        }
    }

    /** @return models/fraud/1 (under {@code rill.home} when the launcher sets it) scoring "payments", fallback 0. */
    public static ModelConfig defaults()
    {
        final String home = System.getProperty("rill.home");
        final Path dir = home == null ? DEFAULT_DIRECTORY : Path.of(home).resolve(DEFAULT_DIRECTORY);
        return new ModelConfig(dir, "payments", 0.0);
    }
}
