package dev.rill.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The two files of one model version, {@code models/<name>/<version>/model.json} and
 * {@code model.onnx}, read and checked against each other: the descriptor parses and is
 * consistent, the ONNX bytes hash to the descriptor's {@code onnxSha256}, and the directory's
 * name is the descriptor's version.
 *
 * <p>Immutable after {@link #load(Path)}; any thread. Loading allocates the whole ONNX file.
 * Whether the graph's inputs and outputs match the descriptor needs a session: {@link OnnxScorer}
 * checks that.
 */
public final class ModelFiles
{
    private final Path directory;
    private final ModelDescriptor descriptor;
    private final byte[] onnx;

    private ModelFiles(final Path directory, final ModelDescriptor descriptor, final byte[] onnx)
    {
        this.directory = directory;
        this.descriptor = descriptor;
        this.onnx = onnx;
    }

    /**
     * @param directory a model version directory such as {@code models/fraud/1}.
     * @return the checked files.
     * @throws ModelLoadException naming the directory and what is wrong with it.
     */
    public static ModelFiles load(final Path directory)
    {
        if (!Files.isDirectory(directory))
        {
            throw new ModelLoadException("model directory " + directory.toAbsolutePath() +
                " does not exist; expected models/<name>/<version>/ holding " + ModelDescriptor.DESCRIPTOR_FILE +
                " and " + ModelDescriptor.ONNX_FILE);
        }
        final ModelDescriptor descriptor = ModelDescriptor.read(directory.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        final Path onnxFile = directory.resolve(ModelDescriptor.ONNX_FILE);
        if (!Files.isRegularFile(onnxFile))
        {
            throw new ModelLoadException(onnxFile + " is missing next to its " + ModelDescriptor.DESCRIPTOR_FILE +
                "; restore it or regenerate the model");
        }
        final String dirName = directory.toAbsolutePath().normalize().getFileName().toString();
        if (dirName.matches("[0-9]+") && Integer.parseInt(dirName) != descriptor.version())
        {
            throw new ModelLoadException(directory + ": directory is version " + dirName + " but " +
                ModelDescriptor.DESCRIPTOR_FILE + " says version " + descriptor.version() +
                "; a model version directory must hold that version's files");
        }
        final byte[] onnx;
        try
        {
            onnx = Files.readAllBytes(onnxFile);
        }
        catch (final IOException ex)
        {
            throw new ModelLoadException(onnxFile + " cannot be read: " + ex.getMessage(), ex);
        }
        final String actual = sha256Hex(onnx);
        if (!actual.equals(descriptor.onnxSha256()))
        {
            throw new ModelLoadException(onnxFile + " has SHA-256 " + actual + " but " +
                ModelDescriptor.DESCRIPTOR_FILE + " expects " + descriptor.onnxSha256() +
                ": the two files are not from the same training run; restore both or regenerate the model");
        }
        return new ModelFiles(directory, descriptor, onnx);
    }

    /** @return lowercase hex SHA-256 of the bytes. */
    public static String sha256Hex(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java SE runtime must provide", ex);
        }
    }

    /** @return the directory the files were read from. */
    public Path directory()
    {
        return directory;
    }

    /** @return the parsed and checked descriptor. */
    public ModelDescriptor descriptor()
    {
        return descriptor;
    }

    /** @return the ONNX graph's bytes; callers must not modify them. */
    public byte[] onnx()
    {
        return onnx;
    }
}
