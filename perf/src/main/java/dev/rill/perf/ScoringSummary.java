package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns one JSON result of {@code ScoringStageBenchmark} ({@code -rf json}) into
 * {@code summary.md} beside it: per batch, ns per event of the bare {@code session.run}, of
 * feature extraction alone, of the stage and of the stage as served, the stage-over-bare ratios
 * (goal ≤ 1.2×), what the stage adds besides the run and the features, bytes allocated
 * per event when the run had {@code -prof gc}, and per-event cost at batch 64 over batch 1 (goal
 * ≤ 1/10). Every ratio is within the one run.
 *
 * <p>{@code java -cp perf/target/benchmarks.jar dev.rill.perf.ScoringSummary DIR/jmh.json}
 */
public final class ScoringSummary
{
    private static final String BENCHMARK = "ScoringStageBenchmark.";
    private static final String[] VARIANTS = {"bareRun", "stage", "stageAsServed"};
    private static final double STAGE_GOAL = 1.2;
    private static final double BATCH_GOAL = 0.1;

    /** One benchmark at one batch size: ns per event, its error, bytes per event (NaN without -prof gc). */
    record Figure(double nanos, double error, double bytes)
    {
    }

    private ScoringSummary()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 1)
        {
            System.err.println("usage: ScoringSummary JMH_JSON  (the -rff file of a ScoringStageBenchmark run)");
            System.exit(2);
        }
        final Path json = Path.of(args[0]);
        final String summary = summarise(read(json), json.getFileName().toString());
        final Path out = json.toAbsolutePath().getParent().resolve("summary.md");
        Files.writeString(out, summary, StandardCharsets.UTF_8);
        System.out.print(summary);
    }

    /** @return variant → batch → figure, from JMH's JSON result. */
    static Map<String, Map<Integer, Figure>> read(final Path json) throws IOException
    {
        final Map<String, Map<Integer, Figure>> figures = new TreeMap<>();
        for (final JsonNode result : new ObjectMapper().readTree(json.toFile()))
        {
            final String name = result.path("benchmark").asText();
            final int at = name.indexOf(BENCHMARK);
            if (at < 0)
            {
                continue;
            }
            final String variant = name.substring(at + BENCHMARK.length());
            final int batch = result.path("params").path("batch").asInt();
            final JsonNode primary = result.path("primaryMetric");
            if (!"ns/op".equals(primary.path("scoreUnit").asText()))
            {
                throw new IllegalArgumentException(json + ": " + name + " is in " + primary.path("scoreUnit").asText() +
                    "; run the benchmark in its default mode and unit (avgt, ns/op)");
            }
            double bytes = Double.NaN;
            final Iterator<Map.Entry<String, JsonNode>> secondary = result.path("secondaryMetrics").fields();
            while (secondary.hasNext())
            {
                final Map.Entry<String, JsonNode> metric = secondary.next();
                if (metric.getKey().endsWith("gc.alloc.rate.norm")) // JMH 1.37 names it with or without a leading '·'
                {
                    bytes = metric.getValue().path("score").asDouble();
                }
            }
            figures.computeIfAbsent(variant, v -> new TreeMap<>())
                .put(batch, new Figure(primary.path("score").asDouble(), primary.path("scoreError").asDouble(), bytes));
        }
        if (!figures.containsKey("bareRun") || !figures.containsKey("stage"))
        {
            throw new IllegalArgumentException(json + " holds no bareRun and stage results of ScoringStageBenchmark");
        }
        return figures;
    }

    static String summarise(final Map<String, Map<Integer, Figure>> f, final String source)
    {
        final Map<Integer, Figure> bare = f.get("bareRun");
        final Map<Integer, Figure> stage = f.get("stage");
        final Map<Integer, Figure> served = f.getOrDefault("stageAsServed", Map.of());
        final Map<Integer, Figure> features = f.getOrDefault("featuresOnly", Map.of());
        final StringBuilder sb = new StringBuilder();
        sb.append("# Scoring stage vs bare session.run (ScoringStageBenchmark, ").append(source).append(")\n\n");
        sb.append("ns per event (mean ± JMH's 99.9 % error), bytes allocated per event; every figure from this one run.\n" +
            "\"stage − bare − features\" is what the stage adds besides the run and feature extraction.\n\n");
        sb.append("| batch | bare session.run | features only | stage | stage / bare (goal ≤ 1.2×) | stage / (bare + features)" +
            " | stage − bare − features | stage as served | as served / bare | alloc B/event: bare / stage / as served |\n");
        sb.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (final Integer batch : bare.keySet())
        {
            final Figure b = bare.get(batch);
            final Figure x = features.get(batch);
            final Figure s = stage.get(batch);
            final Figure a = served.get(batch);
            final boolean split = x != null && s != null;
            final String withFeatures = split ? String.format(Locale.ROOT, "%.2f×", s.nanos() / (b.nanos() + x.nanos())) : "–";
            final String rest = split ? String.format(Locale.ROOT, "%,.1f", s.nanos() - b.nanos() - x.nanos()) : "–";
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s |%n", batch,
                nanos(b), nanos(x), nanos(s), ratio(s, b, STAGE_GOAL, true), withFeatures, rest, nanos(a),
                ratio(a, b, STAGE_GOAL, true), bytes(b), bytes(s), bytes(a)));
        }
        sb.append("\nPer-event cost at batch 64 over batch 1 (goal ≤ 1/10 = 0.10):\n\n");
        sb.append("| | batch 1 ns/event | batch 64 ns/event | 64 / 1 | batch 128 / 1 |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (final String variant : VARIANTS)
        {
            final Map<Integer, Figure> v = f.get(variant);
            if (v == null)
            {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", variant, nanos(v.get(1)), nanos(v.get(64)),
                ratio(v.get(64), v.get(1), BATCH_GOAL, false), ratio(v.get(128), v.get(1), Double.NaN, false)));
        }
        return sb.toString();
    }

    private static String nanos(final Figure f)
    {
        return f == null ? "–" : String.format(Locale.ROOT, "%,.1f ± %,.1f", f.nanos(), f.error());
    }

    private static String bytes(final Figure f)
    {
        return f == null || Double.isNaN(f.bytes()) ? "–" : String.format(Locale.ROOT, "%.1f", f.bytes());
    }

    /** @return a / b, with "met" or "**not met**" against the goal when there is one. */
    private static String ratio(final Figure a, final Figure b, final double goal, final boolean times)
    {
        if (a == null || b == null)
        {
            return "–";
        }
        final double r = a.nanos() / b.nanos();
        final String value = String.format(Locale.ROOT, times ? "%.2f×" : "%.3f", r);
        return Double.isNaN(goal) ? value : value + (r <= goal ? " met" : " **not met**");
    }
}
