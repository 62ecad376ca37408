package dev.rill.perf.gate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The performance regression gate ({@code perf/gate.sh}): runs the quick (or {@code --long}) suite of
 * figures, each a Rill benchmark's cost over the cost of its raw baseline measured in the same run,
 * compares every ratio with the committed baseline and prints figure, baseline, now, change, band and
 * verdict. Exit 0: no regression; 1: a figure costlier than its band allows; 2: usage or setup error
 * (one line on stderr, no stack trace). {@code --record --runs N} writes the baseline instead.
 *
 * <p>Runs on the main thread; the benchmarks run in JMH's forked JVMs.
 */
@Command(name = "gate.sh", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the perf regression gate: Rill/raw cost ratios against a committed baseline.",
        "Exit 0 no regression, 1 regression beyond the band, 2 usage or setup error."})
public final class RegressionGate implements Callable<Integer>
{
    @Option(names = "--suite", paramLabel = "FILE", description = "suite file (default: ${DEFAULT-VALUE})")
    Path suiteFile = Path.of("perf/gate/suite.yaml");

    @Option(names = "--baseline", paramLabel = "FILE",
        description = "baseline file (default: next to the suite, <suite name>.baseline.json)")
    Path baselineFile;

    @Option(names = "--long", description = "every figure, with the long suite's JMH options (release runs)")
    boolean longSuite;

    @Option(names = "--record", description = "run the suite --runs times and write the baseline instead of comparing")
    boolean record;

    @Option(names = "--runs", paramLabel = "N", description = "runs to record (default: ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--band", paramLabel = "PCT",
        description = "noise band in %% instead of the default (10 when recording, the recorded one when comparing)")
    Integer bandPct;

