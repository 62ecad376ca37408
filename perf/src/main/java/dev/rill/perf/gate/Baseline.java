package dev.rill.perf.gate;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The committed baseline of the regression gate ({@code perf/gate/suite.baseline.json}): per figure
 * the median ratio over the recorded runs, its noise band, the per-run values, and where and when it
 * was recorded. Written by {@code gate.sh --record}, read by every compare. Immutable.
 *
 * @param defaultBandPct the band every figure gets at least (%), as given when recording.
 */
public record Baseline(
    String suiteFile,
    String suite,
    String options,
    String recordedAt,
    Map<String, String> machine,
    int runs,
    int defaultBandPct,
    Map<String, Entry> figures)
{
    /**
     * One figure's baseline.
     *
     * @param definition the figure's formula when recorded (a changed formula makes the baseline stale).
     * @param ratio median ratio over the runs.
     * @param spreadPct (max − min) / median over the runs, in %.
     * @param bandPct max(default band, spread rounded up), in %: a change beyond it is a regression.
     */
    public record Entry(
        String definition,
        double ratio,
        double spreadPct,
        int bandPct,
        List<Double> runRatios,
        List<Double> runNumeratorNs,
        List<Double> runDenominatorNs)
    {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Makes a baseline from repeated runs of the same figures.
     *
     * @param runs one list of ratios per run, each in the order of {@code figures}.
     * @throws GateException when a figure has no score in some run (the message names it).
     */
    public static Baseline record(
        final List<Figure> figures,
        final List<List<FigureRatio>> runs,
        final int defaultBandPct,
        final String suiteFile,
        final String suite,
        final String options,
        final Map<String, String> machine,
        final Instant at)
    {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < figures.size(); i++)
        {
            final Figure f = figures.get(i);
            final List<Double> ratios = new ArrayList<>();
            final List<Double> numerators = new ArrayList<>();
            final List<Double> denominators = new ArrayList<>();
            for (final List<FigureRatio> run : runs)
            {
                final FigureRatio r = run.get(i);
                if (!r.present())
                {
                    throw new GateException("figure " + f.name() + ": " + r.missing() + " in a recorded run; " +
                        "fix the benchmark (see the JMH log in the output directory) and record again");
                }
                ratios.add(r.ratio());
                numerators.add(r.numeratorNs());
                denominators.add(r.denominatorNs());
            }
            final double median = median(ratios);
            final double spread = spreadPct(ratios, median);
            entries.put(f.name(), new Entry(f.definition(), median, spread, band(defaultBandPct, spread),
                ratios, numerators, denominators));
        }
        return new Baseline(suiteFile, suite, options, at.truncatedTo(ChronoUnit.SECONDS).toString(), machine,
            runs.size(), defaultBandPct, entries);
    }

    /** @return the median (the mean of the middle two for an even count). */
    public static double median(final List<Double> values)
    {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** @return (max − min) / median, in %. */
    public static double spreadPct(final List<Double> values, final double median)
    {
        return (Collections.max(values) - Collections.min(values)) / median * 100;
    }

    /** @return max(default band, spread rounded up to a whole %). */
    public static int band(final int defaultBandPct, final double spreadPct)
    {
        return Math.max(defaultBandPct, (int)Math.ceil(spreadPct - 1e-9));
    }

    /** @return host name, cores, OS, JDK: where a baseline was recorded. */
    public static Map<String, String> thisMachine()
    {
        final Map<String, String> m = new LinkedHashMap<>();
        String host;
        try
        {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException e)
        {
            host = "unknown";
        }
        m.put("host", host);
        m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") +
            " (" + System.getProperty("java.vendor") + ")");
        return m;
    }

    /**
     * Reads a baseline file.
     *
     * @throws GateException when it is missing (say how to record one) or unreadable.
     */
    public static Baseline read(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new GateException("no baseline file " + file + ": record one with perf/gate.sh --record --runs 5 " +
                "(same --suite), or pass --baseline FILE");
        }
        try
        {
            return JSON.readValue(file.toFile(), Baseline.class);
        }
        catch (final IOException e)
        {
            throw new GateException("baseline " + file + " is not a gate baseline: " + e.getMessage().lines().findFirst().orElse("") +
                "; record it again with perf/gate.sh --record", e);
        }
    }

    /** Writes this baseline as indented JSON. */
    public void write(final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), this);
    }
}
