package dev.rill.perf.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's command line on a given JMH result ({@code --jmh-json}): exit codes and the files it writes, no benchmark run. */
class RegressionGateTest
{
    private final GateSuite suite = GateFixtures.sampleSuite();
    private final Path suiteFile = GateFixtures.resource("suite-sample.yaml");
    private final Path jmh = GateFixtures.resource("jmh-sample.json");

    @Test
    void sameRatiosAsTheBaselinePassAndWriteTheTablesAndVerdict(@TempDir final Path dir) throws IOException
    {
        final Path baseline = writeBaseline(dir, 1.0);

        assertEquals(0, gate(dir, baseline));

        final JsonNode verdict = new ObjectMapper().readTree(dir.resolve("out/verdict.json").toFile());
        assertEquals("PASS", verdict.get("result").asText());
        assertEquals(3, verdict.get("figures").size());
        assertEquals("OK", verdict.get("figures").get(0).get("verdict").asText());
        assertEquals(250.0, verdict.get("figures").get(0).get("numeratorNs").asDouble(), 1e-9);
        assertTrue(Files.readString(dir.resolve("out/table.txt")).contains("pipeline.fused"));
        assertTrue(Files.readString(dir.resolve("out/table.md")).startsWith("| figure | baseline | now | change | band | verdict |"));
    }

    @Test
    void aRatioTwentyPercentAboveTheBaselineExitsOne(@TempDir final Path dir) throws IOException
    {
        final Path baseline = writeBaseline(dir, 1 / 1.2);

        assertEquals(1, gate(dir, baseline));

        final String table = Files.readString(dir.resolve("out/table.txt"));
        assertTrue(table.contains("+20.0 %"), table);
        assertTrue(table.contains("REGRESSION"), table);
    }

    @Test
    void aWiderBandOnTheCommandLineLetsItPass(@TempDir final Path dir) throws IOException
    {
        final Path baseline = writeBaseline(dir, 1 / 1.2);

        assertEquals(0, gate(dir, baseline, "--band", "25"));
    }

    @Test
    void missingBaselineExitsTwo(@TempDir final Path dir)
    {
        assertEquals(2, gate(dir, dir.resolve("none.json")));
    }

    @Test
    void usageErrorsExitTwo(@TempDir final Path dir)
    {
        assertEquals(2, RegressionGate.run("--no-such-option"));
        assertEquals(2, RegressionGate.run("--record", "--runs", "0", "--suite", suiteFile.toString(), "--out", dir.toString()));
        assertEquals(2, RegressionGate.run("--suite", dir.resolve("none.yaml").toString(), "--out", dir.toString()));
    }

    /** Writes a baseline of the sample's quick figures at their ratios in jmh-sample.json times {@code factor}. */
    private Path writeBaseline(final Path dir, final double factor) throws IOException
    {
        final Map<String, Baseline.Entry> entries = new LinkedHashMap<>();
        for (final FigureRatio r : FigureRatio.compute(suite.figures(false), GateFixtures.sampleScores()))
        {
            entries.put(r.figure().name(), new Baseline.Entry(r.figure().definition(), r.ratio() * factor, 2.0, 10,
                List.of(r.ratio() * factor), List.of(r.numeratorNs()), List.of(r.denominatorNs())));
        }
        final Path file = dir.resolve("baseline.json");
        new Baseline(suiteFile.toString(), "quick", "test", Instant.EPOCH.toString(), Map.of(), 1, 10, entries).write(file);
        return file;
    }

    private int gate(final Path dir, final Path baseline, final String... more)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("--suite", suiteFile.toString(), "--baseline", baseline.toString(),
            "--jmh-json", jmh.toString(), "--out", dir.resolve("out").toString()));
        args.addAll(List.of(more));
        return RegressionGate.run(args.toArray(String[]::new));
    }
}
