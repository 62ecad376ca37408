package dev.rill.ml;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Gives ONNX Runtime one shared copy of its native libraries instead of a new temporary
 * directory per JVM.
 *
 * <p>Left to itself, ONNX Runtime's Java binding unpacks {@code libonnxruntime.so} and its JNI
 * library into a fresh {@code /tmp/onnxruntime-java*} directory in every JVM and leaves the
 * directory behind (24 MB each time it crashes; an empty directory otherwise), so a busy host
 * collects hundreds. Before the first session, this unpacks them once into
 * {@code <java.io.tmpdir>/rill-onnxruntime-<size>-<user>/} (atomically: temp file, then rename) and
 * points ONNX Runtime there with its own {@code onnxruntime.native.path} property. Anything
 * unusual (another platform, a property already set, a failed copy) leaves ONNX Runtime to its
 * default behaviour. Called once per JVM, before the first {@code OrtEnvironment}; thread-safe.
 */
final class OnnxRuntimeLibraries
{
    private static final String PROPERTY = "onnxruntime.native.path";
    private static final String RESOURCE_DIR = "/ai/onnxruntime/native/linux-x64/";
    private static final String[] LIBRARIES = {"libonnxruntime.so", "libonnxruntime4j_jni.so"};
    private static boolean prepared;

    private OnnxRuntimeLibraries()
    {
    }

    static synchronized void prepare()
    {
        if (prepared)
        {
            return;
        }
        prepared = true;
        if (System.getProperty(PROPERTY) != null || System.getenv("ONNXRUNTIME_NATIVE_PATH") != null ||
            !"Linux".equals(System.getProperty("os.name")) ||
            !("amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"))))
        {
            return;
        }
        try
        {
            final URL main = OnnxRuntimeLibraries.class.getResource(RESOURCE_DIR + LIBRARIES[0]);
            if (main == null)
            {
                return;
            }
            final long size = main.openConnection().getContentLengthLong();
            final Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                "rill-onnxruntime-" + size + "-" + System.getProperty("user.name", "user"));
            Files.createDirectories(dir);
            for (final String library : LIBRARIES)
            {
                unpack(library, dir.resolve(library));
            }
            System.setProperty(PROPERTY, dir.toString());
        }
        catch (final IOException | RuntimeException e)
        {
            System.err.println("rill: could not unpack ONNX Runtime's native libraries once (" + e.getMessage() +
                "); ONNX Runtime unpacks them itself");
        }
    }

    private static void unpack(final String library, final Path target) throws IOException
    {
        final URL url = OnnxRuntimeLibraries.class.getResource(RESOURCE_DIR + library);
        if (url == null)
        {
            throw new IOException("resource " + RESOURCE_DIR + library + " is missing");
        }
        final long size = url.openConnection().getContentLengthLong();
        if (Files.isRegularFile(target) && Files.size(target) == size)
        {
            return;
        }
        final Path temp = Files.createTempFile(target.getParent(), library, ".part");
        try (InputStream in = url.openStream())
        {
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
    }
}
