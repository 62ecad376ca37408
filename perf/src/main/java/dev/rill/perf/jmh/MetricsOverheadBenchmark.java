package dev.rill.perf.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.AckSink;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Pipeline;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.ResultListener;
import dev.rill.bus.Stage;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.journal.JournalStage;
import dev.rill.journal.PublishStage;
import dev.rill.ml.FraudFeatures;
import dev.rill.ops.http.LatencyWindow;
import dev.rill.ops.http.MetricsPage;
import dev.rill.ops.http.PipelineMetrics;
import dev.rill.ops.http.StatusHistory;
import dev.rill.ops.telemetry.ServerTelemetry;
import dev.rill.ops.telemetry.TelemetryTick;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What do the metrics cost the live path? The in-process pipeline, fused on one consumer thread,
 * journal "in" (Chronicle) then the Result appended to "out" and acknowledged (no model, so the
 * metrics' share is not hidden behind ONNX Runtime's), run with and without the metrics machinery:
 * <ul>
 *   <li>{@code metrics=off}: the publish stage records no latencies and nothing reads anything;</li>
 *   <li>{@code metrics=on}: the publish stage records its four latencies per event into
 *       {@link PipelineLatencies}, {@link ServerTelemetry} ticks every second with the listeners the
 *       server gives it (the status page's {@link StatusHistory}, the summaries' {@link LatencyWindow}),
 *       and a thread scrapes {@link PipelineMetrics} through {@link MetricsPage} every 100 ms, ten
 *       times as often as a usual Prometheus and on the same two cores;</li>
 *   <li>{@code metrics=noScrapes}: {@code on} without the scraping thread, to tell the two apart.</li>
 * </ul>
 * At the end of each fork it prints the pipeline thread's CPU time per event and, with metrics, the
 * scrapes' and the telemetry thread's CPU time: CPU time depends much less than throughput on
 * whatever else a shared machine runs meanwhile.
 * The score is events/s from publish into the ring to acknowledgement, as in {@link PipelineBenchmark}
 * (invocations of {@value #BATCH} events; the benchmark thread parks while it waits for the last
 * ack). The goal: {@code on} within 5 % of {@code off}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MetricsOverheadBenchmark extends RillBenchmark
{
    /** Events per invocation: half the ring, so claiming rarely waits and waiting is amortised. */
    public static final int BATCH = 8192;
    private static final long SCRAPE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int CONNECTION_ID = 1;
    private static final long PRODUCER_ID = 42;

    @Param({"off", "noScrapes", "on"})
    public String metrics;

    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private BenchJournals journals;
    private Pipeline pipeline;
    private PaymentEvents payments;
    private ServerTelemetry telemetry;
    private Thread scraper;
    private volatile boolean scraping;
    private volatile long scrapes;
    private volatile long scrapeNanos;
    private volatile long scrapeCpuNanos;
    private long startNanos;
    private volatile long scrapeBytes;
    private int topicId;
    private long nextSeq = 1;
    private volatile long lastAcked;

    /** Does nothing: this pipeline journals and publishes, it does not score. */
    private static final class NoScoring implements Stage
    {
        @Override
        public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
        {
        }

        @Override
        public String name()
        {
            return "no-scoring";
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        journals = new BenchJournals();
        final TopicRegistry topics = new TopicRegistry(List.of(FraudFeatures.payments()));
        topicId = topics.find(FraudFeatures.PAYMENTS_TOPIC);
        final PipelineConfig config = PipelineConfig.defaults().withThreading(PipelineConfig.Threading.FUSED);
        final boolean recording = !"off".equals(metrics);
        final PipelineLatencies latencies = recording ? new PipelineLatencies() : null;
        final AckSink ackSink = (connectionId, seq) -> lastAcked = seq;
        final JournalStage journal = new JournalStage(journals.in(), clock);
        final PublishStage publish = new PublishStage(journals.out(), topics, clock, ackSink, ResultListener.NONE, latencies,
            config.maxBatch());
        pipeline = new Pipeline(config, journal, new NoScoring(), publish).start();
        payments = new PaymentEvents(4096, 7);
        if (recording)
        {
            final ServerTelemetry.Sources sources = new ServerTelemetry.Sources()
            {
                @Override
                public void totals(final ServerTelemetry.Totals into)
                {
                    into.accepted = nextSeq - 1;
                    into.published = publish.published();
                    into.duplicates = journal.duplicates();
                    into.fenced = journal.fenced();
                }

                @Override
                public void gauges(final TelemetryTick tick)
                {
                    tick.gatewayListening(true).ring(pipeline.depth(), config.ringSize()).disk(false, -1, 0).connections(0, 0);
                }
            };
            telemetry = new ServerTelemetry(latencies, sources, Duration.ofSeconds(1));
            final LatencyWindow window = new LatencyWindow();
            telemetry.addListener(new StatusHistory()).addListener(window).start();
            final PrometheusRegistry registry = new PrometheusRegistry();
            PipelineMetrics.register(registry, telemetry, sources, window);
            final MetricsPage page = new MetricsPage(registry);
            startNanos = System.nanoTime();
            if ("on".equals(metrics))
            {
                scraping = true;
                scraper = new Thread(() -> scrapeEvery100Millis(page), "metrics-scraper");
                scraper.setDaemon(true);
                scraper.start();
            }
        }
    }

    private void scrapeEvery100Millis(final MetricsPage page)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long next = System.nanoTime();
        while (scraping)
        {
            final long start = System.nanoTime();
            final long startCpu = threads.getCurrentThreadCpuTime();
            try
            {
                scrapeBytes = page.scrape().length;
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            scrapeCpuNanos += threads.getCurrentThreadCpuTime() - startCpu;
            scrapeNanos += System.nanoTime() - start;
            scrapes++;
            next += SCRAPE_INTERVAL_NANOS;
            final long wait = next - System.nanoTime();
            if (wait > 0)
            {
                LockSupport.parkNanos(wait);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        // The pipeline thread's CPU per event: work per event, less at the mercy of the machine's other load than
        // the throughput (it includes the wait strategy's short spins before it parks).
        System.out.printf("%npipeline thread: %.1f ns CPU per event over %,d events%n",
            cpuNanosOf("rill-pipeline") / (double)(nextSeq - 1), nextSeq - 1);
        if (telemetry != null)
        {
            scraping = false;
            if (scraper != null)
            {
                scraper.join();
            }
            final double seconds = (System.nanoTime() - startNanos) / 1e9;
            final long telemetryCpu = cpuNanosOf("rill-telemetry");
            telemetry.close();
            // CPU time, unlike the throughput, does not depend on what else the machine runs.
            System.out.printf("%nscrapes: %d, mean %.2f ms (%.2f ms CPU), %,d bytes each; telemetry: %d ticks, %.1f ms CPU; " +
                "metrics threads' CPU: %.3f %% of one core over %.0f s%n", scrapes,
                scrapes == 0 ? 0.0 : scrapeNanos / 1e6 / scrapes, scrapes == 0 ? 0.0 : scrapeCpuNanos / 1e6 / scrapes,
                scrapeBytes, telemetry.ticks(), telemetryCpu / 1e6, (scrapeCpuNanos + telemetryCpu) / 1e7 / seconds, seconds);
        }
        pipeline.close();
        journals.close();
    }

    /** @return CPU time of the live threads whose names start with the prefix. */
    private static long cpuNanosOf(final String threadName)
    {
        long cpu = 0;
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.getName().startsWith(threadName))
            {
                cpu += ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
            }
        }
        return cpu;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishToAck()
    {
        final Pipeline p = pipeline;
        long seq = nextSeq;
        for (int i = 0; i < BATCH; i++, seq++)
        {
            long sequence;
            while ((sequence = p.tryClaim()) < 0)
            {
                LockSupport.parkNanos(1_000); // ring full: let the pipeline thread have the core
            }
            payments.fill(p.slot(sequence), topicId, CONNECTION_ID, PRODUCER_ID, seq, clock.nanoTime());
            p.publish(sequence);
        }
        final long last = seq - 1;
        nextSeq = seq;
        while (lastAcked < last)
        {
            if (p.failure() != null)
            {
                throw new IllegalStateException(p.failure());
            }
            LockSupport.parkNanos(1_000);
        }
        return last;
    }
}
