package dev.rill.perf.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The primary scores of a JMH JSON result file ({@code -rf json}), each converted to nanoseconds per
 * operation whatever the benchmark's mode and unit: {@code us/op} × 1000, {@code ops/s} → 1e9 / score.
 * Built once per run by the gate's main thread; immutable.
 */
public final class JmhScores
{
    /** One benchmark result: JMH name, its parameters, the score in ns/op. */
    public record Score(String benchmark, Map<String, String> params, double nanosPerOp)
    {
    }

    private final List<Score> scores;

    /** @param scores the results, as read. */
    public JmhScores(final List<Score> scores)
    {
        this.scores = List.copyOf(scores);
    }

    /**
     * Reads a JMH JSON result file.
     *
     * @throws GateException when the file is missing or not a JMH JSON result.
     */
    public static JmhScores read(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new GateException("no JMH result file " + file);
        }
        try
        {
            final JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isArray())
            {
                throw new GateException("JMH result " + file + " is not a JSON array of results (write it with -rf json)");
            }
            final List<Score> scores = new ArrayList<>();
            for (final JsonNode result : root)
            {
                final Map<String, String> params = new TreeMap<>();
                final Iterator<Map.Entry<String, JsonNode>> it = result.path("params").fields();
                while (it.hasNext())
                {
                    final Map.Entry<String, JsonNode> e = it.next();
                    params.put(e.getKey(), e.getValue().asText());
                }
                final JsonNode primary = result.path("primaryMetric");
                final String benchmark = result.path("benchmark").asText();
                scores.add(new Score(benchmark, params,
                    toNanosPerOp(benchmark, primary.path("score").asDouble(Double.NaN), primary.path("scoreUnit").asText())));
            }
            return new JmhScores(scores);
        }
        catch (final IOException e)
        {
            throw new GateException("cannot read JMH result " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return every score read, in file order. */
    public List<Score> all()
    {
        return scores;
    }

    /**
     * @return the score of the benchmark with exactly these parameters (the reference must name
     *     every parameter the benchmark has), or NaN when the run has none.
     * @throws GateException when several results match (a parameter left unnamed).
     */
    public double nanosPerOp(final BenchmarkRef ref)
    {
        double found = Double.NaN;
        int matches = 0;
        for (final Score s : scores)
        {
            if (s.benchmark().equals(ref.id()) && s.params().entrySet().containsAll(ref.params().entrySet()))
            {
                found = s.nanosPerOp();
                matches++;
            }
        }
        if (matches > 1)
        {
            throw new GateException(ref.label() + " matches " + matches + " results: name every parameter of the benchmark in the suite");
        }
        return found;
    }

    /**
     * Converts a JMH score to ns per operation.
     *
     * @param unit JMH's {@code scoreUnit}: {@code ns/op, us/op, ms/op, s/op} (time per op, also
     *     sample and single-shot modes) or {@code ops/ns, ops/us, ops/ms, ops/s, ops/min} (throughput).
     * @throws GateException for a unit it does not know.
     */
    public static double toNanosPerOp(final String benchmark, final double score, final String unit)
    {
        final int slash = unit.indexOf('/');
        if (slash > 0 && unit.endsWith("/op"))
        {
            return score * nanosOf(benchmark, unit, unit.substring(0, slash));
        }
        if (unit.startsWith("ops/"))
        {
            return nanosOf(benchmark, unit, unit.substring(4)) / score;
        }
        throw new GateException(benchmark + ": score unit '" + unit + "' is neither time/op nor ops/time: the gate cannot compare it");
    }

    private static double nanosOf(final String benchmark, final String unit, final String time)
    {
        return switch (time)
        {
            case "ns" -> 1.0;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> throw new GateException(benchmark + ": score unit '" + unit + "': unknown time unit '" + time + "'");
        };
    }
}
