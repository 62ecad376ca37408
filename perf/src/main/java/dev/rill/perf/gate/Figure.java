package dev.rill.perf.gate;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One figure the gate watches: the cost of a Rill benchmark (the numerator) divided by a weighted
 * sum of raw benchmarks measured in the same run (the denominator), so machine speed cancels out.
 * Every figure is a cost ratio: higher is worse. {@code quick} figures run in the default suite,
 * the others only with {@code --long}. Immutable.
 */
public record Figure(String name, String meaning, boolean quick, BenchmarkRef numerator, List<BenchmarkRef> denominator)
{
    /** Checks that the figure names both sides. */
    public Figure
    {
        if (name == null || name.isBlank())
        {
            throw new GateException("a figure has no name: give every figure a 'name'");
        }
        if (numerator == null)
        {
            throw new GateException("figure " + name + ": no 'numerator': name the Rill benchmark it measures");
        }
        if (denominator == null || denominator.isEmpty())
        {
            throw new GateException("figure " + name + ": no 'denominator': name at least one raw benchmark");
        }
        denominator = List.copyOf(denominator);
        meaning = meaning == null ? "" : meaning;
    }

    /** @return every benchmark term of the figure, numerator first. */
    public List<BenchmarkRef> terms()
    {
        final List<BenchmarkRef> terms = new java.util.ArrayList<>();
        terms.add(numerator);
        terms.addAll(denominator);
        return terms;
    }

    /**
     * @return the formula, e.g. {@code PipelineBenchmark.pipeline{...} / (DisruptorHopBenchmark.bareHop{...} + 2×...)};
     *     a baseline keeps it, so a changed definition is not compared with an old ratio.
     */
    public String definition()
    {
        final String sum = denominator.stream().map(BenchmarkRef::term).collect(Collectors.joining(" + "));
        return numerator.term() + " / " + (denominator.size() == 1 && denominator.get(0).weight() == 1.0 ? sum : "(" + sum + ")");
    }
}
