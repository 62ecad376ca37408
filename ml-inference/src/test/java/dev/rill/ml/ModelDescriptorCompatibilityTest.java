package dev.rill.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.ml.ModelDescriptor.Distribution;
import dev.rill.ml.ModelDescriptor.Distributions;
import dev.rill.ml.ModelDescriptor.TrainingData;
import dev.rill.ml.drift.DriftLevel;
import dev.rill.ml.drift.DriftMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDescriptorCompatibilityTest
{
    @TempDir
    Path temp;

    @Test
    void aModelJsonWrittenBeforeDistributionsAndJournalSourcesStillLoads() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), UnaryOperator.identity());
        final Path json = dir.resolve(ModelDescriptor.DESCRIPTOR_FILE);
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode tree = (ObjectNode)mapper.readTree(json.toFile());
        tree.remove("distributions");
        final ObjectNode training = (ObjectNode)tree.get("training");
        training.remove(List.of("source", "journal", "labels", "trainingRows", "unlabelled"));
        Files.writeString(json, mapper.writeValueAsString(tree));
        assertFalse(Files.readString(json).contains("distributions"));
        assertFalse(Files.readString(json).contains("source"));

        final ModelDescriptor loaded = ModelFiles.load(dir).descriptor();
        assertNull(loaded.distributions());
        assertNull(loaded.training().source());
        assertFalse(loaded.training().fromJournal(), "no source means generator-trained");
        assertEquals(150000, loaded.training().trainTo());
        try (OnnxScorer scorer = OnnxScorer.open(dir, 1))
        {
            assertEquals(1, scorer.modelVersion());
        }
    }

    @Test
    void journalProvenanceAndDistributionsSurviveAWriteAndARead() throws Exception
    {
        final ModelDescriptor committed = ModelFiles.load(TestModels.COMMITTED_FRAUD).descriptor();
        final TrainingData journal = new TrainingData(null, 9, 4294967296L, 4294968296L, 4294968296L, 4294968496L, "t",
            TrainingData.SOURCE_JOURNAL, "/data/in", "topic:payment_labels", 1000L, 7L);
        final ModelDescriptor written = new ModelDescriptor(committed.name(), 1, committed.topic(), committed.inputName(),
            committed.outputName(), committed.outputCount(), committed.scoreColumn(), committed.scoreLabel(),
            committed.features(), committed.threshold(), journal, committed.evaluation(), committed.createdAt(),
            committed.onnxSha256(), committed.distributions());
        final Path json = temp.resolve("model.json");
        written.write(json);

        final ModelDescriptor read = ModelDescriptor.read(json);
        assertEquals(written, read);
        assertTrue(read.training().fromJournal());
        assertFalse(Files.readString(json).contains("\"generator\""), "absent optional values are not written as null");
    }

    @Test
    void refusesDistributionsWhoseProportionsDoNotMatchTheirEdges() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), d -> d.withDistributions(
            new Distributions(10, List.of(new Distribution("amount_log", List.of(1.0, 2.0), List.of(0.5, 0.5))), null)));
        final ModelLoadException ex = assertThrows(ModelLoadException.class, () -> ModelFiles.load(dir));
        assertTrue(ex.getMessage().contains("'amount_log' has 2 edges, so 3 proportions, found 2"), ex.getMessage());
    }

    @Test
    void aDistributionOfAFeatureTheModelDoesNotHaveIsIgnoredByDriftMonitoring() throws Exception
    {
        final Path dir = TestModels.alteredCopy(temp, UnaryOperator.identity(), d -> d.withDistributions(
            new Distributions(10, List.of(new Distribution("colour", List.of(), List.of(1.0))), null)));
        final ModelDescriptor loaded = ModelFiles.load(dir).descriptor();
        final DriftMonitor monitor = new DriftMonitor(loaded);
        assertFalse(monitor.hasBaseline());
        assertTrue(monitor.report().features().stream().allMatch(e -> e.level() == DriftLevel.NO_BASELINE));
    }
}
