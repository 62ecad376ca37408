package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.ReplyDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.ClientTls;
import dev.rill.gateway.tls.TlsProvider;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.ReplyListener;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
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
 * send, i.e. mostly queueing in the window).
 *
 * <p><b>Reply mode</b> ({@code --reply reply|reply-only}): every event asks for a Reply
 * (docs/protocol.md §7.7) and its latency is the Reply's arrival minus the (intended) send time,
 * instead of the Ack's; run it beside a plain run at the same rate to see what request-reply adds.
 *
 * <p>Pacing never busy-spins, so the generator does not steal the server's core on a small box:
 * it parks while the next send is more than {@value #PARK_THRESHOLD_NANOS} ns away and calls
 * {@link Thread#yield()} when it is nearer. When behind schedule it sends at once.
 *
 * <p>Threading: one sending thread (the caller of {@link #run}); acks arrive cumulatively on the
 * client's I/O thread, which records each event's latency into a histogram it alone writes, read
 * only after every event is acknowledged. Intended send times live in a ring indexed by seq,
 * larger than the window, so a slot is never reused before its event is acknowledged.
 */
@Command(name = "load-generator", mixinStandardHelpOptions = true,
    description = "Offer generated payments to a Rill server over TCP and report throughput and ack latency.")
public final class LoadGenerator implements Callable<Integer>
{
    /** Park when the next send is further away than this; yield when nearer. */
    public static final long PARK_THRESHOLD_NANOS = 50_000;

    private static final int PAYMENT_POOL = 4096;
    private static final byte[] TOPIC = RillProducer.topic(FraudFeatures.PAYMENTS_TOPIC);
    private static final int FIELD_COUNT = FraudFeatures.PAYMENT_FIELDS.size();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", required = true, description = "Server port")
    int port;

    @Option(names = "--mode", defaultValue = "rate", description = "rate (open loop at --rate) or saturate (window kept full)")
    String mode;

    @Option(names = "--rate", defaultValue = "100000", description = "Events/s offered in rate mode (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds measured (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Seconds sent before measuring (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--window", defaultValue = "8192", description = "Most events in flight (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--label", description = "Name of the run in the report (default: the mode)")
    String label;

    @Option(names = "--producer-id", defaultValue = "1", description = "Producer id sent in Hello (default: ${DEFAULT-VALUE})")
    long producerId;

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
        description = "Write the report (text, then one JSON line) to FILE and the percentile distribution beside it (.hgrm)")
    Path out;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new LoadGenerator()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final LoadSettings settings = new LoadSettings(host, port, LoadSettings.Mode.valueOf(mode.toUpperCase(Locale.ROOT)),
            rate, warmupSeconds, seconds, window, label, producerId, "park".equalsIgnoreCase(pacing),
            LoadSettings.Reply.valueOf(reply.toUpperCase(Locale.ROOT).replace('-', '_')), tlsTrust, tlsProvider, token);
        final LoadReport report = run(settings);
        System.out.print(report.text());
        System.out.println(report.json());
        if (out != null)
        {
            write(report, out);
        }
        return report.acked() + report.nacked() == report.sent() ? 0 : 1;
    }

    /** Writes the text and JSON line to {@code file} and the .hgrm beside it. */
    public static void write(final LoadReport report, final Path file) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, report.text() + report.json() + "\n", StandardCharsets.UTF_8);
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        final Path hgrm = parent.resolve((dot > 0 ? name.substring(0, dot) : name) + ".hgrm");
        Files.writeString(hgrm, report.percentileDistribution(), StandardCharsets.UTF_8);
    }

    /**
     * Sees the latency of each measured event as it is acknowledged, for a probe that splits one
     * run by time (for example {@link SwapProbe}: windows with a model swap against windows
     * without).
     */
    public interface LatencySink
    {
        /** Sending thread, once, before the first send: the measured period, in System.nanoTime. */
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
     * Connects, sends for warm-up plus measured seconds, waits (at most 30 s) for the last acks,
     * disconnects and reports.
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
     * @param sink receives the measured period and every measured latency; null for none.
     */
    public static LoadReport run(final LoadSettings settings, final LatencySink sink) throws InterruptedException
    {
        final Acks acks = new Acks(settings.window(), sink, settings.reply() != LoadSettings.Reply.NONE);
        final byte options = switch (settings.reply())
        {
            case NONE -> 0;
            case REPLY -> RillProducer.REPLY;
            case REPLY_ONLY -> RillProducer.REPLY_ONLY;
        };
        final ClientConfig client = ClientConfig.of(settings.host(), settings.port())
            .withProducer(settings.producerId(), 0)
            .withMaxInFlight(settings.window())
            .withClientName("rill-load-" + settings.label())
            .withToken(settings.token())
            .withTls(settings.tls() == null ? null : ClientTls.of(settings.tls(), null, null, settings.tlsProvider()));
        final double[][] payments = new double[PAYMENT_POOL][FIELD_COUNT];
        final long[] keys = new long[PAYMENT_POOL];
        final FraudDataGenerator generator = new FraudDataGenerator(settings.producerId());
        for (int i = 0; i < PAYMENT_POOL; i++)
        {
            generator.next(payments[i]);
            keys[i] = generator.lastCardId();
        }

        try (RillProducer producer = RillProducer.connect(client, acks, acks))
        {
            final long start = System.nanoTime() + 1_000_000;
            final long measureFrom = start + (long)(settings.warmupSeconds() * 1e9);
            final long measureUntil = measureFrom + (long)(settings.seconds() * 1e9);
            acks.measure(measureFrom, measureUntil);
            final long epochOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

            long sent = 0;
            long measuredSent = 0;
            long ackedAtFrom = -1;
            long ackedAtUntil = -1;
            final double intervalNanos = settings.mode() == LoadSettings.Mode.RATE ? 1e9 / settings.rate() : 0;
            final long total = settings.mode() == LoadSettings.Mode.RATE ?
                (long)Math.ceil((measureUntil - start) / intervalNanos) : Long.MAX_VALUE;
            final long giveUpAt = measureUntil + 30_000_000_000L;

            for (long i = 0; i < total; i++)
            {
                final long sendTime;
                if (settings.mode() == LoadSettings.Mode.RATE)
                {
                    sendTime = start + (long)(i * intervalNanos);
                    awaitTime(sendTime, settings.parkOnly());
                }
                else
                {
                    sendTime = System.nanoTime();
                    if (sendTime >= measureUntil)
                    {
                        break;
                    }
                }
                if (ackedAtFrom < 0 && sendTime >= measureFrom)
                {
                    ackedAtFrom = acks.acked();
                }
                final int p = (int)(i & (PAYMENT_POOL - 1));
                acks.sendTime(producer.nextSeq(), sendTime);
                int attempts = 0;
                while (producer.trySend(TOPIC, keys[p], sendTime + epochOffset, payments[p], FIELD_COUNT, options) < 0)
                {
                    // Window full: the server is behind. Yield a little, then park, never spin.
                    if (++attempts < 16)
                    {
                        Thread.yield();
                    }
                    else
                    {
                        if (System.nanoTime() > giveUpAt)
                        {
                            throw new IllegalStateException(settings.label() + ": window stayed full for 30 s past the end; " +
                                "the server stopped acknowledging (acked " + acks.acked() + " of " + sent + ")");
                        }
                        LockSupport.parkNanos(20_000);
                    }
                }
                sent++;
                if (sendTime >= measureFrom && sendTime < measureUntil)
                {
                    measuredSent++;
                }
            }
            if (settings.mode() == LoadSettings.Mode.SATURATE)
            {
                ackedAtUntil = acks.acked();
            }
            if (!producer.awaitAllAcknowledged(Duration.ofSeconds(30)))
            {
                throw new IllegalStateException(settings.label() + ": " + producer.inFlight() +
                    " events still unacknowledged 30 s after the last send");
            }
            if (acks.replyMode && acks.replies() != acks.acked())
            {
                throw new IllegalStateException(settings.label() + ": " + acks.acked() + " events acknowledged but " +
                    acks.replies() + " Replies received (a Reply comes before its Ack)");
            }
            final long measuredAcked = settings.mode() == LoadSettings.Mode.SATURATE ?
                ackedAtUntil - Math.max(ackedAtFrom, 0) : acks.measuredAcked();
            return new LoadReport(settings, sent, acks.acked(), acks.nacked(), measuredSent, measuredAcked,
                settings.seconds(), acks.histogram(), acks.replyMode ? acks.ackHistogram() : null);
        }
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

    /**
     * Send times by seq and the latency histogram; {@link #onAck} and {@link #onReply} run on the
     * client's I/O thread, which alone writes the histogram and the counters. In reply mode the
     * latency is recorded at the Reply, else at the Ack.
     */
    static final class Acks implements AckListener, ReplyListener
    {
        final boolean replyMode;
        private volatile long replies;
        private final long[] sendTimes;
        private final int mask;
        private final Histogram histogram = new Histogram(60_000_000_000L, 3);
        private final Histogram ackHistogram = new Histogram(60_000_000_000L, 3);
        private final LatencySink sink;
        private long measureFrom;
        private long measureUntil;
        private volatile long acked;
        private volatile long measuredAcked;
        private volatile long nacked;
        private volatile String error;

        Acks(final int window, final LatencySink sink, final boolean replyMode)
        {
            this.sink = sink;
            this.replyMode = replyMode;
            final int size = Integer.highestOneBit(Math.max(window, 2) * 2 - 1) << 1;
            sendTimes = new long[size];
            mask = size - 1;
        }

        /** Sending thread, before the first send. */
        void measure(final long from, final long until)
        {
            measureFrom = from;
            measureUntil = until;
            if (sink != null)
            {
                sink.measuring(from, until);
            }
        }

        /** Sending thread, before sending seq: the send is what publishes this write to the I/O thread. */
        void sendTime(final long seq, final long nanos)
        {
            sendTimes[(int)(seq & mask)] = nanos;
        }

        @Override
        public void onReply(final ReplyDecoder reply)
        {
            replies++;
            if (replyMode)
            {
                record(reply.seq());
            }
        }

        @Override
        public void onAck(final long seq)
        {
            if (!replyMode)
            {
                record(seq);
            }
            else
            {
                final long sendTime = sendTimes[(int)(seq & mask)];
                if (sendTime >= measureFrom && sendTime < measureUntil)
                {
                    ackHistogram.recordValue(Math.max(0, System.nanoTime() - sendTime));
                }
            }
            acked++;
        }

        private void record(final long seq)
        {
            final long now = System.nanoTime();
            final long sendTime = sendTimes[(int)(seq & mask)];
            if (sendTime >= measureFrom && sendTime < measureUntil)
            {
                final long latency = Math.max(0, now - sendTime);
                histogram.recordValue(latency);
                if (sink != null)
                {
                    sink.record(sendTime, latency);
                }
                measuredAcked++;
            }
        }

        long replies()
        {
            return replies;
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            if (nacked++ == 0)
            {
                System.err.println("load-generator: first refusal: seq " + seq + " " + code + ": " + message);
            }
        }

        @Override
        public void onError(final ErrorCode code, final String message)
        {
            error = code + ": " + message;
            System.err.println("load-generator: server closed the connection: " + error);
        }

        long acked()
        {
            return acked;
        }

        long measuredAcked()
        {
            return measuredAcked;
        }

        long nacked()
        {
            return nacked;
        }

        /** Reply mode: the Acks of the measured events; read as {@link #histogram()}. */
        Histogram ackHistogram()
        {
            return ackHistogram;
        }

        /** Read only after every event was acknowledged (the window's semaphore orders it). */
        Histogram histogram()
        {
            return histogram;
        }
    }
}
