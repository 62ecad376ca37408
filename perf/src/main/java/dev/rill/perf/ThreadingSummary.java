package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes {@code threading.md} for a results directory of {@code perf/run-threading.sh}: one row per
 * combination listed in {@code combos.txt}, from its LoadGenerator JSON lines
 * ({@code <combo>-saturate.txt}, {@code <combo>-rate.txt}) and its CPU samples ({@code <combo>-cpu.txt}):
 * saturation throughput, ack latency at the offered rate, the server's CPU at that rate (share of one core),
 * events acknowledged per CPU-second of the server, and the server's CPU when idle. A missing file shows as
 * "n/a". Single-threaded; run once at the end of the script.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar dev.rill.perf.ThreadingSummary DIR}.
 */
public final class ThreadingSummary
{
    /** A rate run that acknowledged less than this share of the offered rate did not keep up: its latency is queueing. */
    static final double KEPT_UP = 0.99;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ThreadingSummary()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 1)
        {
            System.err.println("usage: ThreadingSummary RESULTS_DIR  (a perf/results/<stamp>-threading directory)");
            System.exit(2);
        }
        final Path dir = Path.of(args[0]);
        final String summary = summarise(dir);
        Files.writeString(dir.resolve("threading.md"), summary, StandardCharsets.UTF_8);
        System.out.print(summary);
    }

    static String summarise(final Path dir) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("# Threading on two cores: ").append(dir.getFileName()).append("\n\n");
        final Path run = dir.resolve("run.txt");
        if (Files.exists(run))
        {
            for (final String line : Files.readAllLines(run, StandardCharsets.UTF_8))
            {
                sb.append(line.replaceFirst("^# ?", "")).append("  \n");
            }
            sb.append('\n');
        }
        sb.append("Latency: ack - intended send, open loop. CPU: the server process's utime + stime; 100 % is one core. ")
            .append("Events per CPU-second: acknowledged events/s divided by the cores the server used. ")
            .append("Load: the 1-minute load average before / after the combination's runs.\n\n");
        sb.append("| combination | saturation ev/s | acked ev/s at rate | p50 µs | p99 µs | p99.9 µs | server CPU % at rate | " +
            "events per CPU-s | idle CPU % | load |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        final Path combos = dir.resolve("combos.txt");
        final List<String> names = Files.exists(combos) ? Files.readAllLines(combos, StandardCharsets.UTF_8) : List.of();
        for (final String combo : names)
        {
            if (!combo.isBlank())
            {
                row(sb, dir, combo.strip());
            }
        }
        sb.append("\nA rate column marked * acknowledged less than ").append(Math.round(KEPT_UP * 100))
            .append(" % of the offered rate: that combination did not keep up, and its latency is mostly queueing.\n");
        return sb.toString();
    }

    private static void row(final StringBuilder sb, final Path dir, final String combo) throws IOException
    {
        final JsonNode sat = jsonLine(dir.resolve(combo + "-saturate.txt"));
        final JsonNode rate = jsonLine(dir.resolve(combo + "-rate.txt"));
        final JsonNode cpu = jsonLine(dir.resolve(combo + "-cpu.txt"));
        final double acked = number(rate, "ackedRate");
        final double offered = number(rate, "offeredRate");
        final double rateCores = number(cpu, "rateCpuSeconds") / number(cpu, "rateWallSeconds");
        final double idleCores = number(cpu, "idleCpuSeconds") / number(cpu, "idleWallSeconds");
        final boolean keptUp = !(acked < KEPT_UP * offered);
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s%s | %s | %s | %s | %s | %s | %s | %s / %s |%n",
            combo, count(number(sat, "ackedRate")), count(acked), keptUp ? "" : "*",
            micros(number(rate, "p50Us")), micros(number(rate, "p99Us")), micros(number(rate, "p999Us")),
            percent(rateCores), count(acked / rateCores), percent(idleCores),
            text(cpu, "loadBefore"), text(cpu, "loadAfter")));
    }

    /** @return the first line of the file that starts with '{', parsed; null when the file or the line is missing. */
    static JsonNode jsonLine(final Path file) throws IOException
    {
        if (!Files.exists(file))
        {
            return null;
        }
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            if (line.startsWith("{"))
            {
                return JSON.readTree(line);
            }
        }
        return null;
    }

    private static double number(final JsonNode node, final String field)
    {
        return node == null || !node.hasNonNull(field) ? Double.NaN : node.get(field).asDouble();
    }

    private static String text(final JsonNode node, final String field)
    {
        return node == null || !node.hasNonNull(field) ? "n/a" : node.get(field).asText();
    }

    private static String count(final double value)
    {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,d", Math.round(value)) : "n/a";
    }

    private static String micros(final double value)
    {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "n/a";
    }

    private static String percent(final double cores)
    {
        return Double.isFinite(cores) ? String.format(Locale.ROOT, "%.1f", cores * 100) : "n/a";
    }
}
