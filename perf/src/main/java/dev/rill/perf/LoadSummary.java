package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@code summary.md} for a results directory of {@code perf/run-load.sh}: the load runs'
 * JSON lines ({@code <label>.txt}) and the JMH CSV files ({@code jmh-<name>.csv}), as one table
 * of Rill against its raw baselines and goals. Missing inputs show as "n/a".
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar dev.rill.perf.LoadSummary DIR}.
 */
public final class LoadSummary
{
    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":(-?[0-9.]+)");

    private LoadSummary()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 1)
        {
            System.err.println("usage: LoadSummary RESULTS_DIR");
            System.exit(2);
        }
        final Path dir = Path.of(args[0]);
        final String summary = summarise(dir);
        Files.writeString(dir.resolve("summary.md"), summary, StandardCharsets.UTF_8);
        System.out.print(summary);
    }

    static String summarise(final Path dir) throws IOException
    {
        final Map<String, Double> echoSat = load(dir, "echo-saturate");
        final Map<String, Double> echoRate = load(dir, "echo-rate");
        final Map<String, Double> rillSat = load(dir, "rill-saturate");
        final Map<String, Double> rillRate = load(dir, "rill-rate");
        final Map<String, Double> tmpfsRate = load(dir, "rill-tmpfs-rate");
        final List<String[]> chronicle = csv(dir.resolve("jmh-chronicle-append.csv"));
        final List<String[]> onnx = csv(dir.resolve("jmh-onnx-run.csv"));
        final List<String[]> pipeline = csv(dir.resolve("jmh-pipeline.csv"));

        final StringBuilder sb = new StringBuilder();
        sb.append("# Rill load run ").append(dir.getFileName()).append("\n\n");
        sb.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
            .append(System.getProperty("java.version")).append(". Load generator, server and JMH share the box.\n\n");
        sb.append("## Over TCP (load generator with the Java client, loopback)\n\n");
        sb.append("| measure | Rill: journal + scoring + publish | raw Netty framed echo | Rill / echo | goal |\n");
        sb.append("| --- | --- | --- | --- | --- |\n");
        final double sat = get(rillSat, "ackedRate");
        final double echo = get(echoSat, "ackedRate");
        sb.append(String.format(Locale.ROOT, "| saturation throughput, acked events/s | %s | %s | %s | >= 0.5x: %s |%n",
            count(sat), count(echo), ratio(sat, echo), verdict(sat / echo >= 0.5, sat, echo)));
        final double offered = get(rillRate, "offeredRate");
        for (final String[] p : new String[][]{{"p50Us", "p50"}, {"p90Us", "p90"}, {"p99Us", "p99"}, {"p999Us", "p99.9"},
            {"p9999Us", "p99.99"}, {"maxUs", "max"}})
        {
            final double r = get(rillRate, p[0]);
            final double e = get(echoRate, p[0]);
            final String goal = p[1].equals("p99") ? "<= 200 us: " + verdict(r <= 200, r, r) : "";
            sb.append(String.format(Locale.ROOT, "| %s ack latency at %s events/s offered (us, from intended send) | %s | %s | %s | %s |%n",
                p[1], count(offered), micros(r), micros(e), ratio(r, e), goal));
        }
        sb.append(String.format(Locale.ROOT, "| achieved rate at %s events/s offered | %s | %s | | |%n",
            count(offered), count(get(rillRate, "ackedRate")), count(get(echoRate, "ackedRate"))));
        if (!tmpfsRate.isEmpty())
        {
            sb.append(String.format(Locale.ROOT,
                "| same %s events/s, Rill journal on tmpfs: p50 / p99 / p99.9 (us) | %s / %s / %s | | | diagnostic |%n",
                count(get(tmpfsRate, "offeredRate")), micros(get(tmpfsRate, "p50Us")), micros(get(tmpfsRate, "p99Us")),
                micros(get(tmpfsRate, "p999Us"))));
        }
        sb.append("\n## Raw part costs (JMH, short runs: -wi 2 -i 3 -f 1 -w 1s -r 1s)\n\n");
        sb.append("| part | score | unit |\n| --- | --- | --- |\n");
        jmhRows(sb, chronicle, "Chronicle append");
        jmhRows(sb, onnx, "ONNX run per batch");
        jmhRows(sb, pipeline, "in-process pipeline publish -> result");
        sb.append("\nFiles: `<label>.txt` (report + JSON line), `<label>.hgrm` (percentile distribution, us), ")
            .append("`jmh-*.txt|csv`, server logs.\n");
        return sb.toString();
    }

    private static void jmhRows(final StringBuilder sb, final List<String[]> rows, final String what)
    {
        if (rows.size() < 2)
        {
            sb.append("| ").append(what).append(" | n/a | |\n");
            return;
        }
        final String[] header = rows.get(0);
        for (int r = 1; r < rows.size(); r++)
        {
            final String[] row = rows.get(r);
            final String benchmark = row[0].replace("dev.rill.perf.jmh.", "");
            if (benchmark.contains(":") && !benchmark.endsWith("gc.alloc.rate.norm"))
            {
                continue; // of the GC profiler's rows, allocation per operation is the one that matters
            }
            final StringBuilder params = new StringBuilder();
            for (int c = 7; c < row.length && c < header.length; c++)
            {
                params.append(params.length() == 0 ? " (" : ", ").append(header[c].replace("Param: ", "")).append('=').append(row[c]);
            }
            if (params.length() > 0)
            {
                params.append(')');
            }
            sb.append(String.format(Locale.ROOT, "| %s: %s%s | %s ± %s | %s |%n", what, benchmark, params,
                number(row[4]), number(row[5]), row[6]));
        }
    }

    private static Map<String, Double> load(final Path dir, final String label) throws IOException
    {
        final Map<String, Double> values = new LinkedHashMap<>();
        final Path file = dir.resolve(label + ".txt");
        if (!Files.isRegularFile(file))
        {
            return values;
        }
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (line.startsWith("{"))
            {
                final Matcher m = NUMBER.matcher(line);
                while (m.find())
                {
                    values.put(m.group(1), Double.parseDouble(m.group(2)));
                }
            }
        }
        return values;
    }

    private static List<String[]> csv(final Path file) throws IOException
    {
        final List<String[]> rows = new ArrayList<>();
        if (!Files.isRegularFile(file))
        {
            return rows;
        }
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (line.isBlank())
            {
                continue;
            }
            final List<String> cells = new ArrayList<>();
            final StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++)
            {
                final char c = line.charAt(i);
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ',' && !quoted)
                {
                    cells.add(cell.toString());
                    cell.setLength(0);
                }
                else
                {
                    cell.append(c);
                }
            }
            cells.add(cell.toString());
            rows.add(cells.toArray(new String[0]));
        }
        return rows;
    }

    private static double get(final Map<String, Double> values, final String key)
    {
        return values.getOrDefault(key, Double.NaN);
    }

    private static String count(final double v)
    {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String micros(final double v)
    {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String ratio(final double a, final double b)
    {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String number(final String s)
    {
        try
        {
            final double v = Double.parseDouble(s);
            return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.3f", v);
        }
        catch (final NumberFormatException e)
        {
            return s;
        }
    }

    private static String verdict(final boolean met, final double a, final double b)
    {
        return Double.isNaN(a) || Double.isNaN(b) ? "n/a" : met ? "met" : "NOT met";
    }
}
