package dev.rill.perf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rill.bus.PipelineConfig;
import dev.rill.gateway.GatewayConfig;
import dev.rill.journal.JournalConfig;
import dev.rill.ml.FallbackReason;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDrills;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminConfig;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.model.ModelManager;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long does a hot model swap take under load, and what does it do to the ack latency?
 *
 * <p>Builds a model registry in a temporary directory: {@code fraud/1} copied from the
 * repository's {@code models/fraud/1}, {@code fraud/2} the same model with its fraud logit
 * shifted by +0.5 ({@link ModelDrills#shiftedFraudLogit}: a real, different ONNX graph with its
 * own checksum). Starts a real server in this JVM ({@link RillServer#start}) on 127.0.0.1, data
 * in the same temporary directory, scoring with {@code fraud/1} and {@code rill serve}'s model
 * defaults (10 ms batch budget, the previous version as fallback, drift watch); the admin channel
 * is off, and the probe calls {@link RillServer#models()} directly, as the admin channel would.
 *
 * <p>Offers open-loop load with {@link LoadGenerator} ({@code --rate} events/s; latency = ack time
 * minus intended send time, coordinated-omission corrected). After the warm-up, every
 * {@code --interval-seconds} it deploys the other version with {@code force} (no gate), {@code
 * --swaps} times, then lets the load run one more interval.
 *
 * <p>Reports (a) the swap time: {@link ModelManager#lastSwapNanos()} after each deploy, from the
 * request through loading the new primary and its fallback to the stage taking it up at a batch
 * boundary; (b) the ack latency of the measured events, split into windows of
 * {@code --window-millis} by intended send time: windows that overlap a deploy call ("with a
 * swap"), the window just after each of those (GC or caches after a load show there), and every
 * other window ("without"), each group's p50/p99/p99.9/max and its worst window's p99; (c) the
 * fallback scores given during the run. Every figure is from the one run.
 *
 * <p>Writes {@code --out} (default {@code perf/results/<UTC timestamp>-swap/swap.txt}: the text
 * and one JSON line), {@code swap.json} beside it (settings, every swap, every window) and each
 * group's percentile distribution ({@code swap-<group>.hgrm}, µs). The temporary directory is
 * deleted at the end. Threads: the probe's main thread deploys; the load runs on
 * "rill-swap-load" and the client's I/O thread, which alone writes the window histograms until
 * the load has returned.
 */
@Command(name = "swap-probe", mixinStandardHelpOptions = true,
    description = "Time hot model swaps under open-loop load and compare the ack latency of windows with and without one.")
public final class SwapProbe implements Callable<Integer>
{
    private static final String MODEL = "fraud";
    private static final float LOGIT_SHIFT = 0.5f;
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String[] GROUPS = {"swap", "after", "without"};

    @Option(names = "--rate", defaultValue = "50000", description = "Events/s offered, open loop (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--swaps", defaultValue = "10", description = "Deploys, alternating fraud/2 and fraud/1 (default: ${DEFAULT-VALUE})")
    int swaps;

    @Option(names = "--interval-seconds", defaultValue = "2", description = "Seconds between deploys (default: ${DEFAULT-VALUE})")
    double intervalSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Load before measuring (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--window-millis", defaultValue = "200", description = "Latency window (default: ${DEFAULT-VALUE})")
    int windowMillis;

    @Option(names = "--pacing", defaultValue = "park",
        description = "Load pacing, as LoadGenerator's: park or yield (default: ${DEFAULT-VALUE}, as perf/run-load.sh)")
    String pacing;

    @Option(names = "--dir", defaultValue = "/tmp", description = "Parent of the temporary registry and data (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--out", description = "Report file (default: perf/results/<UTC timestamp>-swap/swap.txt of the repository)")
    Path out;

    /** One deploy: what was asked, when (System.nanoTime), what the server said it took. */
    record Swap(int number, int version, long requestNanos, long returnNanos, long swapNanos, int activeVersion,
        int collections, long collectionMillis, String message)
    {
    }

    /** One latency window: its group, events and percentiles in µs. */
    record Window(int index, String group, long events, double p50Us, double p99Us, double p999Us, double maxUs)
    {
    }

    /** One group of windows, merged. */
    record Group(String name, int windows, long events, double p50Us, double p99Us, double p999Us, double maxUs,
        double worstWindowP99Us)
    {
    }

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new SwapProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        if (rate < 1 || swaps < 1 || !(intervalSeconds > 0) || !(warmupSeconds >= 0) || windowMillis < 1)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "need --rate, --swaps and --window-millis of 1 or more, --interval-seconds above 0, --warmup-seconds 0 or more");
        }
        final Path model = ModelLocator.fraudModel().toAbsolutePath();
        final Path root = model.getParent().getParent().getParent();
        final Path outFile = (out != null ? out : root.resolve("perf/results")
            .resolve(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()) + "-swap")
            .resolve("swap.txt")).toAbsolutePath();
        Files.createDirectories(outFile.getParent());

        final Path work = Files.createTempDirectory(Files.createDirectories(dir), "rill-swap-");
        try
        {
            final Path versions = Files.createDirectories(work.resolve("models").resolve(MODEL));
            final Path first = copyVersion(model, versions.resolve("1"));
            ModelDrills.version(first, versions, 2, onnx -> ModelDrills.shiftedFraudLogit(onnx, LOGIT_SHIFT));
            final RillConfig config = new RillConfig(
                GatewayConfig.defaults().withPort(0),
                PipelineConfig.defaults(),
                JournalConfig.of(work.resolve("data")),
                new ModelConfig(first, FraudFeatures.PAYMENTS_TOPIC, 0.0),
                List.of(FraudFeatures.payments()))
                .withAdmin(new AdminConfig(false, AdminConfig.DEFAULT_HOST, 0, null));
            return run(config, outFile);
        }
        finally
        {
            deleteTree(work);
        }
    }

    private int run(final RillConfig config, final Path outFile) throws Exception
    {
        final long intervalNanos = (long)(intervalSeconds * 1e9);
        final double measuredSeconds = (swaps + 1) * intervalSeconds;
        final long windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        final Windows windows = new Windows(windowNanos, (int)Math.ceil(measuredSeconds * 1e9 / windowNanos));
        final List<Swap> done = new ArrayList<>();
        final LoadReport report;
        final long[] fallbacks = new long[FallbackReason.values().length];
        final String primaryAtStart;
        try (RillServer server = RillServer.start(config))
        {
            final ModelManager models = server.models();
            primaryAtStart = server.scoring().primaryModel();
            final LoadSettings settings = new LoadSettings("127.0.0.1", server.address().getPort(), LoadSettings.Mode.RATE, rate,
                warmupSeconds, measuredSeconds, 8192, "swap-probe", 1, "park".equalsIgnoreCase(pacing));
            final FutureTask<LoadReport> load = new FutureTask<>(() -> LoadGenerator.run(settings, windows));
            final Thread loader = new Thread(load, "rill-swap-load");
            loader.start();
            final long from = windows.awaitMeasuring(load, (long)(warmupSeconds * 1e9) + TimeUnit.SECONDS.toNanos(30));
            final long[] fallbacksBefore = fallbackCounts(server);
            for (int k = 1; k <= swaps; k++)
            {
                LoadGenerator.awaitTime(from + k * intervalNanos, true);
                if (load.isDone())
                {
                    load.get(); // the load failed: its exception says why
                    throw new IllegalStateException("the load ended before swap " + k);
                }
                final int version = k % 2 == 1 ? 2 : 1;
                final long[] gcBefore = collections();
                final long request = System.nanoTime();
                final AdminOutcome outcome = models.deploy(MODEL, version, true);
                final long returned = System.nanoTime();
                final long[] gcAfter = collections();
                if (!outcome.done())
                {
                    throw new IllegalStateException("deploy " + MODEL + "/" + version + " was refused: " + outcome.code() + ": " +
                        outcome.message());
                }
                done.add(new Swap(k, version, request, returned, models.lastSwapNanos(), server.scoring().activeModelVersion(),
                    (int)(gcAfter[0] - gcBefore[0]), gcAfter[1] - gcBefore[1], outcome.message()));
            }
            report = load.get();
            final long[] fallbacksAfter = fallbackCounts(server);
            for (int i = 0; i < fallbacks.length; i++)
            {
                fallbacks[i] = fallbacksAfter[i] - fallbacksBefore[i];
            }
        }
        final String text = report(config, primaryAtStart, done, windows, report, fallbacks, outFile);
        System.out.print(text);
        return done.stream().allMatch(s -> s.activeVersion() == s.version()) && report.acked() == report.sent() ? 0 : 1;
    }

    private String report(final RillConfig config, final String primaryAtStart, final List<Swap> done, final Windows windows,
        final LoadReport load, final long[] fallbacks, final Path outFile) throws IOException
    {
        final String[] groupOf = windows.groups(done);
        final Map<String, Histogram> merged = new LinkedHashMap<>();
        final Map<String, Group> groups = new LinkedHashMap<>();
        final List<Window> rows = new ArrayList<>();
        for (final String name : GROUPS)
        {
            merged.put(name, new Histogram(HIGHEST_NANOS, 3));
        }
        final Map<String, Double> worst = new LinkedHashMap<>();
        final Map<String, Integer> count = new LinkedHashMap<>();
        for (int w = 0; w < groupOf.length; w++)
        {
            final Histogram h = windows.histogram(w);
            merged.get(groupOf[w]).add(h);
            count.merge(groupOf[w], 1, Integer::sum);
            final double p99 = micros(h, 99);
            worst.merge(groupOf[w], p99, Math::max);
            rows.add(new Window(w, groupOf[w], h.getTotalCount(), micros(h, 50), p99, micros(h, 99.9), h.getMaxValue() / 1000.0));
        }
        for (final String name : GROUPS)
        {
            final Histogram h = merged.get(name);
            groups.put(name, new Group(name, count.getOrDefault(name, 0), h.getTotalCount(), micros(h, 50), micros(h, 99),
                micros(h, 99.9), h.getMaxValue() / 1000.0, worst.getOrDefault(name, 0.0)));
        }
        final long[] swapNanos = done.stream().mapToLong(Swap::swapNanos).sorted().toArray();
        final long[] callNanos = done.stream().mapToLong(s -> s.returnNanos() - s.requestNanos()).sorted().toArray();

        final StringBuilder sb = new StringBuilder();
        line(sb, "swap-probe: %s ⇄ %s/2 (%s/1 with its fraud logit shifted by %+.1f, ModelDrills), deploy with force every %.1f s, " +
                "%d swaps,", primaryAtStart, MODEL, MODEL, LOGIT_SHIFT, intervalSeconds, swaps);
        line(sb, "  under %,d events/s offered (open loop, pacing %s), %.1f s warm-up, %.1f s measured; server in this JVM on " +
            "127.0.0.1, %d cores,", rate, pacing, warmupSeconds, load.measuredSeconds(), Runtime.getRuntime().availableProcessors());
        line(sb, "  model defaults of rill serve (batch budget %d µs, fallback model: %s, drift watch), pipeline %s, admin channel " +
            "off (deploys call server.models())", config.model().batchBudgetMicros(), config.model().fallbackModel(),
            config.pipeline().threading());
        line(sb, "");
        line(sb, "swap time (ModelManager.lastSwapNanos: request -> primary and fallback loaded -> taken up at a batch boundary):");
        line(sb, "  p50 %.1f ms, max %.1f ms (%d swaps); the deploy call as the probe saw it: p50 %.1f ms, max %.1f ms",
            millis(median(swapNanos)), millis(swapNanos[swapNanos.length - 1]), swapNanos.length, millis(median(callNanos)),
            millis(callNanos[callNanos.length - 1]));
        for (final Swap s : done)
        {
            line(sb, "  %2d. %s/%d: %.1f ms (deploy call %.1f ms)%s%s", s.number(), MODEL, s.version(), millis(s.swapNanos()),
                millis(s.returnNanos() - s.requestNanos()),
                s.activeVersion() == s.version() ? "" : " (NOT taken up: active version " + s.activeVersion() + ")",
                s.collections() == 0 ? "" : String.format(Locale.ROOT, "; %d GC during the call, %d ms", s.collections(),
                    s.collectionMillis()));
        }
        line(sb, "");
        line(sb, "load: sent %,d, acknowledged %,d, refused %,d; fallback scores during the swaps: %s", load.sent(),
            load.acked(), load.nacked(), fallbackText(fallbacks));
        line(sb, "ack latency (µs, ack - intended send) by %d ms window of intended send time:", windowMillis);
        line(sb, "  %-36s %7s %10s %9s %9s %9s %9s %18s", "", "windows", "events", "p50", "p99", "p99.9", "max", "worst window p99");
        final String[] labels = {"with a swap (overlaps a deploy call)", "just after a swap window", "without a swap (the rest)"};
        for (int i = 0; i < GROUPS.length; i++)
        {
            final Group g = groups.get(GROUPS[i]);
            line(sb, "  %-36s %7d %,10d %9.1f %9.1f %9.1f %9.1f %18.1f", labels[i], g.windows(), g.events(), g.p50Us(), g.p99Us(),
                g.p999Us(), g.maxUs(), g.worstWindowP99Us());
        }
        line(sb, "  %-36s %7s %,10d %9.1f %9.1f %9.1f %9.1f", "whole measured run (LoadGenerator)", "",
            load.latency().getTotalCount(), load.micros(50), load.micros(99), load.micros(99.9), load.latency().getMaxValue() / 1000.0);
        final Group swap = groups.get("swap");
        final Group without = groups.get("without");
        line(sb, "  with a swap / without: p50 %.2f×, p99 %.2f×, p99.9 %.2f× (p99.9 of %,d events rests on %,d samples)",
            swap.p50Us() / without.p50Us(), swap.p99Us() / without.p99Us(), swap.p999Us() / without.p999Us(), swap.events(),
            swap.events() / 1000);
        sb.append(String.format(Locale.ROOT, "{\"label\":\"swap\",\"rate\":%d,\"swaps\":%d,\"intervalSeconds\":%.3f," +
                "\"windowMillis\":%d,\"swapP50Ms\":%.3f,\"swapMaxMs\":%.3f,\"swapP50Us\":%.2f,\"swapP99Us\":%.2f,\"swapP999Us\":%.2f," +
                "\"withoutP50Us\":%.2f,\"withoutP99Us\":%.2f,\"withoutP999Us\":%.2f,\"afterP99Us\":%.2f,\"fallbacks\":%d," +
                "\"sent\":%d,\"acked\":%d}%n", rate, swaps, intervalSeconds, windowMillis, millis(median(swapNanos)),
            millis(swapNanos[swapNanos.length - 1]), swap.p50Us(), swap.p99Us(), swap.p999Us(), without.p50Us(), without.p99Us(),
            without.p999Us(), groups.get("after").p99Us(), Arrays.stream(fallbacks).sum(), load.sent(), load.acked()));

        Files.writeString(outFile, sb.toString(), StandardCharsets.UTF_8);
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("rate", rate);
        json.put("pacing", pacing);
        json.put("warmupSeconds", warmupSeconds);
        json.put("measuredSeconds", load.measuredSeconds());
        json.put("intervalSeconds", intervalSeconds);
        json.put("windowMillis", windowMillis);
        json.put("batchBudgetMicros", config.model().batchBudgetMicros());
        json.put("swaps", done);
        json.put("groups", groups.values());
        json.put("fallbacks", fallbackMap(fallbacks));
        json.put("load", Map.of("sent", load.sent(), "acked", load.acked(), "nacked", load.nacked(),
            "p50Us", load.micros(50), "p99Us", load.micros(99), "p999Us", load.micros(99.9)));
        json.put("windows", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(outFile.resolveSibling("swap.json").toFile(), json);
        for (final String name : GROUPS)
        {
            Files.writeString(outFile.resolveSibling("swap-" + name + ".hgrm"), distribution(merged.get(name)), StandardCharsets.UTF_8);
        }
        line(sb, "swap-probe: results in %s", outFile.getParent());
        return sb.toString();
    }

    /**
     * The measured events' latencies in one histogram per window of intended send time. The
     * histograms are made before the load starts; the client's I/O thread alone records into them.
     */
    static final class Windows implements LoadGenerator.LatencySink
    {
        private final long windowNanos;
        private final Histogram[] histograms;
        private final CountDownLatch measuring = new CountDownLatch(1);
        private volatile long from;

        Windows(final long windowNanos, final int count)
        {
            this.windowNanos = windowNanos;
            this.histograms = new Histogram[count];
            for (int i = 0; i < count; i++)
            {
                histograms[i] = new Histogram(HIGHEST_NANOS, 3);
            }
        }

        @Override
        public void measuring(final long fromNanos, final long untilNanos)
        {
            from = fromNanos;
            measuring.countDown();
        }

        @Override
        public void record(final long sendNanos, final long latencyNanos)
        {
            final long w = (sendNanos - from) / windowNanos;
            if (w >= 0 && w < histograms.length)
            {
                histograms[(int)w].recordValue(Math.min(latencyNanos, HIGHEST_NANOS));
            }
        }

        /** @return the start of the measured period, once the load has started; fails if the load fails first. */
        long awaitMeasuring(final FutureTask<LoadReport> load, final long timeoutNanos) throws Exception
        {
            final long deadline = System.nanoTime() + timeoutNanos;
            while (!measuring.await(100, TimeUnit.MILLISECONDS))
            {
                if (load.isDone())
                {
                    load.get();
                    throw new IllegalStateException("the load ended before it began measuring");
                }
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("the load did not start within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) +
                        " s; is the server accepting connections?");
                }
            }
            return from;
        }

        /** @return each window's group: "swap" when it overlaps a deploy call, "after" just after one, else "without". */
        String[] groups(final List<Swap> swaps)
        {
            final String[] group = new String[histograms.length];
            Arrays.fill(group, "without");
            for (final Swap s : swaps)
            {
                final long first = Math.max(0, Math.floorDiv(s.requestNanos() - from, windowNanos));
                final long last = Math.min(histograms.length - 1, Math.floorDiv(s.returnNanos() - from, windowNanos));
                for (long w = first; w <= last; w++)
                {
                    group[(int)w] = "swap";
                }
            }
            for (int w = 1; w < group.length; w++)
            {
                if ("without".equals(group[w]) && "swap".equals(group[w - 1]))
                {
                    group[w] = "after";
                }
            }
            return group;
        }

        /** Read only after the load has returned (every event acknowledged). */
        Histogram histogram(final int window)
        {
            return histograms[window];
        }
    }

    private static Path copyVersion(final Path source, final Path target) throws IOException
    {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }

    private static long[] fallbackCounts(final RillServer server)
    {
        final long[] counts = new long[FallbackReason.values().length];
        for (final FallbackReason reason : FallbackReason.values())
        {
            counts[reason.ordinal()] = server.scoring().fallbackCount(reason);
        }
        return counts;
    }

    private static Map<String, Long> fallbackMap(final long[] fallbacks)
    {
        final Map<String, Long> map = new LinkedHashMap<>();
        for (final FallbackReason reason : FallbackReason.values())
        {
            map.put(reason.name(), fallbacks[reason.ordinal()]);
        }
        return map;
    }

    private static String fallbackText(final long[] fallbacks)
    {
        final long total = Arrays.stream(fallbacks).sum();
        if (total == 0)
        {
            return "none";
        }
        final StringBuilder sb = new StringBuilder().append(total).append(" (");
        for (final FallbackReason reason : FallbackReason.values())
        {
            if (fallbacks[reason.ordinal()] > 0)
            {
                sb.append(reason.name()).append(' ').append(fallbacks[reason.ordinal()]).append(", ");
            }
        }
        return sb.substring(0, sb.length() - 2) + ")";
    }

    /** @return collections so far and their total milliseconds, over every collector of this JVM. */
    private static long[] collections()
    {
        long count = 0;
        long millis = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    private static String distribution(final Histogram h)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            h.outputPercentileDistribution(print, 5, 1000.0);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static double micros(final Histogram h, final double percentile)
    {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double millis(final long nanos)
    {
        return nanos / 1e6;
    }

    private static long median(final long[] sorted)
    {
        return sorted[(sorted.length - 1) / 2];
    }

    private static void line(final StringBuilder sb, final String format, final Object... args)
    {
        sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }
}
