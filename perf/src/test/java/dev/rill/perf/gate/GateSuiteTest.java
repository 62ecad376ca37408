package dev.rill.perf.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateSuiteTest
{
    /** The committed suite, from the perf module's directory (where surefire runs). */
    private static final Path COMMITTED = Path.of("gate/suite.yaml");

    @Test
    void committedSuiteParsesAndEveryFigureNamesJmhBenchmarks()
    {
        final GateSuite suite = GateSuite.load(COMMITTED);

        assertFalse(suite.figures(false).isEmpty(), "a quick suite");
        assertTrue(suite.figures(true).size() > suite.figures(false).size(), "--long adds figures");
        for (final Figure f : suite.figures())
        {
            assertFalse(f.meaning().isBlank(), f.name() + " says what it means");
            for (final BenchmarkRef ref : f.terms())
            {
                assertTrue(ref.id().matches("dev\\.rill\\.perf\\.jmh\\.[A-Z]\\w*Benchmark\\.[a-z]\\w*"), f.name() + ": " + ref.id());
            }
        }
        final Figure pipeline = GateFixtures.figure(suite, "pipeline.fused");
        assertEquals("PipelineBenchmark.pipeline{threading=FUSED, waitStrategy=PARKING} / (DisruptorHopBenchmark.bareHop{waitStrategy=PARKING}" +
            " + 2×ChronicleAppendBenchmark.bareAppend{durability=page-cache, record=event} + 1/128×OnnxRunBenchmark.bareRun{batch=128})", pipeline.definition());
        assertTrue(suite.options(false).forks() <= suite.options(true).forks(), "quick is not longer than long");
    }

    @Test
    void committedSuiteNamesBenchmarksAndParametersOfThisBuild()
    {
        final BenchmarkCatalog catalog = BenchmarkCatalog.fromClassPath();
        final GateSuite suite = GateSuite.load(COMMITTED);
        final Set<String> classes = suite.figures().stream().flatMap(f -> f.terms().stream())
            .map(BenchmarkRef::className).collect(Collectors.toSet());
        // Until the issue-8 raw baselines (CodecBenchmark, DisruptorHopBenchmark, ...) are in this build
        // the suite cannot be checked against it; from then on every name and parameter is.
        assumeTrue(classes.stream().allMatch(catalog::hasClass), "benchmark classes of the suite not all in this build yet");

        catalog.check(suite.figures());
    }

    @Test
    void weightsAreNumbersOrFractions()
    {
        assertEquals(1.0, BenchmarkRef.parseWeight("X.y", null));
        assertEquals(2.0, BenchmarkRef.parseWeight("X.y", "2"));
        assertEquals(1.0 / 128, BenchmarkRef.parseWeight("X.y", "1/128"));
        assertEquals(1.5, BenchmarkRef.parseWeight("X.y", "3/2"));
        final GateException e = assertThrows(GateException.class, () -> BenchmarkRef.parseWeight("X.y", "two"));
        assertTrue(e.getMessage().contains("'two'"), e.getMessage());
    }

    @Test
    void duplicateFigureNamesAreRefusedWithTheName(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("suite.yaml");
        Files.writeString(file, """
            options:
              quick: {forks: 1, warmupIterations: 1, warmupSeconds: 1, iterations: 1, seconds: 1}
              long: {forks: 1, warmupIterations: 1, warmupSeconds: 1, iterations: 1, seconds: 1}
            figures:
              - {name: a, quick: true, numerator: {benchmark: A.x}, denominator: [{benchmark: A.y}]}
              - {name: a, quick: true, numerator: {benchmark: A.x}, denominator: [{benchmark: A.z}]}
            """);

        final GateException e = assertThrows(GateException.class, () -> GateSuite.load(file));
        assertTrue(e.getMessage().contains("figure a is defined twice"), e.getMessage());
    }

    @Test
    void figureWithoutDenominatorIsRefused(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("suite.yaml");
        Files.writeString(file, """
            options:
              quick: {forks: 1, warmupIterations: 1, warmupSeconds: 1, iterations: 1, seconds: 1}
              long: {forks: 1, warmupIterations: 1, warmupSeconds: 1, iterations: 1, seconds: 1}
            figures:
              - {name: lonely, quick: true, numerator: {benchmark: A.x}}
            """);

        final GateException e = assertThrows(GateException.class, () -> GateSuite.load(file));
        assertTrue(e.getMessage().contains("figure lonely: no 'denominator'"), e.getMessage());
    }

    @Test
    void missingSuiteFileSaysWhatToDo(@TempDir final Path dir)
    {
        final GateException e = assertThrows(GateException.class, () -> GateSuite.load(dir.resolve("none.yaml")));
        assertTrue(e.getMessage().contains("--suite"), e.getMessage());
    }

    @Test
    void benchmarkNotInTheJarIsAClearErrorNamingFigureAndBenchmark()
    {
        final BenchmarkCatalog catalog = new BenchmarkCatalog(Map.of(
            "dev.rill.perf.jmh.CodecBenchmark.copyEvent", Map.of(),
            "dev.rill.perf.jmh.CodecBenchmark.decodeEvent", Map.of()));
        final Figure encode = GateFixtures.figure(GateFixtures.sampleSuite(), "codec.encodeEvent");

        final GateException e = assertThrows(GateException.class, () -> catalog.check(List.of(encode)));
        assertEquals("figure codec.encodeEvent: benchmark CodecBenchmark.encodeEvent not found in the jar " +
            "(dev.rill.perf.jmh.CodecBenchmark has [copyEvent, decodeEvent]); rebuild with mvn -B -q -DskipTests package or fix the suite",
            e.getMessage());
    }

    @Test
    void aParameterWithSeveralValuesMustBeNamed()
    {
        final BenchmarkCatalog catalog = new BenchmarkCatalog(Map.of(
            "dev.rill.perf.jmh.ChronicleAppendBenchmark.journalAppend",
            Map.of("record", List.of("event", "150"), "durability", List.of("page-cache", "sync")),
            "dev.rill.perf.jmh.ChronicleAppendBenchmark.bareAppend",
            Map.of("record", List.of("event", "150"), "durability", List.of("page-cache", "sync"))));
        final Figure append = GateFixtures.figure(GateFixtures.sampleSuite(), "journal.appendEvent");

        final GateException e = assertThrows(GateException.class, () -> catalog.check(List.of(append)));
        assertTrue(e.getMessage().contains("ChronicleAppendBenchmark.bareAppend has parameter 'durability' [page-cache, sync]"),
            e.getMessage());
    }

    @Test
    void anUnknownParameterIsRefused()
    {
        final BenchmarkCatalog catalog = new BenchmarkCatalog(Map.of(
            "dev.rill.perf.jmh.CodecBenchmark.copyEvent", Map.of(),
            "dev.rill.perf.jmh.CodecBenchmark.encodeEvent", Map.of()));
        final Figure f = new Figure("f", "", true,
            new BenchmarkRef("CodecBenchmark.encodeEvent", Map.of("size", "64"), 1), List.of(new BenchmarkRef("CodecBenchmark.copyEvent", null, 1)));

        final GateException e = assertThrows(GateException.class, () -> catalog.check(List.of(f)));
        assertTrue(e.getMessage().contains("has no parameter 'size'"), e.getMessage());
    }

    @Test
    void eachBenchmarkAndParameterCombinationRunsOnce()
    {
        final List<SuiteRunner.Group> groups = SuiteRunner.groups(GateFixtures.sampleSuite().figures(false));

        assertEquals(List.of(
            "PipelineBenchmark.pipeline {threading=FUSED, waitStrategy=PARKING}",
            "DisruptorHopBenchmark.bareHop {waitStrategy=PARKING}",
            "ChronicleAppendBenchmark.bareAppend {record=event}",
            "OnnxRunBenchmark.bareRun {batch=128}",
            "ChronicleAppendBenchmark.journalAppend {durability=page-cache, record=event}",
            "CodecBenchmark.{encodeEvent,copyEvent}"), groups.stream().map(SuiteRunner.Group::describe).toList());
    }
}
