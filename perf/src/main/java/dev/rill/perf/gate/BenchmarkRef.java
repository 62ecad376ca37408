package dev.rill.perf.gate;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One term of a figure: a JMH benchmark method with fixed parameters, and its weight in a sum
 * ({@code 2}, {@code 0.5} or {@code 1/128}; 1 when absent). The benchmark is named
 * {@code Class.method}, in package {@value #DEFAULT_PACKAGE} unless given with its package.
 * Immutable.
 */
public record BenchmarkRef(String benchmark, Map<String, String> params, double weight)
{
    /** The package of a benchmark named without one. */
    public static final String DEFAULT_PACKAGE = "dev.rill.perf.jmh";

    /** Normalises: params sorted (never null), weight must be positive. */
    public BenchmarkRef
    {
        if (benchmark == null || benchmark.isBlank() || !benchmark.contains("."))
        {
            throw new GateException("benchmark '" + benchmark + "': name it Class.method (e.g. CodecBenchmark.encodeEvent)");
        }
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(params));
        if (!(weight > 0) || Double.isInfinite(weight))
        {
            throw new GateException("benchmark " + benchmark + ": weight must be a positive number, was " + weight);
        }
    }

    /** Jackson: {@code weight} as a number or a fraction string such as {@code 1/128}. */
    @JsonCreator
    static BenchmarkRef of(
        @JsonProperty("benchmark") final String benchmark,
        @JsonProperty("params") final Map<String, String> params,
        @JsonProperty("weight") final String weight)
    {
        return new BenchmarkRef(benchmark, params, parseWeight(benchmark, weight));
    }

    /** @return the JMH benchmark name: package, class, method. */
    public String id()
    {
        return benchmark.indexOf('.') == benchmark.lastIndexOf('.') ? DEFAULT_PACKAGE + "." + benchmark : benchmark;
    }

    /** @return the class part of {@link #id()}. */
    public String className()
    {
        final String id = id();
        return id.substring(0, id.lastIndexOf('.'));
    }

    /** @return the method part of {@link #id()}. */
    public String method()
    {
        final String id = id();
        return id.substring(id.lastIndexOf('.') + 1);
    }

    /** @return e.g. {@code OnnxRunBenchmark.bareRun{batch=128}}: the term without its weight. */
    public String label()
    {
        final String shortName = benchmark.startsWith(DEFAULT_PACKAGE + ".") ?
            benchmark.substring(DEFAULT_PACKAGE.length() + 1) : benchmark;
        return params.isEmpty() ? shortName : shortName + new TreeMap<>(params);
    }

    /** @return the term as written in a formula: {@code 2 × label}, or the label for weight 1. */
    public String term()
    {
        if (weight == 1.0)
        {
            return label();
        }
        final double inverse = 1.0 / weight;
        final String w = inverse == Math.rint(inverse) && inverse > 1 ? "1/" + (long)inverse :
            weight == Math.rint(weight) ? Long.toString((long)weight) : Double.toString(weight);
        return w + "×" + label();
    }

    static double parseWeight(final String benchmark, final String weight)
    {
        if (weight == null || weight.isBlank())
        {
            return 1.0;
        }
        try
        {
            final int slash = weight.indexOf('/');
            return slash < 0 ? Double.parseDouble(weight.trim()) :
                Double.parseDouble(weight.substring(0, slash).trim()) / Double.parseDouble(weight.substring(slash + 1).trim());
        }
        catch (final NumberFormatException e)
        {
            throw new GateException("benchmark " + benchmark + ": weight '" + weight + "' is not a number or a fraction like 1/128", e);
        }
    }
}
