package dev.rill.perf.gate;

import java.util.ArrayList;
import java.util.List;

/**
 * One figure measured in one run: numerator and denominator in ns per operation and their ratio;
 * NaN, with the missing benchmarks named, when the run has no score for one of its terms. Immutable.
 */
public record FigureRatio(Figure figure, double numeratorNs, double denominatorNs, String missing)
{
    /** @return numerator ÷ denominator, or NaN when a term is missing. */
    public double ratio()
    {
        return missing == null ? numeratorNs / denominatorNs : Double.NaN;
    }

    /** @return whether every term had a score. */
    public boolean present()
    {
        return missing == null;
    }

    /** Computes every figure from one run's scores. */
    public static List<FigureRatio> compute(final List<Figure> figures, final JmhScores scores)
    {
        final List<FigureRatio> ratios = new ArrayList<>(figures.size());
        for (final Figure f : figures)
        {
            ratios.add(of(f, scores));
        }
        return ratios;
    }

    /** Computes one figure: numerator ns/op ÷ Σ weight × denominator ns/op. */
    public static FigureRatio of(final Figure figure, final JmhScores scores)
    {
        final List<String> missing = new ArrayList<>();
        final double numerator = scores.nanosPerOp(figure.numerator());
        if (Double.isNaN(numerator))
        {
            missing.add(figure.numerator().label());
        }
        double denominator = 0;
        for (final BenchmarkRef term : figure.denominator())
        {
            final double ns = scores.nanosPerOp(term);
            if (Double.isNaN(ns))
            {
                missing.add(term.label());
            }
            denominator += term.weight() * ns;
        }
        return new FigureRatio(figure, numerator, denominator, missing.isEmpty() ? null : "no score for " + String.join(", ", missing));
    }
}
