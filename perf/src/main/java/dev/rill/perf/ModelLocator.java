package dev.rill.perf;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the fraud model for benchmarks and load tools, wherever they are started from: the
 * {@code rill.model.dir} system property when set, else {@code models/fraud/1} in the working
 * directory or the nearest parent directory that has it (the repository root when run from
 * {@code perf/} or from a JMH fork).
 */
public final class ModelLocator
{
    /** System property naming the model version directory explicitly. */
    public static final String PROPERTY = "rill.model.dir";

    private static final Path RELATIVE = Path.of("models", "fraud", "1");

    private ModelLocator()
    {
    }

    /**
     * @return the model version directory (holding model.onnx and model.json).
     * @throws IllegalStateException when none is found; the message says how to point at one.
     */
    public static Path fraudModel()
    {
        final String explicit = System.getProperty(PROPERTY);
        if (explicit != null)
        {
            return Path.of(explicit);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve(RELATIVE);
            if (Files.isRegularFile(candidate.resolve("model.onnx")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + RELATIVE + "/model.onnx in " + Path.of("").toAbsolutePath() +
            " or any parent; run from the repository or pass -D" + PROPERTY + "=DIR");
    }
}
