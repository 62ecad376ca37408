package dev.rill.perf.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 *   <li>{@code metrics=false}: the publish stage records no latencies and nothing reads anything;</li>
 *   <li>{@code metrics=true}: the publish stage records its four latencies per event into
 *       {@link PipelineLatencies}, {@link ServerTelemetry} ticks every second with the listeners the
 *       server gives it (the status page's {@link StatusHistory}, the summaries' {@link LatencyWindow}),
 *       and a thread scrapes {@link PipelineMetrics} through {@link MetricsPage} every 100 ms, ten
 *       times as often as a usual Prometheus and on the same two cores.</li>
 * </ul>
 * The score is events/s from publish into the ring to acknowledgement, as in {@link PipelineBenchmark}
 * (invocations of {@value #BATCH} events; the benchmark thread parks while it waits for the last
 * ack). The goal: {@code true} within 5 % of {@code false}.
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

    @Param({"false", "true"})
    public boolean metrics;

    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private BenchJournals journals;
    private Pipeline pipeline;
    private PaymentEvents payments;
    private ServerTelemetry telemetry;
    private Thread scraper;
    private volatile boolean scraping;
    private volatile long scrapes;
    private volatile long scrapeNanos;
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
        final PipelineLatencies latencies = metrics ? new PipelineLatencies() : null;
        final AckSink ackSink = (connectionId, seq) -> lastAcked = seq;
        final JournalStage journal = new JournalStage(journals.in(), clock);
        final PublishStage publish = new PublishStage(journals.out(), topics, clock, ackSink, ResultListener.NONE, latencies,
            config.maxBatch());
        pipeline = new Pipeline(config, journal, new NoScoring(), publish).start();
        payments = new PaymentEvents(4096, 7);
        if (metrics)
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
            scraping = true;
            scraper = new Thread(() -> scrapeEvery100Millis(page), "metrics-scraper");
            scraper.setDaemon(true);
            scraper.start();
        }
    }

    private void scrapeEvery100Millis(final MetricsPage page)
    {
        long next = System.nanoTime();
        while (scraping)
        {
            final long start = System.nanoTime();
            try
            {
                scrapeBytes = page.scrape().length;
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
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
        if (metrics)
        {
            scraping = false;
            scraper.join();
            telemetry.close();
            System.out.printf("%nscrapes: %d, mean %.2f ms, %,d bytes each; telemetry ticks: %d%n", scrapes,
                scrapes == 0 ? 0.0 : scrapeNanos / 1e6 / scrapes, scrapeBytes, telemetry.ticks());
        }
        pipeline.close();
        journals.close();
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
