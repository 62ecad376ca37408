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
 * JSON lines ({@code <label>.txt}), the JMH CSV files ({@code jmh-<name>.csv}), and the JSON lines
 * of {@code fsync.txt} ({@link FsyncProbe}) and {@code recovery.txt} ({@link RecoveryProbe}), as
 * tables (with the rate run's producer to subscriber latency when it was measured) of Rill against its raw baselines and goals. Missing inputs show as "n/a"; the durability
 * and recovery sections are left out when their runs were skipped.
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
        final Map<String, Double> syncSat = load(dir, "rill-sync-saturate");
        final Map<String, Double> syncRate = load(dir, "rill-sync-rate");
        final Map<String, Double> fsync = load(dir, "fsync");
        final Map<String, Double> recovery = load(dir, "recovery");
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
        if (rillRate.containsKey("subP50Us"))
        {
            sb.append(String.format(Locale.ROOT,
                "| same run, producer -> subscriber (Result arrival - intended send): p50 / p99 / p99.9 / max (us) | %s / %s / %s / %s " +
                    "| no Results | | Results seen %s of %s acked |%n",
                micros(get(rillRate, "subP50Us")), micros(get(rillRate, "subP99Us")), micros(get(rillRate, "subP999Us")),
                micros(get(rillRate, "subMaxUs")), count(get(rillRate, "resultsSeen")), count(get(rillRate, "acked"))));
        }
        final Map<String, Double> rillSearch = load(dir, "rill-search");
        final Map<String, Double> echoSearch = load(dir, "echo-search");
        if (!rillSearch.isEmpty() || !echoSearch.isEmpty())
        {
            final double r = get(rillSearch, "searchBestRate");
            final double e = get(echoSearch, "searchBestRate");
            sb.append(String.format(Locale.ROOT,
                "| saturation search: highest open-loop rate with p99 within the SLO and acks keeping up, events/s " +
                    "| %s | %s | %s | |%n", count(r), count(e), ratio(r, e)));
        }
        if (!tmpfsRate.isEmpty())
        {
            sb.append(String.format(Locale.ROOT,
                "| same %s events/s, Rill journal on tmpfs: p50 / p99 / p99.9 (us) | %s / %s / %s | | | diagnostic |%n",
                count(get(tmpfsRate, "offeredRate")), micros(get(tmpfsRate, "p50Us")), micros(get(tmpfsRate, "p99Us")),
                micros(get(tmpfsRate, "p999Us"))));
        }
        durability(sb, rillSat, rillRate, syncSat, syncRate, fsync);
        recovery(sb, recovery);
        sb.append("\n## Raw part costs (JMH, short runs: -wi 2 -i 3 -f 1 -w 1s -r 1s)\n\n");
        sb.append("| part | score | unit |\n| --- | --- | --- |\n");
        jmhRows(sb, chronicle, "Chronicle append");
        jmhRows(sb, onnx, "ONNX run per batch");
        jmhRows(sb, pipeline, "in-process pipeline publish -> result");
        sb.append("\nFiles: `<label>.txt` (report + JSON line), `<label>.json` (the whole report), `<label>.hgrm` (percentile ")
            .append("distribution, us; `rill-rate-subscriber.hgrm` for the subscriber), `plot.html` (percentile plot of the rate runs), ")
            .append("`jmh-*.txt|csv`, `fsync.txt` + `fsync-<mode>.hgrm`, `recovery.txt` + `recovery-*.log`, server logs.\n");
        return sb.toString();
    }

    /** Page-cache against sync durability (same server, same loads), beside the raw force cost of the disk. */
    private static void durability(
        final StringBuilder sb, final Map<String, Double> pageSat, final Map<String, Double> pageRate, final Map<String, Double> syncSat,
        final Map<String, Double> syncRate, final Map<String, Double> fsync)
    {
        if (syncSat.isEmpty() && syncRate.isEmpty() && fsync.isEmpty())
        {
            return;
        }
        sb.append("\n## Durability: page-cache vs sync (`durability.mode: sync`: each batch's acks wait for an msync of \"in\")\n\n");
        sb.append("| measure | page-cache | sync | sync / page-cache |\n| --- | --- | --- | --- |\n");
        final double page = get(pageSat, "ackedRate");
        final double sync = get(syncSat, "ackedRate");
        sb.append(String.format(Locale.ROOT, "| saturation throughput, acked events/s | %s | %s | %s |%n", count(page), count(sync),
            ratio(sync, page)));
        final double offered = Double.isNaN(get(syncRate, "offeredRate")) ? get(pageRate, "offeredRate") : get(syncRate, "offeredRate");
        for (final String[] p : new String[][]{{"p50Us", "p50"}, {"p99Us", "p99"}, {"p999Us", "p99.9"}, {"maxUs", "max"}})
        {
            final double a = get(pageRate, p[0]);
            final double b = get(syncRate, p[0]);
            sb.append(String.format(Locale.ROOT, "| %s ack latency at %s events/s offered (us) | %s | %s | %s |%n", p[1], count(offered),
                micros(a), micros(b), ratio(b, a)));
        }
        sb.append(String.format(Locale.ROOT, "| achieved rate at %s events/s offered | %s | %s | |%n", count(offered),
            count(get(pageRate, "ackedRate")), count(get(syncRate, "ackedRate"))));
        if (!fsync.isEmpty())
        {
            sb.append(String.format(Locale.ROOT, "%nRaw cost of forcing 4 KiB on the journals' disk (FsyncProbe, %s per mode, us):%n%n",
                count(get(fsync, "iterations"))));
            sb.append("| force | p50 | p90 | p99 | p99.9 | max |\n| --- | --- | --- | --- | --- | --- |\n");
            for (final String[] m : new String[][]{
                {"msyncSparse128b", "msync after each 128-byte record into a sparse mapped file (Rill's sync mode)"},
                {"msyncSparse", "msync of a fresh page of a sparse mapped file"},
                {"msyncPreallocated", "msync of a page of a preallocated mapped file"},
                {"fdatasyncAppend", "write 4 KiB at the end + fdatasync"},
                {"fdatasyncOverwrite", "write 4 KiB into a preallocated file + fdatasync"}})
            {
                if (fsync.containsKey(m[0] + "P50Us"))
                {
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", m[1], micros(get(fsync, m[0] + "P50Us")),
                        micros(get(fsync, m[0] + "P90Us")), micros(get(fsync, m[0] + "P99Us")), micros(get(fsync, m[0] + "P999Us")),
                        micros(get(fsync, m[0] + "MaxUs"))));
                }
            }
        }
    }

    /** Start after a crash (RecoveryProbe): each checkpoint scenario's accepting and recovery times. */
    private static void recovery(final StringBuilder sb, final Map<String, Double> recovery)
    {
        if (recovery.isEmpty())
        {
            return;
        }
        sb.append(String.format(Locale.ROOT, "%n## Recovery after a crash (RecoveryProbe: %s events from %s producers, %s without a Result; " +
                "data %s MiB on disk; fresh `rill serve` JVM, page cache %s)%n%n",
            count(get(recovery, "events")), count(get(recovery, "producers")), count(get(recovery, "unpublished")),
            count(get(recovery, "dataBytes") / (1 << 20)), get(recovery, "cold") == 1 ? "cold" : "warm"));
        sb.append("| scenario | records of \"in\" read | process start -> accepting (ms) | server's \"recovered in\" (ms) | goal |\n");
        sb.append("| --- | --- | --- | --- | --- |\n");
        for (final String key : recovery.keySet())
        {
            if (!key.endsWith("AcceptMs"))
            {
                continue;
            }
            final String scenario = key.substring(0, key.length() - "AcceptMs".length());
            final double distance = get(recovery, scenario + "Distance");
            final double accept = get(recovery, key);
            final boolean checkpoint = !Double.isNaN(distance) && distance >= 0;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n",
                checkpoint ? "checkpoint " + count(distance) + " events before the end" : "no checkpoint (all of \"in\")",
                count(get(recovery, scenario + "Scanned")), count(accept), count(get(recovery, scenario + "RecoveryMs")),
                checkpoint ? "accepting <= 2,000 ms: " + verdict(accept <= 2000, accept, accept) : ""));
        }
        sb.append(String.format(Locale.ROOT, "| JVM start + CLI alone (`rill --version`) | | %s | | |%n", count(get(recovery, "jvmBaselineMs"))));
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
