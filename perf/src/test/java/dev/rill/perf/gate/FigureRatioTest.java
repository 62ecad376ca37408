package dev.rill.perf.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FigureRatioTest
{
    @Test
    void pipelineRatioConvertsThroughputAndMicrosecondsAndWeighsTheDenominator()
    {
        final FigureRatio r = FigureRatio.of(GateFixtures.figure(GateFixtures.sampleSuite(), "pipeline.fused"), GateFixtures.sampleScores());

        assertTrue(r.present());
        assertEquals(250.0, r.numeratorNs(), 1e-9, "4,000,000 ops/s = 250 ns per event");
        assertEquals(50.0 + 2 * 60.0 + 5120.0 / 128, r.denominatorNs(), 1e-9, "hop (PARKING, not BLOCKING) + 2 appends + 5.12 us / 128");
        assertEquals(250.0 / 210.0, r.ratio(), 1e-12);
    }

    @Test
    void singleTermRatios()
    {
        final List<FigureRatio> ratios = FigureRatio.compute(GateFixtures.sampleSuite().figures(false), GateFixtures.sampleScores());

        assertEquals(List.of("pipeline.fused", "journal.appendEvent", "codec.encodeEvent"),
            ratios.stream().map(r -> r.figure().name()).toList());
        assertEquals(1.5, ratios.get(1).ratio(), 1e-12);
        assertEquals(1.5, ratios.get(2).ratio(), 1e-12);
    }

    @Test
    void aFigureWithoutAScoreIsMissingAndNamesTheBenchmark()
    {
        final FigureRatio r = FigureRatio.of(GateFixtures.figure(GateFixtures.sampleSuite(), "codec.decodeEvent"), GateFixtures.sampleScores());

        assertFalse(r.present());
        assertTrue(Double.isNaN(r.ratio()));
        assertEquals("no score for CodecBenchmark.decodeEvent", r.missing());
    }

    @Test
    void aReferenceMatchingSeveralResultsIsRefused()
    {
        final BenchmarkRef anyWait = new BenchmarkRef("DisruptorHopBenchmark.bareHop", Map.of(), 1);

        final GateException e = assertThrows(GateException.class, () -> GateFixtures.sampleScores().nanosPerOp(anyWait));
        assertTrue(e.getMessage().contains("matches 2 results"), e.getMessage());
    }

    @Test
    void unitsConvertToNanosecondsPerOperation()
    {
        assertEquals(12.5, JmhScores.toNanosPerOp("b", 12.5, "ns/op"));
        assertEquals(2500.0, JmhScores.toNanosPerOp("b", 2.5, "us/op"), 1e-9);
        assertEquals(3e6, JmhScores.toNanosPerOp("b", 3, "ms/op"), 1e-6);
        assertEquals(2e9, JmhScores.toNanosPerOp("b", 2, "s/op"), 1e-3);
        assertEquals(250.0, JmhScores.toNanosPerOp("b", 4e6, "ops/s"), 1e-9);
        assertEquals(500.0, JmhScores.toNanosPerOp("b", 2000, "ops/ms"), 1e-9);
        assertEquals(4.0, JmhScores.toNanosPerOp("b", 0.25, "ops/ns"), 1e-12);
        final GateException e = assertThrows(GateException.class, () -> JmhScores.toNanosPerOp("b", 1, "B/op"));
        assertTrue(e.getMessage().contains("'B/op'"), e.getMessage());
    }
}
