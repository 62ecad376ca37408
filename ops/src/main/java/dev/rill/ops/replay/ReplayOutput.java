package dev.rill.ops.replay;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rill.bus.ErrorCode;

/**
 * A named replay output: the directory {@code <dataDir>/replay/<name>/} holding the replayed
 * Results ({@code results/}, a journal, or {@code results.jsonl}) and, once the replay has
 * finished, its {@link ReplayManifest} ({@code replay.json}, written atomically last).
 *
 * <p>Names are 1 to 64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit, so a name
 * never leaves the replay directory. Not thread-safe; a tool's one thread.
 */
public final class ReplayOutput
{
    /** Directory of replay outputs under the data directory. */
    public static final String DIRECTORY = "replay";
    /** The manifest's file name. */
    public static final String MANIFEST = "replay.json";
    /** The journal of replayed Results, under the output's directory. */
    public static final String JOURNAL = "results";
    /** The JSON lines of replayed Results, under the output's directory. */
    public static final String JSONL = "results.jsonl";

    static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String name;
    private final Path directory;

    private ReplayOutput(final String name, final Path directory)
    {
        this.name = name;
        this.directory = directory;
    }

    /** @return the directory of replay outputs of a data directory. */
    public static Path root(final Path dataDir)
    {
        return dataDir.resolve(DIRECTORY);
    }

    /**
     * Makes a new, empty output.
     *
     * @param overwrite delete an output of that name first; otherwise one that exists is refused.
     * @throws ReplayException (USAGE) for a bad name or an existing output without {@code overwrite}.
     */
    public static ReplayOutput create(final Path dataDir, final String name, final boolean overwrite)
    {
        final ReplayOutput output = new ReplayOutput(checkName(name), root(dataDir).resolve(name));
        if (Files.exists(output.directory))
        {
            if (!overwrite)
            {
                throw new ReplayException(ErrorCode.USAGE, "replay output '" + name + "' exists (" + output.directory +
                    "); choose another --output name, or add --overwrite to replace it");
            }
            deleteTree(output.directory);
        }
        try
        {
            Files.createDirectories(output.directory);
        }
        catch (final IOException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot create " + output.directory + ": " + e.getMessage() +
                "; check the permissions of the data directory");
        }
        return output;
    }

    /**
     * Opens a finished output.
     *
     * @throws ReplayException (USAGE) when there is no such output or its replay did not finish.
     */
    public static ReplayOutput open(final Path dataDir, final String name)
    {
        final ReplayOutput output = new ReplayOutput(checkName(name), root(dataDir).resolve(name));
        if (!Files.isDirectory(output.directory))
        {
            throw new ReplayException(ErrorCode.USAGE, "no replay output '" + name + "' in " + root(dataDir) +
                "; run `rill replay run --output " + name + " ...` first (or check --data-dir)");
        }
        final ReplayManifest manifest = output.readManifest();
        if (manifest == null || !manifest.complete())
        {
            throw new ReplayException(ErrorCode.USAGE, "replay output '" + name + "' is incomplete (" + output.directory +
                " has no finished " + MANIFEST + "): its replay stopped before the end; run it again with --overwrite");
        }
        return output;
    }

    public String name()
    {
        return name;
    }

    public Path directory()
    {
        return directory;
    }

    /** @return the manifest, or null when the replay has not finished. */
    public ReplayManifest readManifest()
    {
        final Path file = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(file))
        {
            return null;
        }
        try
        {
            return JSON.readValue(file.toFile(), ReplayManifest.class);
        }
        catch (final IOException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, file + " cannot be read (" + e.getMessage() +
                "); run the replay again with --overwrite");
        }
    }

    /** Writes the manifest atomically (temporary file, then rename). */
    public void writeManifest(final ReplayManifest manifest)
    {
        final Path file = directory.resolve(MANIFEST);
        final Path temp = directory.resolve("." + MANIFEST + ".tmp");
        try
        {
            JSON.writeValue(temp.toFile(), manifest);
            try
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException e)
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot write " + file + ": " + e.getMessage());
        }
    }

    private static String checkName(final String name)
    {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
        {
            throw new ReplayException(ErrorCode.USAGE, "--output: '" + name + "' is not a replay name; use 1 to 64 of " +
                "A-Z a-z 0-9 . _ -, starting with a letter or digit (e.g. incident-2026-11-25)");
        }
        return name;
    }

    private static void deleteTree(final Path dir)
    {
        try
        {
            Files.walkFileTree(dir, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
                {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException
                {
                    if (e != null)
                    {
                        throw e;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final DirectoryNotEmptyException e)
        {
            throw new ReplayException(ErrorCode.USAGE, "cannot replace replay output " + dir + ": something writes into it " +
                "(another replay?); wait for it, or choose another --output name");
        }
        catch (final IOException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot delete the old replay output " + dir + ": " +
                e.getMessage());
        }
    }
}
