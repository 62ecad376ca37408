package dev.rill.ops;

import java.nio.file.Path;

import dev.rill.bus.ConfigException;

/**
 * The scoring model ({@code model:} in rill.yaml).
 *
 * @param directory         model version directory holding model.onnx and model.json, inside a registry
 *                          {@code <root>/<name>/<version>/}; the version the server starts with.
 * @param topic             topic whose events the model scores.
 * @param fallbackScore     score given when no model can score an event (Results then carry the FALLBACK flag).
 * @param batchBudgetMicros most time one model run may take; a run still going is ended and its batch falls back.
 *                          0 for no budget.
 * @param fallbackModel     what scores the events the primary cannot: {@code previous} (the newest usable version
 *                          below the active one in the registry) or {@code none} (the default score).
 * @param shadow            a model version directory to shadow from start, or null for none.
 */
public record ModelConfig(
    Path directory, String topic, double fallbackScore, long batchBudgetMicros, String fallbackModel, Path shadow)
{
    /** Default model directory, relative to the working directory (the repository root). */
    public static final Path DEFAULT_DIRECTORY = Path.of("models", "fraud", "1");
    /** Default batch budget: far above a batch's run (tens of µs for the fraud model), far below a client's timeout. */
    public static final long DEFAULT_BATCH_BUDGET_MICROS = 10_000;
    /** Fallback model setting: the newest usable version below the active one. */
    public static final String FALLBACK_PREVIOUS = "previous";
    /** Fallback model setting: no fallback model, the default score. */
    public static final String FALLBACK_NONE = "none";

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
        if (batchBudgetMicros < 0 || batchBudgetMicros > 60_000_000)
        {
            throw ConfigException.invalid("model.batchBudgetMicros", batchBudgetMicros, "0 (no budget) to 60000000 (one minute)");
        }
        fallbackModel = fallbackModel == null ? FALLBACK_PREVIOUS : fallbackModel;
        if (!fallbackModel.equals(FALLBACK_PREVIOUS) && !fallbackModel.equals(FALLBACK_NONE))
        {
            throw ConfigException.invalid("model.fallbackModel", fallbackModel, FALLBACK_PREVIOUS + " or " + FALLBACK_NONE);
        }
    }

    /** A model with the default budget, the previous version as fallback and no shadow. */
    public ModelConfig(final Path directory, final String topic, final double fallbackScore)
    {
        this(directory, topic, fallbackScore, DEFAULT_BATCH_BUDGET_MICROS, FALLBACK_PREVIOUS, null);
    }

    /** @return the registry root: the directory above the model's name directory (models/ for models/fraud/1). */
    public Path registryRoot()
    {
        final Path name = directory.toAbsolutePath().normalize().getParent();
        return name == null || name.getParent() == null ? directory.toAbsolutePath().normalize() : name.getParent();
    }

    /** @return the model's name: its directory's parent's name (fraud for models/fraud/1). */
    public String name()
    {
        final Path name = directory.toAbsolutePath().normalize().getParent();
        return name == null ? directory.getFileName().toString() : name.getFileName().toString();
    }

    /** @return the version the directory names (1 for models/fraud/1), or 0 when its name is not a number. */
    public int version()
    {
        try
        {
            return Integer.parseInt(directory.getFileName().toString());
        }
        catch (final NumberFormatException e)
        {
            return 0;
        }
    }

    /** @return a copy with another budget. */
    public ModelConfig withBatchBudgetMicros(final long micros)
    {
        return new ModelConfig(directory, topic, fallbackScore, micros, fallbackModel, shadow);
    }

    /** @return models/fraud/1 (under {@code rill.home} when the launcher sets it) scoring "payments", fallback 0. */
    public static ModelConfig defaults()
    {
        final String home = System.getProperty("rill.home");
        final Path dir = home == null ? DEFAULT_DIRECTORY : Path.of(home).resolve(DEFAULT_DIRECTORY);
        return new ModelConfig(dir, "payments", 0.0);
    }
}
