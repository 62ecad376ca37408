package dev.rill.ml;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoadingTest
{
    @TempDir
    Path temp;

    @Test
    void refusesAnOnnxFileWhoseChecksumDiffersFromTheDescriptor() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), d -> d.withOnnxSha256("ab".repeat(32)));
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> OnnxScorer.open(dir, 4));
        assertTrue(ex.getMessage().contains("SHA-256"), ex.getMessage());
        assertTrue(ex.getMessage().contains("abababab"), ex.getMessage());
    }

    @Test
    void refusesADescriptorWhoseFeatureCountDiffersFromTheGraphInput() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(),
            d -> d.withFeatures(d.features().subList(0, d.featureCount() - 1)));
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> OnnxScorer.open(dir, 4));
        assertTrue(ex.getMessage().contains("input 'input' has shape [-1, 11]"), ex.getMessage());
        assertTrue(ex.getMessage().contains("[-1, 10]"), ex.getMessage());
    }

    @Test
    void refusesADescriptorNamingAnInputTheGraphDoesNotHave() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), d -> new ModelDescriptor(d.name(),
            d.version(), d.topic(), "features", d.outputName(), d.outputCount(), d.scoreColumn(), d.scoreLabel(),
            d.features(), d.threshold(), d.training(), d.evaluation(), d.createdAt(), d.onnxSha256()));
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> OnnxScorer.open(dir, 4));
        assertTrue(ex.getMessage().contains("graph inputs are [input]"), ex.getMessage());
    }

    @Test
    void refusesAMissingOnnxFile() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), UnaryOperator.identity());
        Files.delete(dir.resolve("model.onnx"));
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> ModelFiles.load(dir));
        assertTrue(ex.getMessage().contains("model.onnx is missing"), ex.getMessage());
    }

    @Test
    void refusesUnparsableJsonAndSaysWhere() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), UnaryOperator.identity());
        Files.writeString(dir.resolve("model.json"), "{\n  \"name\" : \"fraud\",\n  \"version\" : one\n}\n");
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> ModelFiles.load(dir));
        assertTrue(ex.getMessage().contains("is not a valid model descriptor"), ex.getMessage());
        assertTrue(ex.getMessage().contains("line 3"), ex.getMessage());
    }

    @Test
    void refusesADirectoryWhoseNameIsAnotherVersion() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), UnaryOperator.identity());
        final Path renamed = Files.move(dir, temp.resolve("2"));
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> ModelFiles.load(renamed));
        assertTrue(ex.getMessage().contains("directory is version 2 but model.json says version 1"), ex.getMessage());
    }
}
