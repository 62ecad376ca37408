package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.tls.TlsProvider;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Offers generated card payments to a Rill server (or the {@link NettyEchoServer}) over TCP with
 * the Java client ({@link RillProducer}) and measures how fast and how late they are acknowledged.
 *
 * <p><b>Rate mode</b> is open loop: event i is due at {@code start + i / rate}, fixed in advance;
 * its latency is its ack time minus that intended send time, so a stall that delays sending
 * counts against every event it delays (no coordinated omission). <b>Saturate mode</b> keeps the
 * in-flight window full and reports acknowledged events/s (latency there is ack minus actual
 * send, i.e. mostly queueing in the window). <b>Search mode</b> runs open-loop steps at rising
 * rates on the same connections and reports the highest rate that met the SLO
 * ({@link SearchSettings}, {@link SaturationSearch}).
 *
 * <p><b>Connections</b> ({@code --connections N}): N producers, ids {@code --producer-id} to
 * {@code --producer-id + N - 1}, sharing the rate by one schedule (event i goes to connection
 * {@code i % N}), driven by the one sending thread; see {@link LoadRun} for why one thread.
 *
 * <p><b>Subscriber</b> ({@code --subscribe}): one more connection subscribes to the payments
 * Results from the end of journal "out" before the first event; each Result is matched to its
 * event by producer id and seq, and its arrival minus the event's intended send time is producer
 * to subscriber latency ({@link ResultRecorder}), reported beside producer to ack. The run waits
 * (at most 30 s) until every acknowledged event's Result was seen.
 *
 * <p><b>Reply mode</b> ({@code --reply reply|reply-only}): every event asks for a Reply
 * (docs/protocol.md §7.7) and its latency is the Reply's arrival minus the (intended) send time,
 * instead of the Ack's; run it beside a plain run at the same rate to see what request-reply adds.
 *
 * <p>Pacing never busy-spins, so the generator does not steal the server's core on a small box:
 * it parks while the next send is more than {@value #PARK_THRESHOLD_NANOS} ns away and calls
 * {@link Thread#yield()} when it is nearer. When behind schedule it sends at once.
 *
 * <p>Threading: one sending thread (the caller of {@link #run}); acks arrive cumulatively on each
 * connection's client I/O thread, which records each event's latency into histograms it alone
 * writes ({@link AckRecorder}); Results on the subscriber's I/O thread ({@link ResultRecorder}). The
 * sending thread merges the histograms after every event was acknowledged. Intended send times
 * live in a ring per connection indexed by seq ({@link SendTimeRing}), at least four windows long.
 */
@Command(name = "load-generator", mixinStandardHelpOptions = true,
    description = "Offer generated payments to a Rill server over TCP and report throughput and ack latency.")
public final class LoadGenerator implements Callable<Integer>
{
    /** Park when the next send is further away than this; yield when nearer. */
    public static final long PARK_THRESHOLD_NANOS = 50_000;

    /** How long a run waits after its last Ack for the Results still on their way to the subscriber. */
    static final long RESULT_TAIL_NANOS = 30_000_000_000L;
    /** The same between the steps of a search. */
    static final long STEP_RESULT_TAIL_NANOS = 10_000_000_000L;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", required = true, description = "Server port")
    int port;

    @Option(names = "--mode", defaultValue = "rate",
        description = "rate (open loop at --rate), saturate (window kept full) or search (open-loop steps from --rate up to the " +
            "highest rate within --slo-p99-micros)")
    String mode;

    @Option(names = "--rate", defaultValue = "100000",
        description = "Events/s offered in rate mode, the first step in search mode (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds measured (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5",
        description = "Seconds sent before measuring; search mode: before the first step (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--window", defaultValue = "8192", description = "Most events in flight, per connection (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--label", description = "Name of the run in the report (default: the mode)")
    String label;

    @Option(names = "--producer-id", defaultValue = "1",
        description = "Producer id sent in Hello; connection k uses this + k (default: ${DEFAULT-VALUE})")
    long producerId;

    @Option(names = "--connections", defaultValue = "1",
        description = "Producer connections; the rate is split evenly, latencies merged (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--subscribe",
        description = "Also subscribe to the Results and measure producer -> subscriber latency (Result arrival - intended send)")
    boolean subscribe;

    @Option(names = "--step-seconds", defaultValue = "3", description = "Search mode: seconds measured per step (default: ${DEFAULT-VALUE})")
    double stepSeconds;

    @Option(names = "--settle-seconds", defaultValue = "1",
        description = "Search mode: seconds sent at a step's rate before measuring it (default: ${DEFAULT-VALUE})")
    double settleSeconds;

    @Option(names = "--step-factor", defaultValue = "1.25",
        description = "Search mode: rate multiplier while steps pass; bisects after the first failure (default: ${DEFAULT-VALUE})")
    double stepFactor;

    @Option(names = "--slo-p99-micros", defaultValue = "1000",
        description = "Search mode: a step passes when its p99 ack latency is at most this and >= 97 % of the offered rate " +
            "was acknowledged (default: ${DEFAULT-VALUE})")
    double sloP99Micros;

    @Option(names = "--max-steps", defaultValue = "20", description = "Search mode: the most steps (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(names = "--pacing", defaultValue = "yield",
        description = "yield: park while the next send is > 50 us away, yield when nearer; park: only park (default: ${DEFAULT-VALUE})")
    String pacing;

    @Option(names = "--reply", defaultValue = "none",
        description = "none (latency to the Ack), reply or reply-only (every event asks for a Reply; latency to the Reply) " +
            "(default: ${DEFAULT-VALUE})")
    String reply;
    @Option(names = "--tls-trust", paramLabel = "PEM",
        description = "Connect over TLS, trusting this certificate file (e.g. the cert.pem of `rill certs dev`); plain TCP without it")
    Path tlsTrust;

    @Option(names = "--tls-provider", defaultValue = "JDK", description = "Client TLS implementation: JDK or OPENSSL (default: ${DEFAULT-VALUE})")
    TlsProvider tlsProvider;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Hello token, for a server with gateway.auth")
    String token;

    @Option(names = "--out", paramLabel = "FILE",
        description = "Write the report (text, then one JSON line) to FILE (e.g. run.txt), and beside it run.json (the whole " +
            "report), run.hgrm (percentile distribution, us) and, with --subscribe, run-subscriber.hgrm")
    Path out;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final SearchSettings search = new SearchSettings(stepSeconds, settleSeconds, stepFactor, sloP99Micros,
            SearchSettings.DEFAULTS.minAchievedRatio(), maxSteps, SearchSettings.DEFAULTS.resolution());
        final LoadSettings settings = new LoadSettings(host, port, LoadSettings.Mode.valueOf(mode.toUpperCase(Locale.ROOT)),
            rate, warmupSeconds, seconds, window, label, producerId, "park".equalsIgnoreCase(pacing),
            LoadSettings.Reply.valueOf(reply.toUpperCase(Locale.ROOT).replace('-', '_')), tlsTrust, tlsProvider, token,
            connections, subscribe, search);
        final LoadReport report = run(settings);
        System.out.print(report.text());
        System.out.println(report.json());
        if (out != null)
        {
            write(report, out);
        }
        return report.complete() ? 0 : 1;
    }

    /**
     * Writes the text and JSON line to {@code file} and beside it, named after {@code file} without
     * its extension: {@code .json} (the whole report, {@link LoadReport#document()}; {@code
     * -report.json} when {@code file} itself ends in .json), {@code .hgrm} (the latency's percentile
     * distribution) and, with a subscriber, {@code -subscriber.hgrm}.
     */
    public static void write(final LoadReport report, final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, report.text() + report.json() + "\n", StandardCharsets.UTF_8);
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        final String base = dot > 0 ? name.substring(0, dot) : name;
        final Path json = parent.resolve(name.equals(base + ".json") ? base + "-report.json" : base + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report.document());
        Files.writeString(parent.resolve(base + ".hgrm"), report.percentileDistribution(), StandardCharsets.UTF_8);
        if (report.subscriberLatency() != null)
        {
            Files.writeString(parent.resolve(base + "-subscriber.hgrm"), LoadReport.percentileDistribution(report.subscriberLatency()),
                StandardCharsets.UTF_8);
        }
    }

    /**
     * Sees the latency of each measured event as it is acknowledged, for a probe that splits one
     * run by time (for example {@link SwapProbe}: windows with a model swap against windows
     * without).
     */
    public interface LatencySink
    {
        /** Sending thread, before the first send: the measured period, in System.nanoTime (search mode: before each step). */
        void measuring(long fromNanos, long untilNanos);

        /**
         * The client's I/O thread, once per measured event: must not block nor allocate.
         *
         * @param sendNanos    the event's intended send time (rate mode) or actual send time (saturate).
         * @param latencyNanos ack time minus {@code sendNanos}.
         */
        void record(long sendNanos, long latencyNanos);
    }

    /**
     * Connects, sends for warm-up plus measured seconds (or runs the saturation search), waits (at
     * most 30 s) for the last acks and Results, disconnects and reports.
     *
     * @throws RillClientException when the server cannot be reached or closes the connection.
     */
    public static LoadReport run(final LoadSettings settings) throws InterruptedException
    {
        return run(settings, null);
    }

    /**
     * {@link #run(LoadSettings)}, also handing each measured event's latency to {@code sink}.
     *
     * @param sink receives the measured period and every measured latency; null for none. With more
     *             than one connection, {@link LatencySink#record} is called from each connection's I/O
     *             thread, concurrently.
     */
    public static LoadReport run(final LoadSettings settings, final LatencySink sink) throws InterruptedException
    {
        try (LoadRun run = new LoadRun(settings, sink))
        {
            if (settings.mode() == LoadSettings.Mode.SEARCH)
            {
                return search(settings, run);
            }
            final LoadRun.Phase phase = run.phase(settings.mode(), settings.rate(), settings.warmupSeconds(), settings.seconds(),
                RESULT_TAIL_NANOS);
            return new LoadReport(settings, run.sent(), run.acked(), run.nacked(), phase.measuredSent(),
                settings.mode() == LoadSettings.Mode.SATURATE ? phase.ackedInPeriod() : phase.measuredAcked(), settings.seconds(),
                phase.latency(), phase.ackLatency(), phase.subscriberLatency(), run.results(), null);
        }
    }

    /** Open-loop steps at the rates {@link SaturationSearch} chooses, on the same connections. */
    private static LoadReport search(final LoadSettings settings, final LoadRun run) throws InterruptedException
    {
        final SearchSettings s = settings.search();
        final SaturationSearch search = new SaturationSearch(settings.rate(), s);
        LoadRun.Phase best = null;
        LoadRun.Phase first = null;
        while (!search.done())
        {
            final int rate = search.nextRate();
            final double settle = first == null ? Math.max(s.settleSeconds(), settings.warmupSeconds()) : s.settleSeconds();
            final long nackedBefore = run.nacked();
            final LoadRun.Phase phase = run.phase(LoadSettings.Mode.RATE, rate, settle, s.stepSeconds(), STEP_RESULT_TAIL_NANOS);
            final double achieved = phase.ackedInPeriod() / s.stepSeconds();
            final Histogram h = phase.latency();
            final double p99 = h.getValueAtPercentile(99) / 1000.0;
            final boolean passed = search.passes(rate, achieved, p99) && h.getTotalCount() > 0;
            final SearchStep step = new SearchStep(rate, achieved, h.getTotalCount(), run.nacked() - nackedBefore, h.getValueAtPercentile(50) / 1000.0, p99,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0,
                phase.subscriberLatency() == null ? Double.NaN : phase.subscriberLatency().getValueAtPercentile(99) / 1000.0, passed);
            search.record(step);
            System.err.printf(Locale.ROOT, "load-generator: %s step %d: offered %d/s, achieved %.0f/s, p99 %.1f us: %s%n",
                settings.label(), search.steps().size(), rate, achieved, p99, passed ? "pass" : "fail");
            first = first == null ? phase : first;
            if (passed && rate == search.bestRate())
            {
                best = phase;
            }
        }
        final LoadRun.Phase shown = best != null ? best : first;
        return new LoadReport(settings, run.sent(), run.acked(), run.nacked(), shown.measuredSent(), shown.ackedInPeriod(),
            s.stepSeconds(), shown.latency(), shown.ackLatency(), shown.subscriberLatency(), run.results(),
            new LoadReport.Search(search.bestRate(), search.steps()));
    }

    /**
     * Waits until {@code deadline} (System.nanoTime): park while far, yield while near (or park
     * when near too, with {@code parkOnly}: sends then come in small bursts, as parkNanos
     * oversleeps by the timer slack, ~50 us on Linux).
     */
    static void awaitTime(final long deadline, final boolean parkOnly)
    {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0)
        {
            if (parkOnly)
            {
                LockSupport.parkNanos(remaining);
            }
            else if (remaining > PARK_THRESHOLD_NANOS)
            {
                LockSupport.parkNanos(remaining - PARK_THRESHOLD_NANOS);
            }
            else
            {
                Thread.yield();
            }
        }
    }
}
