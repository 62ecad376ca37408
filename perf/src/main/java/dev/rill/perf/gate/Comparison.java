package dev.rill.perf.gate;

import java.util.ArrayList;
import java.util.List;

/**
 * The gate's answer for one run: a row per figure (baseline ratio, ratio now, change, band, verdict)
 * and the exit code that follows. Built by the main thread; immutable.
 */
public record Comparison(List<Row> rows)
{
    /** Exit code: no regression. */
    public static final int PASS = 0;
    /** Exit code: at least one figure beyond its band. */
    public static final int REGRESSED = 1;
    /** Exit code: usage or setup error, or a figure without a score now. */
    public static final int SETUP_ERROR = 2;

    /**
     * One figure's line.
     *
     * @param changePct (now / baseline − 1) in %, rounded to 0.01; NaN when missing.
     * @param note why a figure is MISSING, else empty.
     */
    public record Row(FigureRatio now, double baseline, double changePct, int bandPct, Verdict verdict, String note)
    {
        /** @return the figure's name. */
        public String name()
        {
            return now.figure().name();
        }
    }

    /**
     * Compares each figure measured now with its baseline.
     *
     * @param bandOverridePct a band (%) given on the command line, used instead of the recorded default
     *     (a figure's recorded spread still widens it); null to use each figure's recorded band.
     */
    public static Comparison of(final List<FigureRatio> now, final Baseline baseline, final Integer bandOverridePct)
    {
        final List<Row> rows = new ArrayList<>();
        for (final FigureRatio r : now)
        {
            final Baseline.Entry base = baseline.figures() == null ? null : baseline.figures().get(r.figure().name());
            if (base == null)
            {
                rows.add(new Row(r, Double.NaN, Double.NaN, bandOverridePct == null ? baseline.defaultBandPct() : bandOverridePct,
                    Verdict.MISSING, "not in the baseline: record it with --record"));
                continue;
            }
            final int band = bandOverridePct == null ? base.bandPct() : Baseline.band(bandOverridePct, base.spreadPct());
            if (!r.figure().definition().equals(base.definition()))
            {
                rows.add(new Row(r, base.ratio(), Double.NaN, band, Verdict.MISSING,
                    "definition changed since the baseline was recorded: record again"));
                continue;
            }
            if (!r.present())
            {
                rows.add(new Row(r, base.ratio(), Double.NaN, band, Verdict.MISSING, r.missing() + " (see the JMH log)"));
                continue;
            }
            final double change = Math.round((r.ratio() / base.ratio() - 1) * 10_000) / 100.0;
            rows.add(new Row(r, base.ratio(), change, band, Verdict.of(change, band), ""));
        }
        return new Comparison(List.copyOf(rows));
    }

    /**
     * @return 1 when any figure regressed; else 2 when a figure has no score now (a benchmark failed,
     *     which could hide a regression); else 0. A figure without a baseline fails nothing.
     */
    public int exitCode()
    {
        if (rows.stream().anyMatch(r -> r.verdict() == Verdict.REGRESSION))
        {
            return REGRESSED;
        }
        return rows.stream().anyMatch(r -> !r.now().present()) ? SETUP_ERROR : PASS;
    }

    /** @return PASS, REGRESSION or INCOMPLETE, after {@link #exitCode()}. */
    public String result()
    {
        return switch (exitCode())
        {
            case PASS -> "PASS";
            case REGRESSED -> "REGRESSION";
            default -> "INCOMPLETE";
        };
    }
}
