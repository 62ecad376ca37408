package dev.rill.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest
{
    @TempDir
    Path root;

    @Test
    void listsEveryVersionAndRefusesEachBrokenOneWithItsReason() throws Exception
    {
        final Path fraud = root.resolve("fraud");
        copy(TestModels.alteredCopy(fraud, b -> b, d -> d), fraud.resolve("1"));
        rename(TestModels.alteredCopy(root.resolve("tmp2"), b -> b, d -> withVersion(d, 2)), fraud.resolve("2"));
        rename(TestModels.alteredCopy(root.resolve("tmp3"), b -> b, d -> withVersion(d, 3).withOnnxSha256("0".repeat(64))),
            fraud.resolve("3"));
        rename(TestModels.alteredCopy(root.resolve("tmp4"), b -> b,
            d -> withVersion(d, 4).withFeatures(d.features().subList(0, d.features().size() - 1))), fraud.resolve("4"));

        final ModelRegistry registry = new ModelRegistry(root);
        final List<ModelRegistry.Entry> versions = registry.versions("fraud");
        assertEquals(List.of(1, 2, 3, 4), versions.stream().map(ModelRegistry.Entry::version).toList());
        assertNull(versions.get(0).problem());
        assertNull(versions.get(1).problem());
        assertTrue(versions.get(2).problem().contains("SHA-256"), versions.get(2).problem());
        assertTrue(versions.get(3).problem().contains("input"), versions.get(3).problem());
        assertEquals(2, registry.latest("fraud").orElseThrow().version(), "the newest version that loads");
        assertEquals(5, registry.nextVersion("fraud"));
        assertTrue(registry.latest("other").isEmpty());
        assertEquals(1, registry.nextVersion("other"));
    }

    @Test
    void aRootThatIsNoDirectoryIsRefusedWithWhatIsExpected()
    {
        final ModelLoadException e = assertThrows(ModelLoadException.class, () -> new ModelRegistry(root.resolve("none")).list());
        assertTrue(e.getMessage().contains("<root>/<name>/<version>/"), e.getMessage());
    }

    private static ModelDescriptor withVersion(final ModelDescriptor d, final int version)
    {
        return new ModelDescriptor(d.name(), version, d.topic(), d.inputName(), d.outputName(), d.outputCount(), d.scoreColumn(),
            d.scoreLabel(), d.features(), d.threshold(), d.training(), d.evaluation(), d.createdAt(), d.onnxSha256());
    }

    private static void copy(final Path from, final Path to)
    {
        assertEquals(to, from, "alteredCopy writes <parent>/1");
    }

    private static void rename(final Path from, final Path to) throws Exception
    {
        Files.move(from, to);
    }
}