    @Option(names = "--fork-jvm-arg", paramLabel = "ARG", description = "JVM argument for every JMH fork (repeatable)")
    List<String> forkJvmArgs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: perf/results/<UTC timestamp>-gate)")
    Path outDir;

    @Option(names = "--jmh-json", paramLabel = "FILE", description = "compare this JMH JSON result instead of running the suite")
    Path jmhJson;

    /** The default noise band, in %. */
    public static final int DEFAULT_BAND_PCT = 10;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Runs the gate and exits with its code. */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /** @return the gate's exit code for these arguments (0, 1 or 2). */
    public static int run(final String... args)
    {
        return new CommandLine(new RegressionGate()).execute(args);
    }

    @Override
    public Integer call()
    {
        try
        {
            return record ? record() : compare();
        }
        catch (final GateException e)
        {
            System.err.println("gate: " + e.getMessage());
            return Comparison.SETUP_ERROR;
        }
        catch (final IOException | RuntimeException e)
        {
            System.err.println("gate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return Comparison.SETUP_ERROR;
        }
    }

    private int compare() throws IOException
    {
        if (bandPct != null && bandPct < 0)
        {
            throw new GateException("--band must be at least 0, was " + bandPct);
        }
        final GateSuite suite = GateSuite.load(suiteFile);
        final List<Figure> figures = suite.figures(longSuite);
        final Path baselinePath = baselinePath();
        final Baseline baseline = Baseline.read(baselinePath);
        final Path out = outDir();
        final Path results;
        if (jmhJson != null)
        {
            results = jmhJson;
        }
        else
        {
            BenchmarkCatalog.fromClassPath().check(figures);
            results = out.resolve("jmh.json");
            System.out.printf("gate: %s suite, %d figures, baseline %s (recorded %s), output %s%n",
                suiteName(), figures.size(), baselinePath, baseline.recordedAt(), out);
            new SuiteRunner(suite.options(longSuite), forkJvmArgs, System.out).run(figures, results, out.resolve("logs"));
        }
        final Comparison comparison = Comparison.of(FigureRatio.compute(figures, JmhScores.read(results)), baseline, bandPct);
        final String table = GateTable.text(comparison);
        Files.writeString(out.resolve("table.txt"), table, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("table.md"), GateTable.markdown(comparison), StandardCharsets.UTF_8);
        JSON.writeValue(out.resolve("verdict.json").toFile(), verdict(comparison, baselinePath, baseline, results));
        System.out.print(table);
        System.out.println("gate: " + comparison.result() + " (exit " + comparison.exitCode() + "); " + out);
        return comparison.exitCode();
    }

    private int record() throws IOException
    {
        if (runs < 1)
        {
            throw new GateException("--runs must be at least 1, was " + runs);
        }
        if (jmhJson != null)
        {
            throw new GateException("--jmh-json compares one result; --record runs the suite itself: use one or the other");
        }
        final int band = bandPct == null ? DEFAULT_BAND_PCT : bandPct;
        final GateSuite suite = GateSuite.load(suiteFile);
        final List<Figure> figures = suite.figures(longSuite);
        BenchmarkCatalog.fromClassPath().check(figures);
        final Path out = outDir();
        final Path baselinePath = baselinePath();
        final SuiteRunner runner = new SuiteRunner(suite.options(longSuite), forkJvmArgs, System.out);
        final List<List<FigureRatio>> ratios = new ArrayList<>();
        for (int r = 1; r <= runs; r++)
        {
            System.out.printf("gate: recording %s suite, run %d of %d, output %s%n", suiteName(), r, runs, out);
            final Path json = out.resolve("jmh-run" + r + ".json");
            runner.run(figures, json, out.resolve("logs/run" + r));
            ratios.add(FigureRatio.compute(figures, JmhScores.read(json)));
        }
        final Baseline baseline = Baseline.record(figures, ratios, band, suiteFile.toString(), suiteName(),
            suite.options(longSuite).describe() + (forkJvmArgs.isEmpty() ? "" : ", fork args " + forkJvmArgs),
            Baseline.thisMachine(), Instant.now());
        baseline.write(baselinePath);
        baseline.write(out.resolve("baseline.json"));
        final StringBuilder summary = new StringBuilder();
        for (final Map.Entry<String, Baseline.Entry> e : baseline.figures().entrySet())
        {
            summary.append(String.format(Locale.ROOT, "%-28s ratio %8.3f  spread %5.1f %%  band ±%d %%  runs %s%n",
                e.getKey(), e.getValue().ratio(), e.getValue().spreadPct(), e.getValue().bandPct(),
                e.getValue().runRatios().stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList()));
        }
        Files.writeString(out.resolve("recorded.txt"), summary, StandardCharsets.UTF_8);
        System.out.print(summary);
        System.out.println("gate: baseline written to " + baselinePath + " (" + runs + " runs); commit it");
        return Comparison.PASS;
    }

    private Map<String, Object> verdict(final Comparison c, final Path baselinePath, final Baseline b, final Path results)
    {
        final Map<String, Object> v = new LinkedHashMap<>();
        v.put("result", c.result());
        v.put("exitCode", c.exitCode());
        v.put("suite", suiteName());
        v.put("suiteFile", suiteFile.toString());
        v.put("baseline", baselinePath.toString());
        v.put("baselineRecordedAt", b.recordedAt());
        v.put("jmhResult", results.toString());
        v.put("forkJvmArgs", forkJvmArgs);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (final Comparison.Row row : c.rows())
        {
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("figure", row.name());
            r.put("meaning", row.now().figure().meaning());
            r.put("definition", row.now().figure().definition());
            r.put("baseline", finite(row.baseline()));
            r.put("now", finite(row.now().ratio()));
            r.put("numeratorNs", finite(row.now().numeratorNs()));
            r.put("denominatorNs", finite(row.now().denominatorNs()));
            r.put("changePct", finite(row.changePct()));
            r.put("bandPct", row.bandPct());
            r.put("verdict", row.verdict().name());
            r.put("note", row.note());
            rows.add(r);
        }
        v.put("figures", rows);
        return v;
    }

    private static Double finite(final double v)
    {
        return Double.isFinite(v) ? v : null;
    }

    private String suiteName()
    {
        return longSuite ? "long" : "quick";
    }

    private Path baselinePath()
    {
        if (baselineFile != null)
        {
            return baselineFile;
        }
        final String name = suiteFile.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        return suiteFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".baseline.json");
    }

    private Path outDir() throws IOException
    {
        final Path dir = outDir != null ? outDir : Path.of("perf/results",
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(Instant.now().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)) +
            "-gate");
        Files.createDirectories(dir);
        return dir;
    }
}
