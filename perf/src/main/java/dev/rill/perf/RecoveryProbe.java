package dev.rill.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ProducerSessionDecoder;
import dev.rill.bus.codec.ProducerSessionEncoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.ResultEncoder;
import dev.rill.journal.CheckpointStore;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.ProducerTable;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long after a crash does {@code rill serve} accept connections again, with a journal of
 * {@code --events} events (10M by default)? The goal: within 2 s with a recent checkpoint.
 *
 * <p>Builds a data directory as a crashed server would leave it, without a server: journal "in"
 * holds {@code --events} payments Events from {@code --producers} producers (random interleaving,
 * a ProducerSession record at each producer's first event and again for every producer half way,
 * as after an earlier restart), journal "out" a Result for each of them (in "in" order, score from
 * the real model) except the last {@code --unpublished} ones, and {@code <dataDir>/checkpoints} a
 * checkpoint {@code --checkpoint-distance} events before the end of "in", holding the producer
 * table as of that record. Records are SBE-encoded and appended with {@link ChronicleJournal}
 * (CRC32C trailer included), exactly as the pipeline writes them. The files are then forced to
 * disk, so that writeback does not run during the measurements.
 *
 * <p>Then, for each scenario (with the checkpoint; without any checkpoint, a full scan of "in"),
 * it starts {@code java -jar rill.jar serve} {@code --runs} times in a fresh JVM, as an operator
 * would, and reads its output: (a) the time from starting the process to its "rill: serving on"
 * line (confirmed by a TCP connect), (b) the server's own "rill: recovered in X ms" (from the
 * start of {@code RillServer.open}, start check and model load included, until every unpublished
 * event is back in the ring). Each server is stopped with SIGTERM (it drains: the resubmitted
 * events get their Results); before the next start the probe appends {@code --unpublished} new
 * events without Results and writes a new checkpoint the same distance before the new end, so
 * every start recovers the same amount. With {@code --jfr}, one more start per scenario runs
 * under Java Flight Recorder (1 ms sampling) and the probe prints where the server's main
 * thread spent the start, by the call made from {@code RillServer.open}.
 *
 * <p>The page cache is warm (the journals were just written), as after a process crash; {@code
 * --cold} evicts the data directory's files from the page cache before each start (fadvise
 * DONTNEED through {@code dd iflag=nocache}; only these files), as after a reboot.
 *
 * <p>Writes the report to {@code --out} (default {@code perf/results/<UTC timestamp>/recovery.txt})
 * and stdout, with one JSON line for {@link LoadSummary}; the server logs (and JFR recordings) go
 * beside it. The data directory is deleted at the end unless {@code --keep}.
 */
@Command(name = "recovery-probe", mixinStandardHelpOptions = true,
    description = "Time rill serve's recovery and start on a crashed journal of N events.")
public final class RecoveryProbe implements Callable<Integer>
{
    private static final Pattern SERVING = Pattern.compile("rill: serving on ([^\\s:]+):(\\d+)");
    private static final Pattern RECOVERED = Pattern.compile(
        "recovered in (\\d+) ms: (.*?), (\\d+) records of \"in\" read after it, (\\d+) producers, (\\d+) events without a Result");
    private static final Pattern STOPPED = Pattern.compile("rill: stopped; (\\d+) results published");
    private static final int RESULT_IN_INDEX = MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.inIndexEncodingOffset();
    private static final long EVENT_PERIOD_NANOS = 10_000; // event times 10 us apart: 100k events/s
    private static final int POOL = 1 << 16;
    private static final long FIRST_PRODUCER_ID = 1001;

    @Option(names = "--dir", defaultValue = "/tmp", description = "Parent of the fresh data directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--events", defaultValue = "10000000", description = "Events in 'in' (default: ${DEFAULT-VALUE})")
    long events;

    @Option(names = "--producers", defaultValue = "100", description = "Producers (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--unpublished", defaultValue = "1000",
        description = "Last events of 'in' without a Result in 'out': recovery resubmits them (default: ${DEFAULT-VALUE})")
    int unpublished;

    @Option(names = "--checkpoint-distance", defaultValue = "100000", split = ",",
        description = "Events of 'in' after the checkpoint's record, one scenario each (comma-separated; 'none' for no " +
            "checkpoint scenario). Default ${DEFAULT-VALUE}: 1 s at 100k events/s. The server's default interval is 10 s.")
    List<String> checkpointDistance;

