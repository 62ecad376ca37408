package dev.rill.ml;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The model registry on disk: {@code <root>/<name>/<version>/} holding {@code model.onnx} and
 * {@code model.json}, versions numbered 1, 2, ... per name.
 *
 * <p>Every version is checked the way the server loads it: the descriptor parses, the ONNX file's
 * SHA-256 matches the descriptor, the graph loads in ONNX Runtime and its input and output match
 * the descriptor. A version that fails is listed as refused, with the reason; it is never picked
 * by {@link #latest}.
 *
 * <p>Reads only; safe beside a running server. Not thread-safe (build one per use).
 */
public final class ModelRegistry
{
    private final Path root;

    /**
     * One version of one model.
     *
     * @param name       the model's name (its directory).
     * @param version    the version (its directory).
     * @param directory  where its files are.
     * @param descriptor its model.json, or null when it could not be read.
     * @param problem    why it is refused, or null when it loads.
     */
    public record Entry(String name, int version, Path directory, ModelDescriptor descriptor, String problem)
    {
        /** @return true when the server would load this version. */
        public boolean usable()
        {
            return problem == null;
        }
    }

    /** @param root the directory holding one directory per model name (for example {@code models}). */
    public ModelRegistry(final Path root)
    {
        this.root = root;
    }

    public Path root()
    {
        return root;
    }

    /**
     * Lists every version of every model, by name then version, each checked.
     *
     * @throws ModelLoadException when the root is not a directory.
     */
    public List<Entry> list()
    {
        final List<Entry> entries = new ArrayList<>();
        for (final Path nameDir : children(root))
        {
            for (final Path versionDir : children(nameDir))
            {
                final String v = versionDir.getFileName().toString();
                if (v.matches("[1-9][0-9]{0,8}"))
                {
                    entries.add(check(nameDir.getFileName().toString(), Integer.parseInt(v), versionDir));
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::name).thenComparingInt(Entry::version));
        return entries;
    }

    /** @return the versions of one model, oldest first. */
    public List<Entry> versions(final String name)
    {
        return list().stream().filter(e -> e.name().equals(name)).toList();
    }

    /** @return the newest usable version of the model, if any. */
    public Optional<Entry> latest(final String name)
    {
        final List<Entry> versions = versions(name);
        for (int i = versions.size() - 1; i >= 0; i--)
        {
            if (versions.get(i).usable())
            {
                return Optional.of(versions.get(i));
            }
        }
        return Optional.empty();
    }

    /** @return the version number a newly registered version of the model gets. */
    public int nextVersion(final String name)
    {
        final List<Entry> versions = versions(name);
        return versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    }

    /**
     * Checks one version directory as the server would load it.
     *
     * @return the entry, with the reason when refused.
     */
    public static Entry check(final String name, final int version, final Path directory)
    {
        ModelDescriptor descriptor = null;
        try
        {
            descriptor = ModelFiles.load(directory).descriptor();
            if (!descriptor.name().equals(name))
            {
                return new Entry(name, version, directory, descriptor, "model.json names the model '" + descriptor.name() +
                    "' but it is filed under '" + name + "'; move it to " + descriptor.name() + "/" + descriptor.version() +
                    " or fix model.json (and its checksum stays valid)");
            }
            try (OnnxScorer scorer = OnnxScorer.open(directory, 1))
            {
                return new Entry(name, version, directory, scorer.descriptor(), null);
            }
        }
        catch (final ModelLoadException e)
        {
            return new Entry(name, version, directory, descriptor, e.getMessage());
        }
        catch (final Exception e)
        {
            return new Entry(name, version, directory, descriptor, "cannot be loaded: " + e);
        }
    }

    private static List<Path> children(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            throw new ModelLoadException("model registry " + dir.toAbsolutePath() + " is not a directory; expected " +
                "<root>/<name>/<version>/ with model.onnx and model.json in each version");
        }
        final List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, Files::isDirectory))
        {
            stream.forEach(children::add);
        }
        catch (final IOException e)
        {
            throw new ModelLoadException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return children;
    }
}
