package dev.rill.perf.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest
{
    private final GateSuite suite = GateFixtures.sampleSuite();
    private final Figure encode = GateFixtures.figure(suite, "codec.encodeEvent");
    private final Figure append = GateFixtures.figure(suite, "journal.appendEvent");

    @Test
    void medianOfOddAndEvenCounts()
    {
        assertEquals(1.1, Baseline.median(List.of(1.3, 1.0, 1.1)));
        assertEquals(1.15, Baseline.median(List.of(1.3, 1.0, 1.2, 1.1)), 1e-12);
        assertEquals(2.0, Baseline.median(List.of(2.0)));
    }

    @Test
    void recordKeepsTheMedianAndWidensTheBandToTheObservedSpread()
    {
        final List<List<FigureRatio>> runs = List.of(
            List.of(ratio(encode, 1.00), ratio(append, 2.00)),
            List.of(ratio(encode, 1.30), ratio(append, 2.02)),
            List.of(ratio(encode, 1.10), ratio(append, 1.98)));

        final Baseline b = Baseline.record(List.of(encode, append), runs, 10, "suite.yaml", "quick", "1 fork",
            Map.of("host", "h"), Instant.parse("2026-11-26T01:00:00.123Z"));

        final Baseline.Entry e = b.figures().get("codec.encodeEvent");
        assertEquals(1.10, e.ratio(), 1e-12);
        assertEquals(0.30 / 1.10 * 100, e.spreadPct(), 1e-9);
        assertEquals(28, e.bandPct(), "27.3 % spread, rounded up");
        assertEquals(List.of(1.00, 1.30, 1.10), e.runRatios());
        assertEquals(encode.definition(), e.definition());
        final Baseline.Entry a = b.figures().get("journal.appendEvent");
        assertEquals(2.00, a.ratio(), 1e-12);
        assertEquals(10, a.bandPct(), "2 % spread: the default band");
        assertEquals("2026-11-26T01:00:00Z", b.recordedAt());
        assertEquals(3, b.runs());
    }

    @Test
    void bandRoundsUpButNotAWholeNumber()
    {
        assertEquals(10, Baseline.band(10, 9.99));
        assertEquals(12, Baseline.band(10, 12.0));
        assertEquals(13, Baseline.band(10, 12.01));
        assertEquals(5, Baseline.band(5, 0));
    }

    @Test
    void aRunWithoutAScoreCannotBeRecorded()
    {
        final List<List<FigureRatio>> runs = List.of(List.of(ratio(encode, 1.0)),
            List.of(new FigureRatio(encode, Double.NaN, 8.0, "no score for CodecBenchmark.encodeEvent")));

        final GateException e = assertThrows(GateException.class, () ->
            Baseline.record(List.of(encode), runs, 10, "s", "quick", "o", Map.of(), Instant.EPOCH));
        assertTrue(e.getMessage().startsWith("figure codec.encodeEvent: no score for CodecBenchmark.encodeEvent"), e.getMessage());
    }

    @Test
    void writtenBaselineReadsBack(@TempDir final Path dir) throws IOException
    {
        final Baseline b = Baseline.record(List.of(encode), List.of(List.of(ratio(encode, 1.5)), List.of(ratio(encode, 1.6))),
            10, "suite.yaml", "quick", "1 fork", Baseline.thisMachine(), Instant.EPOCH);
        final Path file = dir.resolve("x/suite.baseline.json");

        b.write(file);

        assertEquals(b, Baseline.read(file));
    }

    @Test
    void missingBaselineSaysHowToRecordOne(@TempDir final Path dir)
    {
        final GateException e = assertThrows(GateException.class, () -> Baseline.read(dir.resolve("none.json")));
        assertTrue(e.getMessage().contains("perf/gate.sh --record"), e.getMessage());
    }

    private static FigureRatio ratio(final Figure f, final double ratio)
    {
        return new FigureRatio(f, ratio * 8.0, 8.0, null);
    }
}