    @Option(names = "--full-scan", defaultValue = "true", arity = "1",
        description = "Also measure with no checkpoint at all: all of 'in' scanned (default: ${DEFAULT-VALUE})")
    boolean fullScan;

    @Option(names = "--runs", defaultValue = "3", description = "Server starts per scenario (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--jfr", description = "One more start per scenario under JFR; prints where the start's time went")
    boolean jfr;

    @Option(names = "--cold", description = "Evict the data directory's files from the page cache before each start")
    boolean cold;

    @Option(names = "--rill-jar", description = "The rill launcher jar (default: ops/target/rill.jar of the repository)")
    Path rillJar;

    @Option(names = "--server-jvm-args", defaultValue = "-Xmx1g",
        description = "JVM options of rill serve, space-separated (default: ${DEFAULT-VALUE})")
    String serverJvmArgs;

    @Option(names = "--start-timeout-seconds", defaultValue = "180", description = "Give up on a start after (default: ${DEFAULT-VALUE})")
    int startTimeoutSeconds;

    @Option(names = "--out", description = "Report file (default: perf/results/<UTC timestamp>/recovery.txt of the repository)")
    Path out;

    @Option(names = "--keep", description = "Keep the data directory")
    boolean keep;

    private final StringBuilder report = new StringBuilder();
    private Path root;
    private Path work;
    private Path data;
    private JournalConfig journalConfig;
    private Generator generator;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new RecoveryProbe()).execute(args));
    }

    /** One scenario: a checkpoint that many events before the end, or none ({@code distance < 0}). */
    private record Scenario(String name, long distance)
    {
    }

    /** One start of the server. */
    private record Start(long acceptMillis, long connectMillis, long recoveryMillis, long scanned, int producers, long resubmitted,
        long published, String recoveryLine, Path log)
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final List<Scenario> scenarios = scenarios();
        final long maxDistance = scenarios.stream().mapToLong(Scenario::distance).max().orElse(-1);
        if (events <= Math.max(maxDistance, unpublished) || producers < 1 || unpublished < 0 || runs < 1)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "need --events above every --checkpoint-distance and --unpublished, --producers >= 1, --runs >= 1");
        }
        final Path model = ModelLocator.fraudModel().toAbsolutePath();
        root = model.getParent().getParent().getParent();
        final Path jar = rillJar != null ? rillJar : root.resolve("ops/target/rill.jar");
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException(jar + " is missing; run 'mvn -B -q -DskipTests package' from " + root + " first");
        }
        final Path outFile = out != null ? out : root.resolve("perf/results")
            .resolve(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()))
            .resolve("recovery.txt");
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        final Path outDir = outFile.toAbsolutePath().getParent();

        work = Files.createTempDirectory(Files.createDirectories(dir), "rill-recovery-");
        data = work.resolve("data");
        journalConfig = JournalConfig.of(data).withPretouch(false);
        try
        {
            line("recovery-probe: %,d payments events from %d producers in \"in\", a Result for each in \"out\" but the last %,d;",
                events, producers, unpublished);
            line("  checkpoint scenarios: %s%s", scenarios.stream().map(Scenario::name).toList(),
                cold ? "; page cache evicted before each start (--cold)" : "; page cache warm (as after a process crash)");
            line("  data directory %s (%s)", data, Files.getFileStore(Files.createDirectories(data)));

            final long genStart = System.nanoTime();
            generator = new Generator(model, producers, Math.max(maxDistance, 0));
            generator.generate(maxDistance);
            final double genSeconds = (System.nanoTime() - genStart) / 1e9;
            final long flushStart = System.nanoTime();
            forceAll(data);
            final double flushSeconds = (System.nanoTime() - flushStart) / 1e9;
            line("  wrote the journals in %.1f s (%,d records in \"in\", %,d in \"out\"), forced them to disk in %.1f s",
                genSeconds, generator.inRecords, generator.outRecords, flushSeconds);
            final long inBytes = diskBytes(data.resolve("in"), false);
            final long outBytes = diskBytes(data.resolve("out"), false);
            final long total = diskBytes(data, false);
            final long apparent = diskBytes(data, true);
            line("  size on disk (du): in %s, out %s, data directory %s (apparent size %s)", bytes(inBytes), bytes(outBytes),
                bytes(total), bytes(apparent));

            final List<String> jvm = new ArrayList<>(Arrays.asList(serverJvmArgs.trim().split("\\s+")));
            jvm.removeIf(String::isEmpty);
            line("  server: java %s -jar %s serve --config <probe's yaml> --stats-interval 0 (fresh JVM each start; %d cores)",
                String.join(" ", jvm), shown(jar), Runtime.getRuntime().availableProcessors());
            final long baseline = jvmBaseline(jar, jvm);
            line("  JVM start + CLI alone (`rill --version`, median of 3): %d ms", baseline);
            final Path config = writeConfig(model);

            final StringBuilder json = new StringBuilder();
            json.append(String.format(Locale.ROOT, "{\"label\":\"recovery\",\"events\":%d,\"producers\":%d,\"unpublished\":%d," +
                    "\"inBytes\":%d,\"outBytes\":%d,\"dataBytes\":%d,\"jvmBaselineMs\":%d,\"generateSeconds\":%.1f,\"cold\":%d",
                events, producers, unpublished, inBytes, outBytes, total, baseline, genSeconds, cold ? 1 : 0));
            for (final Scenario scenario : scenarios)
            {
                line("");
                line("%s:", scenario.distance < 0 ? "without a checkpoint (all of \"in\" scanned)" :
                    String.format(Locale.ROOT, "with a checkpoint %,d events before the end of \"in\"", scenario.distance));
                final List<Start> starts = new ArrayList<>();
                for (int run = 1; run <= runs; run++)
                {
                    prepare(scenario);
                    final Start s = startServer(jar, jvm, config, outDir.resolve("recovery-" + scenario.name + "-" + run + ".log"), null);
                    starts.add(s);
                    line("  start %d: accepting after %,d ms (TCP connect ok at %,d ms); server: %s%s", run, s.acceptMillis,
                        s.connectMillis, s.recoveryLine, s.published == s.resubmitted ? "" : "; published only " + s.published);
                }
                final long accept = median(starts.stream().mapToLong(Start::acceptMillis).toArray());
                final long recovery = median(starts.stream().mapToLong(Start::recoveryMillis).toArray());
                line("  median of %d: accepting after %,d ms (min %,d, max %,d), server recovery %,d ms (min %,d, max %,d)%s", runs,
                    accept, starts.stream().mapToLong(Start::acceptMillis).min().orElse(-1),
                    starts.stream().mapToLong(Start::acceptMillis).max().orElse(-1), recovery,
                    starts.stream().mapToLong(Start::recoveryMillis).min().orElse(-1),
                    starts.stream().mapToLong(Start::recoveryMillis).max().orElse(-1),
                    scenario.distance < 0 ? "" : "; goal accepting within 2 s: " + (accept <= 2000 ? "met" : "NOT met"));
                json.append(String.format(Locale.ROOT, ",\"%sAcceptMs\":%d,\"%sRecoveryMs\":%d,\"%sScanned\":%d,\"%sDistance\":%d",
                    scenario.name, accept, scenario.name, recovery, scenario.name, starts.get(0).scanned, scenario.name,
                    scenario.distance));
                if (jfr)
                {
                    prepare(scenario);
                    final Path recording = outDir.resolve("recovery-" + scenario.name + ".jfr");
                    final Start s = startServer(jar, jvm, config, outDir.resolve("recovery-" + scenario.name + "-jfr.log"), recording);
                    line("  under JFR (1 ms sampling; JFR itself slows the start): accepting after %,d ms; server: %s", s.acceptMillis,
                        s.recoveryLine);
                    final String profile = StartProfile.summarise(recording, s.acceptMillis);
                    System.out.print(profile);
                    report.append(profile);
                    line("  recording: %s", shown(recording));
                }
            }
            json.append('}');
            line("");
            report.append(json).append('\n');
            Files.writeString(outFile, report, StandardCharsets.UTF_8);
            System.out.println("recovery-probe: report in " + outFile);
        }
        finally
        {
            if (!keep)
            {
                delete(work);
            }
            else
            {
                System.out.println("recovery-probe: kept " + work);
            }
        }
        return 0;
    }

    private List<Scenario> scenarios()
    {
        final List<Scenario> list = new ArrayList<>();
        for (final String d : checkpointDistance)
        {
            if (!d.trim().equalsIgnoreCase("none"))
            {
                final long distance = Long.parseLong(d.trim().replace("_", ""));
                if (distance < 0)
                {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--checkpoint-distance must be 0 or more, or none");
                }
                list.add(new Scenario(list.isEmpty() && checkpointDistance.size() == 1 ? "checkpoint" : "checkpoint" + distance, distance));
            }
        }
        if (fullScan || list.isEmpty())
        {
            list.add(new Scenario("fullScan", -1));
        }
        return list;
    }

    /**
     * Makes the data directory hold {@code --unpublished} events without a Result (appending that
     * many when the last server published them all) and the scenario's checkpoint (or none).
     */
    private void prepare(final Scenario scenario) throws IOException, InterruptedException
    {
        try (ChronicleJournal in = ChronicleJournal.open(journalConfig, "in");
            ChronicleJournal outJournal = ChronicleJournal.open(journalConfig, "out"))
        {
            final long missing = countUnpublished(in, outJournal);
            if (missing < unpublished)
            {
                generator.appendEvents(in, unpublished - missing, false);
            }
            final CheckpointStore store = CheckpointStore.in(data);
            for (final Path file : store.files())
            {
                Files.delete(file);
            }
            if (scenario.distance >= 0)
            {
                generator.writeCheckpoint(in, store, scenario.distance);
            }
        }
        if (cold)
        {
            forceAll(data);
            evict(data);
        }
    }

    /** @return events of "in" after the in index of the last Result of "out". */
    private static long countUnpublished(final Journal in, final Journal out)
    {
        final long[] lastPublished = {Journal.NO_INDEX};
        if (out.lastIndex() != Journal.NO_INDEX)
        {
            try (JournalReader reader = out.newReader())
            {
                if (reader.moveTo(out.lastIndex()))
                {
                    reader.poll((index, buffer, offset, length) ->
                        lastPublished[0] = buffer.getLong(offset + RESULT_IN_INDEX, ResultDecoder.BYTE_ORDER), 1);
                }
            }
        }
        final long[] count = {0};
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        try (JournalReader reader = in.newReader())
        {
            if (lastPublished[0] == Journal.NO_INDEX)
            {
                reader.toStart();
            }
            else if (!reader.moveToAtOrAfter(lastPublished[0] + 1))
            {
                return 0;
            }
            while (reader.poll((index, buffer, offset, length) ->
            {
                if (header.wrap(buffer, offset).templateId() == EventDecoder.TEMPLATE_ID)
                {
                    count[0]++;
                }
            }, 4096) > 0)
            {
                // to the end
            }
        }
        return count[0];
    }

    private Path writeConfig(final Path model) throws IOException
    {
        final Path config = work.resolve("rill.yaml");
        Files.writeString(config, "# written by RecoveryProbe\n" +
            "dataDir: " + data + "\n" +
            "gateway:\n  host: 127.0.0.1\n  port: 0\n" +
            "model:\n  directory: " + model + "\n", StandardCharsets.UTF_8);
        return config;
    }

    /** Starts rill serve, waits for "serving on", connects once, stops it with SIGTERM and reads what it printed. */
    private Start startServer(final Path jar, final List<String> jvm, final Path config, final Path log, final Path recording)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        if (recording != null)
        {
            command.add("-XX:FlightRecorderOptions:stackdepth=512");
            command.add("-XX:StartFlightRecording:filename=" + recording + ",settings=" + StartProfile.settings(work));
        }
        command.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString(), "--stats-interval", "0"));
        final CompletableFuture<Long> serving = new CompletableFuture<>();
        final CompletableFuture<Long> stopped = new CompletableFuture<>();
        final Matcher[] found = new Matcher[2]; // SERVING, RECOVERED
        final long[] published = {-1};
        final long start = System.nanoTime();
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8)))
            {
                String text;
                while ((text = reader.readLine()) != null)
                {
                    final long now = System.nanoTime();
                    writer.println(text);
                    writer.flush();
                    final Matcher r = RECOVERED.matcher(text);
                    if (r.find())
                    {
                        found[1] = r;
                    }
                    final Matcher s = SERVING.matcher(text);
                    if (s.find())
                    {
                        found[0] = s;
                        serving.complete(now);
                    }
                    final Matcher p = STOPPED.matcher(text);
                    if (p.find())
                    {
                        published[0] = Long.parseLong(p.group(1));
                    }
                }
            }
            catch (final IOException e)
            {
                // the process is gone
            }
            serving.completeExceptionally(new IOException("rill serve ended before serving; see " + log));
            stopped.complete(System.nanoTime());
        }, "recovery-probe-server-output");
        pump.setDaemon(true);
        pump.start();
        try
        {
            final long servingAt;
            try
            {
                servingAt = serving.get(startTimeoutSeconds, TimeUnit.SECONDS);
            }
            catch (final Exception e)
            {
                throw new IOException("rill serve did not serve within " + startTimeoutSeconds + " s; see " + log, e);
            }
            final Matcher s = found[0];
            final Matcher r = found[1];
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(s.group(1), Integer.parseInt(s.group(2))), 10_000);
            }
            final long connectedAt = System.nanoTime();
            // SIGTERM: the server drains, so the resubmitted events get their Results. Through the
            // handle: Process.destroy() would also close the pipe before the server's last lines.
            process.toHandle().destroy();
            if (!process.waitFor(120, TimeUnit.SECONDS))
            {
                throw new IOException("rill serve did not stop within 120 s after SIGTERM; see " + log);
            }
            pump.join(10_000);
            if (r == null)
            {
                throw new IOException("rill serve printed no 'recovered in' line; see " + log);
            }
            return new Start(TimeUnit.NANOSECONDS.toMillis(servingAt - start), TimeUnit.NANOSECONDS.toMillis(connectedAt - start),
                Long.parseLong(r.group(1)), Long.parseLong(r.group(3)), Integer.parseInt(r.group(4)), Long.parseLong(r.group(5)),
                published[0], r.group(0), log);
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** @return median wall time of {@code java <jvm> -jar rill.jar --version}, in ms. */
    private static long jvmBaseline(final Path jar, final List<String> jvm) throws IOException, InterruptedException
    {
        final long[] times = new long[3];
        for (int i = 0; i < times.length; i++)
        {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm);
            command.addAll(List.of("-jar", jar.toString(), "--version"));
            final long start = System.nanoTime();
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
            p.waitFor(60, TimeUnit.SECONDS);
            times[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        return median(times);
    }

    /** @return the path relative to the repository root when under it. */
    private String shown(final Path path)
    {
        final Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(root) ? root.relativize(absolute).toString() : absolute.toString();
    }

    private static long median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** fsync every file under {@code dir}, so that writeback does not run during a measurement. */
    private static void forceAll(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    channel.force(true);
                }
            }
        }
    }

    /** Drops the page cache of every file under {@code dir} (clean pages only: force them first). */
    private static void evict(final Path dir) throws IOException, InterruptedException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                final Process p = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0)
                {
                    throw new IOException("dd iflag=nocache failed for " + file);
                }
            }
        }
    }

    /** @return bytes allocated on disk under {@code path} ({@code du}), or its apparent size. */
    private static long diskBytes(final Path path, final boolean apparent) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("du", "-s", "-B1"));
        if (apparent)
        {
            command.add("--apparent-size");
        }
        command.add(path.toString());
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() == 0 && !output.isEmpty())
        {
            return Long.parseLong(output.split("\\s+")[0]);
        }
        try (Stream<Path> files = Files.walk(path))
        {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String bytes(final long bytes)
    {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double)(1L << 30)) :
            String.format(Locale.ROOT, "%.1f MiB", bytes / (double)(1L << 20));
    }

    private void line(final String format, final Object... args)
    {
        final String text = String.format(Locale.ROOT, format, args);
        System.out.println(text);
        System.out.flush();
        report.append(text).append('\n');
    }

    private static void delete(final Path path) throws IOException
    {
        try (Stream<Path> files = Files.walk(path))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Writes the journals: payments Events from a pool of generated payments (with their real
     * model scores), producer sessions, Results; remembers the producer table at the base
     * checkpoint and the in index of the recent events, to place checkpoints later.
     */
    private final class Generator
    {
        private final double[][] fields = new double[POOL][FraudFeatures.PAYMENT_FIELDS.size()];
        private final long[] keys = new long[POOL];
        private final double[] scores = new double[POOL];
        private final int modelVersion;
        private final byte[] modelName;
        private final byte[] topic = FraudFeatures.PAYMENTS_TOPIC.getBytes(StandardCharsets.US_ASCII);
        private final long[] lastSeq;
        private final int[] epoch;
        private final long[] recentInIndex;
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final EventEncoder event = new EventEncoder();
        private final ResultEncoder result = new ResultEncoder();
        private final ProducerSessionEncoder session = new ProducerSessionEncoder();
        private final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
        private final long firstEventTime;
        private long eventNumber;
        private long random = 0x9E3779B97F4A7C15L;
        private ProducerTable baseTable;
        private long baseIndex = Journal.NO_INDEX;
        long inRecords;
        long outRecords;

        Generator(final Path model, final int producers, final long maxDistance) throws Exception
        {
            final FraudDataGenerator payments = new FraudDataGenerator(42);
            for (int i = 0; i < POOL; i++)
            {
                payments.next(fields[i]);
                keys[i] = payments.lastCardId();
            }
            try (OnnxScorer scorer = OnnxScorer.open(model, 128))
            {
                final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), FraudFeatures.payments());
                final FloatBuffer rows = scorer.inputRows();
                for (int i = 0; i < POOL; i += 128)
                {
                    for (int row = 0; row < 128; row++)
                    {
                        extractor.extract(fields[i + row], rows, row);
                    }
                    scorer.run(128);
                    for (int row = 0; row < 128; row++)
                    {
                        scores[i + row] = scorer.score(row);
                    }
                }
                modelVersion = scorer.modelVersion();
                modelName = (scorer.descriptor().name() + "/" + modelVersion).getBytes(StandardCharsets.US_ASCII);
            }
            lastSeq = new long[producers];
            epoch = new int[producers];
            recentInIndex = new long[(int)maxDistance + 1];
            firstEventTime = System.currentTimeMillis() * 1_000_000L - events * EVENT_PERIOD_NANOS;
        }

        /** Writes all of "in" and "out"; the base checkpoint's table is taken {@code maxDistance} events before the end. */
        void generate(final long maxDistance)
        {
            try (ChronicleJournal in = ChronicleJournal.open(journalConfig, "in");
                ChronicleJournal outJournal = ChronicleJournal.open(journalConfig, "out"))
            {
                final long half = events / 2;
                final long baseAt = maxDistance < 0 ? -1 : events - 1 - maxDistance;
                for (long i = 0; i < events; i++)
                {
                    if (i == half)
                    {
                        for (int p = 0; p < producers; p++) // every producer reconnects, as after an earlier restart
                        {
                            if (epoch[p] > 0)
                            {
                                appendSession(in, p, epoch[p] + 1);
                            }
                        }
                    }
                    final long inIndex = appendEvent(in, outJournal, i < events - unpublished);
                    if (i == baseAt)
                    {
                        baseIndex = inIndex;
                        baseTable = new ProducerTable();
                        for (int p = 0; p < producers; p++)
                        {
                            if (epoch[p] > 0)
                            {
                                baseTable.restore(FIRST_PRODUCER_ID + p, lastSeq[p], epoch[p]);
                            }
                        }
                    }
                }
            }
        }

        /** Appends {@code count} more events ({@code withResults}: each with its Result in "out"). */
        void appendEvents(final ChronicleJournal in, final long count, final boolean withResults)
        {
            if (withResults)
            {
                throw new UnsupportedOperationException("only unpublished events are appended between starts");
            }
            for (long i = 0; i < count; i++)
            {
                appendEvent(in, null, false);
            }
        }

        private long appendEvent(final ChronicleJournal in, final ChronicleJournal outJournal, final boolean withResult)
        {
            random ^= random << 13;
            random ^= random >>> 7;
            random ^= random << 17;
            final int p = (int)Long.remainderUnsigned(random, producers);
            if (epoch[p] == 0)
            {
                appendSession(in, p, 1);
            }
            final long n = eventNumber++;
            final int payment = (int)(n & (POOL - 1));
            final long seq = ++lastSeq[p];
            final long producerId = FIRST_PRODUCER_ID + p;
            final long eventTime = firstEventTime + n * EVENT_PERIOD_NANOS;
            final long ingestTime = eventTime + 40_000;
            event.wrapAndApplyHeader(buffer, 0, header)
                .producerId(producerId).seq(seq).key(keys[payment]).eventTimeNanos(eventTime).ingestTimeNanos(ingestTime)
                .connectionId(1 + p + (epoch[p] - 1) * producers);
            final double[] values = fields[payment];
            final EventEncoder.FieldsEncoder group = event.fieldsCount(values.length);
            for (final double value : values)
            {
                group.next().value(value);
            }
            event.putTopic(topic, 0, topic.length);
            final long inIndex = in.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + event.encodedLength());
            inRecords++;
            if (recentInIndex.length > 0)
            {
                recentInIndex[(int)(n % recentInIndex.length)] = inIndex;
            }
            if (withResult)
            {
                result.wrapAndApplyHeader(buffer, 0, header)
                    .outIndex(Journal.NO_INDEX).inIndex(inIndex).producerId(producerId).seq(seq).key(keys[payment])
                    .eventTimeNanos(eventTime).ingestTimeNanos(ingestTime).scoredTimeNanos(ingestTime + 60_000)
                    .publishTimeNanos(ingestTime + 75_000).modelVersion(modelVersion).score(scores[payment])
                    .correctsOutIndex(Journal.NO_INDEX);
                result.flags().clear();
                result.putTopic(topic, 0, topic.length);
                result.putModelName(modelName, 0, modelName.length);
                outJournal.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength());
                outRecords++;
            }
            return inIndex;
        }

        private void appendSession(final ChronicleJournal in, final int p, final int newEpoch)
        {
            epoch[p] = newEpoch;
            session.wrapAndApplyHeader(buffer, 0, header).producerId(FIRST_PRODUCER_ID + p).epoch(newEpoch)
                .timeNanos(firstEventTime + eventNumber * EVENT_PERIOD_NANOS);
            in.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + session.encodedLength());
            inRecords++;
        }

        /**
         * Writes a checkpoint at the event {@code distance} events before the end of "in": the base
         * table brought forward by reading "in" from the base index to it, as the journal stage
         * would have held it.
         */
        void writeCheckpoint(final ChronicleJournal in, final CheckpointStore store, final long distance) throws IOException
        {
            if (distance >= recentInIndex.length || distance >= eventNumber)
            {
                throw new IllegalArgumentException("distance " + distance + " is beyond the events remembered");
            }
            final long target = recentInIndex[(int)((eventNumber - 1 - distance) % recentInIndex.length)];
            final ProducerTable table = new ProducerTable();
            baseTable.forEach(p -> table.restore(p.id(), p.lastSeq(), p.epoch()));
            final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
            final int eventProducer = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.producerIdEncodingOffset();
            final int eventSeq = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset();
            final int sessionProducer = MessageHeaderDecoder.ENCODED_LENGTH + ProducerSessionDecoder.producerIdEncodingOffset();
            final int sessionEpoch = MessageHeaderDecoder.ENCODED_LENGTH + ProducerSessionDecoder.epochEncodingOffset();
            if (target > baseIndex)
            {
                final boolean[] done = {false};
                try (JournalReader reader = in.newReader())
                {
                    if (!reader.moveToAtOrAfter(baseIndex + 1))
                    {
                        throw new IllegalStateException("cannot read \"in\" after index " + baseIndex);
                    }
                    while (!done[0] && reader.poll((index, b, offset, length) ->
                    {
                        if (index > target)
                        {
                            done[0] = true;
                            return;
                        }
                        headerDecoder.wrap(b, offset);
                        if (headerDecoder.templateId() == EventDecoder.TEMPLATE_ID)
                        {
                            table.observeSeq(b.getLong(offset + eventProducer, EventDecoder.BYTE_ORDER),
                                b.getLong(offset + eventSeq, EventDecoder.BYTE_ORDER));
                        }
                        else if (headerDecoder.templateId() == ProducerSessionDecoder.TEMPLATE_ID)
                        {
                            table.observeEpoch(b.getLong(offset + sessionProducer, ProducerSessionDecoder.BYTE_ORDER),
                                b.getInt(offset + sessionEpoch, ProducerSessionDecoder.BYTE_ORDER));
                        }
                    }, 4096) > 0)
                    {
                        // up to the target
                    }
                }
            }
            final ByteBuffer encoded = ByteBuffer.allocate(CheckpointStore.encodedLength(table.size(), 0));
            // no streaming-feature state in these checkpoints
            CheckpointStore.encode(encoded, target, System.currentTimeMillis(), table, Journal.NO_INDEX, new byte[0]);
            store.write(encoded, target);
        }
    }
}
