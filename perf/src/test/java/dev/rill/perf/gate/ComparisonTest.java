package dev.rill.perf.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ComparisonTest
{
    private final Figure figure = GateFixtures.figure(GateFixtures.sampleSuite(), "codec.encodeEvent");

    @Test
    void verdictsAtTheBandEdges()
    {
        assertEquals(Verdict.OK, Verdict.of(10.00, 10), "exactly at the band is OK");
        assertEquals(Verdict.REGRESSION, Verdict.of(10.01, 10));
        assertEquals(Verdict.OK, Verdict.of(-10.00, 10));
        assertEquals(Verdict.FASTER, Verdict.of(-10.01, 10));
        assertEquals(Verdict.OK, Verdict.of(0, 0));
        assertEquals(Verdict.REGRESSION, Verdict.of(0.01, 0));
    }

    @Test
    void aRatioExactlyTenPercentUpIsOkDespiteFloatingPoint()
    {
        final Comparison c = compare(2.0, 2.2, 10);

        assertEquals(10.0, c.rows().get(0).changePct());
        assertEquals(Verdict.OK, c.rows().get(0).verdict());
        assertEquals(Comparison.PASS, c.exitCode());
    }

    @Test
    void aRatioBeyondTheBandIsARegressionAndExitsOne()
    {
        final Comparison c = compare(2.0, 2.21, 10);

        assertEquals(10.5, c.rows().get(0).changePct());
        assertEquals(Verdict.REGRESSION, c.rows().get(0).verdict());
        assertEquals(Comparison.REGRESSED, c.exitCode());
        assertEquals("REGRESSION", c.result());
    }

    @Test
    void aMuchCheaperRatioSaysFasterAndPasses()
    {
        final Comparison c = compare(2.0, 1.5, 10);

        assertEquals(Verdict.FASTER, c.rows().get(0).verdict());
        assertEquals(Comparison.PASS, c.exitCode());
        assertTrue(GateTable.text(c).contains("FASTER (consider re-recording)"), GateTable.text(c));
    }

    @Test
    void theRecordedBandApplies()
    {
        assertEquals(Verdict.OK, compare(2.0, 2.5, 25).rows().get(0).verdict());
    }

    @Test
    void aBandOverrideReplacesTheDefaultButNotTheRecordedSpread()
    {
        final Baseline baseline = baseline(Map.of(figure.name(), entry(2.0, 7.2, 10)));
        final FigureRatio now = new FigureRatio(figure, 2.12, 1.0, null);

        final Comparison tight = Comparison.of(List.of(now), baseline, 5);
        assertEquals(8, tight.rows().get(0).bandPct(), "5 % asked, 7.2 % spread recorded");
        assertEquals(Verdict.OK, tight.rows().get(0).verdict());
        assertEquals(Verdict.REGRESSION, Comparison.of(List.of(new FigureRatio(figure, 2.17, 1.0, null)), baseline, 5).rows().get(0).verdict());
    }

    @Test
    void aFigureWithoutBaselineIsMissingAndFailsNothing()
    {
        final Comparison c = Comparison.of(List.of(new FigureRatio(figure, 3.0, 1.0, null)), baseline(Map.of()), null);

        assertEquals(Verdict.MISSING, c.rows().get(0).verdict());
        assertTrue(c.rows().get(0).note().contains("--record"));
        assertEquals(Comparison.PASS, c.exitCode());
    }

    @Test
    void aFigureWithoutAScoreNowIsMissingAndExitsTwo()
    {
        final Comparison c = Comparison.of(List.of(new FigureRatio(figure, Double.NaN, 1.0, "no score for CodecBenchmark.encodeEvent")),
            baseline(Map.of(figure.name(), entry(2.0, 1, 10))), null);

        assertEquals(Verdict.MISSING, c.rows().get(0).verdict());
        assertEquals(Comparison.SETUP_ERROR, c.exitCode());
        assertTrue(GateTable.text(c).contains("no score for CodecBenchmark.encodeEvent"), GateTable.text(c));
    }

    @Test
    void aChangedDefinitionIsNotComparedWithTheOldRatio()
    {
        final Map<String, Baseline.Entry> figures = new LinkedHashMap<>();
        figures.put(figure.name(), new Baseline.Entry("CodecBenchmark.encodeEvent / CodecBenchmark.oldCopy", 2.0, 1, 10,
            List.of(2.0), List.of(2.0), List.of(1.0)));

        final Comparison c = Comparison.of(List.of(new FigureRatio(figure, 9.0, 1.0, null)), baseline(figures), null);

        assertEquals(Verdict.MISSING, c.rows().get(0).verdict());
        assertTrue(c.rows().get(0).note().contains("definition changed"));
    }

    @Test
    void tablesShowEveryColumn()
    {
        final Comparison c = compare(2.0, 2.21, 10);

        final String text = GateTable.text(c);
        assertTrue(text.startsWith("figure"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("codec\\.encodeEvent +2\\.000 +2\\.210 +\\+10\\.5 % +±10 % +REGRESSION")), text);
        final String md = GateTable.markdown(c);
        assertTrue(md.contains("| codec.encodeEvent | 2.000 | 2.210 | +10.5 % | ±10 % | REGRESSION |"), md);
    }

    private Comparison compare(final double baselineRatio, final double nowRatio, final int bandPct)
    {
        return Comparison.of(List.of(new FigureRatio(figure, nowRatio, 1.0, null)),
            baseline(Map.of(figure.name(), entry(baselineRatio, 1.0, bandPct))), null);
    }

    private Baseline.Entry entry(final double ratio, final double spreadPct, final int bandPct)
    {
        return new Baseline.Entry(figure.definition(), ratio, spreadPct, bandPct, List.of(ratio), List.of(ratio), List.of(1.0));
    }

    private static Baseline baseline(final Map<String, Baseline.Entry> figures)
    {
        return new Baseline("suite.yaml", "quick", "1 fork", Instant.EPOCH.toString(), Map.of(), 1, 10, figures);
    }
}
