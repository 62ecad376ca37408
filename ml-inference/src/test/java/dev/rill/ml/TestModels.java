package dev.rill.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** Paths to the committed model and copies of it, altered for the refusal tests. */
final class TestModels
{
    /** The committed fraud model, relative to the module directory (surefire's working directory). */
    static final Path COMMITTED_FRAUD = Path.of("..", "models", "fraud", "1");

    private TestModels()
    {
    }

    /**
     * Copies the committed model into {@code parent/1}, letting the caller alter the ONNX bytes and
     * the descriptor; the descriptor's checksum is recomputed over the altered bytes unless the
     * descriptor alteration sets one itself.
     */
    static Path alteredCopy(
        final Path parent,
        final UnaryOperator<byte[]> alterOnnx,
        final UnaryOperator<ModelDescriptor> alterDescriptor) throws IOException
    {
        final Path dir = Files.createDirectories(parent.resolve("1"));
        final byte[] onnx = alterOnnx.apply(Files.readAllBytes(COMMITTED_FRAUD.resolve(ModelDescriptor.ONNX_FILE)));
        final ModelDescriptor original = ModelDescriptor.read(COMMITTED_FRAUD.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        final ModelDescriptor altered = alterDescriptor.apply(original.withOnnxSha256(ModelFiles.sha256Hex(onnx)));
        Files.write(dir.resolve(ModelDescriptor.ONNX_FILE), onnx);
        altered.write(dir.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        return dir;
    }
}
