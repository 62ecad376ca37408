package dev.rill.ops.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.concurrent.EpochNanoClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rill demo}: a bus on embedded defaults in a temporary directory, one producer sending
 * generated card payments at a fixed rate over TCP, one subscriber from the earliest Result; a
 * live line a second, then latency percentiles and a few scored payments with their features.
 * With {@code --labels} a second producer sends, for each payment, its fraud label on topic
 * {@code payment_labels} ([producer_id, seq, fraud]), so that {@code --keep} leaves a journal
 * {@code rill train} can learn from.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a bus with a producer of generated card payments and a subscriber, then print latencies.")
final class DemoCommand implements Callable<Integer>
{
    private static final int SAMPLE_RING = 1 << 16;

    @Option(names = "--rate", defaultValue = "20000", description = "Payments per second (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "5", description = "How long to send (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the payment generator (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--keep", description = "Keep the temporary data directory (its path is printed)")
    boolean keep;

    @Option(names = "--labels", description = "Also send each payment's fraud label on topic payment_labels "
        + "[producer_id, seq, fraud] (for rill train --label-topic payment_labels)")
    boolean labels;

    /** The payments' producer id; labels name it. */
    private static final long PAYMENTS_PRODUCER = 1;
    /** The labels' producer id. */
    private static final long LABELS_PRODUCER = 2;

    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong labelsAcked = new AtomicLong();
    private final AtomicLong labelsNacked = new AtomicLong();
    private long labelsSent;
    private final Recorder sendToReceive = new Recorder(TimeUnit.MINUTES.toNanos(1), 3);
    private final Histogram afterWarmup = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    /** The server's ingest->publish after warm-up, added up from the telemetry thread's intervals. */
    private final Histogram serverAfterWarmup = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
    private volatile boolean warm;
    private final double[][] features = new double[SAMPLE_RING][FraudFeatures.PAYMENT_FIELDS.size()];
    private final float[] scores = new float[SAMPLE_RING];
    private final long[] sampleSeq = new long[SAMPLE_RING];

    @Override
    public Integer call() throws Exception
    {
        if (rate < 1 || rate > 2_000_000 || seconds < 2 || seconds > 3600)
        {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "--rate must be 1 to 2000000 and --seconds 2 to 3600");
        }
        final Path dir = Files.createTempDirectory("rill-demo-");
        System.out.printf("rill demo: bus on embedded defaults, data in %s; %,d payments/s for %d s%n", dir, rate, seconds);
        try (RillServer server = RillServer.start(RillConfig.defaults(dir).withGateway(
            RillConfig.defaults(dir).gateway().withPort(0))))
        {
            final EpochNanoClock clock = server.clock();
            server.telemetry().addListener(tick ->
            {
                if (warm)
                {
                    synchronized (serverAfterWarmup)
                    {
                        serverAfterWarmup.add(tick.latencies().ingestToPublish());
                    }
                }
            });
            final ClientConfig client = ClientConfig.of("127.0.0.1", server.address().getPort()).withClientName("rill-demo");
            System.out.printf("rill demo: gateway on %s, model %s%n", server.address(), server.scoring());
            try (RillSubscriber ignored = RillSubscriber.subscribe(client, FraudFeatures.PAYMENTS_TOPIC, StartPosition.EARLIEST, 0, r ->
                {
                    sendToReceive.recordValue(Math.max(0, clock.nanoTime() - r.eventTimeNanos()));
                    final int slot = (int)(r.seq() & (SAMPLE_RING - 1));
                    if (sampleSeq[slot] == r.seq())
                    {
                        scores[slot] = (float)r.score();
                    }
                    received.incrementAndGet();
                });
                RillProducer producer = RillProducer.connect(
                    client.withProducer(PAYMENTS_PRODUCER, 1).withMaxInFlight(16_384), new Counter(acked, nacked, "event"));
                RillProducer labelProducer = labels ? RillProducer.connect(
                    client.withProducer(LABELS_PRODUCER, 1).withMaxInFlight(16_384), new Counter(labelsAcked, labelsNacked, "label")) :
                    null)
            {
                final long total = send(producer, labelProducer, clock, server);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((acked.get() + nacked.get() < total || received.get() < acked.get() ||
                    labelsAcked.get() + labelsNacked.get() < labelsSent) && System.nanoTime() < deadline)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                printSummary(server, total);
            }
        }
        finally
        {
            if (keep)
            {
                System.out.println("rill demo: data kept in " + dir + " (try: rill journal tail --data-dir " + dir + ")" +
                    (labels ? "; train on it: rill train --data-dir " + dir + " --label-topic payment_labels --models DIR" : ""));
            }
            else
            {
                deleteRecursively(dir);
            }
        }
        return nacked.get() == 0 && labelsNacked.get() == 0 ? 0 : ErrorCode.INTERNAL_ERROR.code();
    }

    private long send(final RillProducer producer, final RillProducer labelProducer, final EpochNanoClock clock, final RillServer server)
    {
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final byte[] topic = RillProducer.topic(FraudFeatures.PAYMENTS_TOPIC);
        final byte[] labelTopic = RillProducer.topic(RillConfig.PAYMENT_LABELS.name());
        final double[] label = new double[RillConfig.PAYMENT_LABELS.fields().size()];
        final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
        final long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextSend = start;
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        long sent = 0;
        long sentAtLastReport = 0;
        Histogram interval = null;
        while (true)
        {
            final long now = System.nanoTime();
            if (now >= nextReport)
            {
                interval = sendToReceive.getIntervalHistogram(interval);
                if (nextReport == start + TimeUnit.SECONDS.toNanos(1))
                {
                    warm = true; // the summary starts after warm-up
                }
                else
                {
                    afterWarmup.add(interval);
                }
                System.out.printf("  %2ds  sent %,9d  acknowledged %,9d  scored %,9d  rate %,8d/s  send->receive p99 %s%s%n",
                    TimeUnit.NANOSECONDS.toSeconds(nextReport - start), sent, acked.get(), received.get(),
                    sent - sentAtLastReport, Format.micros(interval.getValueAtPercentile(99)),
                    nextReport == start + TimeUnit.SECONDS.toNanos(1) ? " (warm-up, not in the summary)" : "");
                sentAtLastReport = sent;
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
            if (nextSend >= end)
            {
                break;
            }
            final long wait = nextSend - now;
            if (wait > 0)
            {
                // Park, then send everything that came due while parked (open loop: the send times
                // are fixed in advance). Yielding until each send time would keep this thread
                // runnable and take a core from the bus on a 2-core machine (perf/README.md).
                LockSupport.parkNanos(wait);
                continue;
            }
            generator.next(fields);
            final long seq = producer.nextSeq();
            final int slot = (int)(seq & (SAMPLE_RING - 1));
            System.arraycopy(fields, 0, features[slot], 0, fields.length);
            sampleSeq[slot] = seq;
            scores[slot] = Float.NaN;
            producer.send(topic, generator.lastCardId(), clock.nanoTime(), fields, fields.length);
            if (labelProducer != null)
            {
                // In production the label arrives days later, from a chargeback; here it follows at once.
                label[0] = PAYMENTS_PRODUCER;
                label[1] = seq;
                label[2] = generator.lastWasFraud() ? 1 : 0;
                labelProducer.send(labelTopic, generator.lastCardId(), clock.nanoTime(), label, label.length);
                labelsSent++;
            }
            sent++;
            nextSend += intervalNanos;
        }
        return sent;
    }

    private void printSummary(final RillServer server, final long total)
    {
        server.telemetry().sampleNow(); // the last partial interval
        final Histogram server2;
        synchronized (serverAfterWarmup)
        {
            server2 = serverAfterWarmup.copy();
        }
        afterWarmup.add(sendToReceive.getIntervalHistogram());
        final Histogram e2e = afterWarmup;
        System.out.printf("%nrill demo: sent %,d, acknowledged %,d, refused %,d, results received %,d, fallbacks %d%n",
            total, acked.get(), nacked.get(), received.get(), server.scoring().fallbackCount());
        if (labels)
        {
            System.out.printf("rill demo: labels on %s: sent %,d, acknowledged %,d, refused %,d%n", RillConfig.PAYMENT_LABELS.name(),
                labelsSent, labelsAcked.get(), labelsNacked.get());
        }
        System.out.println("latency after the first second (warm-up)   p50         p99       p99.9         max   (count)");
        line("ingest -> publish (server)", server2);
        line("send -> subscriber receive", e2e);
        System.out.println();
        System.out.println("a few scored payments (highest risk first, then typical ones):");
        System.out.printf("  %-8s %10s %6s %5s %10s %9s %6s   %s%n", "seq", "amount", "mcc", "hour", "dist km", "card days",
            "tx/1m", "fraud score");
        final Integer[] order = Stream.iterate(0, i -> i + 1).limit(SAMPLE_RING)
            .filter(i -> sampleSeq[i] > 0 && !Float.isNaN(scores[i])).toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        for (int k = 0; k < Math.min(3, order.length); k++)
        {
            sample(order[k]);
        }
        for (int k = order.length / 2; k < Math.min(order.length / 2 + 2, order.length); k++)
        {
            sample(order[k]);
        }
    }

    private void sample(final int i)
    {
        final double[] f = features[i];
        System.out.printf("  %-8d %10.2f %6.0f %5.0f %10.1f %9.0f %6.0f   %.4f%n", sampleSeq[i], f[0], f[1], f[2], f[3], f[4], f[5],
            scores[i]);
    }

    private static void line(final String name, final Histogram h)
    {
        System.out.printf("  %-38s %10s  %10s  %10s  %10s   (%,d)%n", name, Format.micros(h.getValueAtPercentile(50)),
            Format.micros(h.getValueAtPercentile(99)), Format.micros(h.getValueAtPercentile(99.9)),
            Format.micros(h.getMaxValue()), h.getTotalCount());
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Counts one producer's acknowledgements and refusals; prints the first few refusals. */
    private static final class Counter implements AckListener
    {
        private final AtomicLong acknowledged;
        private final AtomicLong refused;
        private final String what;

        Counter(final AtomicLong acknowledged, final AtomicLong refused, final String what)
        {
            this.acknowledged = acknowledged;
            this.refused = refused;
            this.what = what;
        }

        @Override
        public void onAck(final long seq)
        {
            acknowledged.incrementAndGet();
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            if (refused.incrementAndGet() <= 5)
            {
                System.out.println("rill demo: " + what + " " + seq + " refused: " + code + ": " + message);
            }
        }
    }
}
