package dev.rill.ml;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxRuntimeLibrariesTest
{
    @Test
    void aScorerLoadsOnnxRuntimeFromOneSharedUnpackedCopy() throws Exception
    {
        try (OnnxScorer scorer = OnnxScorer.open(Path.of("..", "models", "fraud", "1"), 1))
        {
            final String dir = System.getProperty("onnxruntime.native.path");
            assertNotNull(dir, "the libraries' directory was handed to ONNX Runtime");
            assertTrue(dir.contains("rill-onnxruntime-"), dir);
            assertTrue(Files.size(Path.of(dir, "libonnxruntime.so")) > 1_000_000);
            assertTrue(Files.isRegularFile(Path.of(dir, "libonnxruntime4j_jni.so")));
            assertTrue(scorer.scoreOnce(new float[scorer.featureCount()]).length > 0, "and the runtime works from there");
        }
    }
}
