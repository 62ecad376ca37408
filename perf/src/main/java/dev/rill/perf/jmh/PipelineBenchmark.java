package dev.rill.perf.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.AckSink;
import dev.rill.bus.Pipeline;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.ResultListener;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.WaitStrategyKind;
import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.journal.JournalStage;
import dev.rill.journal.PublishStage;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.ScoringStage;
import dev.rill.perf.ModelLocator;
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
 * How many payment events per second does the in-process pipeline carry from publish to result,
 * through all three stages (journal "in" on Chronicle Queue, ONNX scoring per micro-batch,
 * Result encoded and appended to "out" plus the acknowledgement), without the network?
 *
 * <p>One invocation claims, fills (SBE-encodes a generated payment into the slot, as the gateway
 * copies a frame) and publishes {@value #BATCH} events, then waits, parking
 * ({@code LockSupport.parkNanos}, never spinning or yielding), until the publish stage has
 * acknowledged the last of them; a full ring is waited out the same way. The score stays
 * <b>events/s</b> (throughput mode, {@code @OperationsPerInvocation(BATCH)}) through all stages;
 * ns per event is 1e9 divided by it. The benchmark thread allocates nothing, so with
 * {@code -prof gc} {@code gc.alloc.rate.norm} is the pipeline threads' allocation per event (ORT's
 * Java layer allocates a few hundred bytes per run, i.e. per micro-batch).
 *
 * <p>{@code threading}: FUSED runs the stages in turn on one consumer thread; DIAMOND runs
 * journal and scoring in parallel and publish after both (three consumer threads on two cores).
 * {@code waitStrategy}: how the consumer threads wait ({@link WaitStrategyKind}, every kind but
 * BUSY_SPIN, which takes a whole core of two); PARKING is the server's default. The raw baseline
 * of the hand-offs is {@link DisruptorHopBenchmark} with the same strategies.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark extends RillBenchmark
{
    /** Events per invocation: enough to fill several micro-batches so waiting is amortised. */
    public static final int BATCH = 4096;
    private static final int CONNECTION_ID = 1;
    private static final long PRODUCER_ID = 42;
    /** Asked-for park while waiting; the kernel's timer slack makes it ~50 µs. */
    private static final long WAIT_NANOS = 1_000;

    @Param({"FUSED", "DIAMOND"})
    public PipelineConfig.Threading threading;

    @Param({"PARKING", "BLOCKING", "LITE_BLOCKING", "SLEEPING", "PHASED_BACKOFF", "YIELDING"})
    public WaitStrategyKind waitStrategy;

    private BenchJournals journals;
    private Pipeline pipeline;
    private PaymentEvents payments;
    private int topicId;
    private long nextSeq = 1;
    private volatile long lastAcked;
    private final EpochNanoClock clock = new OffsetEpochNanoClock();

    @Setup(Level.Trial)
    public void setUp()
    {
        journals = new BenchJournals();
        final TopicRegistry topics = new TopicRegistry(List.of(FraudFeatures.payments()));
        topicId = topics.find(FraudFeatures.PAYMENTS_TOPIC);
        final PipelineConfig config = PipelineConfig.defaults().withThreading(threading).withWaitStrategy(waitStrategy);
        final OnnxScorer scorer = OnnxScorer.open(ModelLocator.fraudModel(), config.maxBatch());
        final FeatureExtractor[] extractors = new FeatureExtractor[topics.size()];
        extractors[topicId] = new FeatureExtractor(scorer.descriptor(), topics.topic(topicId));
        final ScoringStage scoring = new ScoringStage(scorer, extractors, clock, config.maxBatch(), 0.0);
        final AckSink ackSink = (connectionId, seq) -> lastAcked = seq;
        final PublishStage publish = new PublishStage(journals.out(), topics, clock, ackSink, ResultListener.NONE,
            new PipelineLatencies(), config.maxBatch());
        pipeline = new Pipeline(config, new JournalStage(journals.in(), clock), scoring, publish).start();
        payments = new PaymentEvents(4096, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        pipeline.close();
        journals.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long pipeline()
    {
        final Pipeline p = pipeline;
        long seq = nextSeq;
        for (int i = 0; i < BATCH; i++, seq++)
        {
            long sequence;
            while ((sequence = p.tryClaim()) < 0)
            {
                LockSupport.parkNanos(WAIT_NANOS); // ring full: give the pipeline threads the core
            }
            payments.fill(p.slot(sequence), topicId, CONNECTION_ID, PRODUCER_ID, seq, clock.nanoTime());
            p.publish(sequence);
        }
        final long last = seq - 1;
        while (lastAcked < last)
        {
            if (p.failure() != null)
            {
                throw new IllegalStateException(p.failure());
            }
            LockSupport.parkNanos(WAIT_NANOS);
        }
        nextSeq = seq;
        return last;
    }
}
