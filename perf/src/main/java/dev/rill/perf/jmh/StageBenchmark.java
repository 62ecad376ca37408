package dev.rill.perf.jmh;

import java.util.List;

import ai.onnxruntime.OrtException;
import dev.rill.bus.AckSink;
import dev.rill.bus.EventSlot;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.ResultListener;
import dev.rill.bus.TopicRegistry;
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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does each pipeline stage cost alone, on the calling thread, with slots already filled by
 * generated payments?
 * <ul>
 *   <li>{@code journalStage}: one {@link JournalStage} event: the producer's seq checked (each
 *       call gives the slot the next seq, so no event is a duplicate and every call appends), the
 *       payments Event appended to Chronicle journal "in" and the time stamp (ns per event).</li>
 *   <li>{@code scoringStageBatch128}: {@value #SCORE_BATCH} events through {@link ScoringStage}:
 *       feature extraction into the ORT input rows, one {@code session.run}, scores written back
 *       (ns per batch of 128; divide by 128 for per event).</li>
 *   <li>{@code publishStage}: one {@link PublishStage} event: Result encoded and appended to
 *       "out", latencies recorded; acks flushed once per 128 events as in a full batch (ns per
 *       event).</li>
 * </ul>
 * Compare the sum per event with {@link PipelineBenchmark}: the difference is hand-off and
 * waiting between threads.
 */
@State(Scope.Thread)
public class StageBenchmark extends RillBenchmark
{
    public static final int SCORE_BATCH = 128;

    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private BenchJournals journals;
    private JournalStage journalStage;
    private ScoringStage scoringStage;
    private PublishStage publishStage;
    private EventSlot[] slots;
    private long sequence;
    private long producerSeq = SCORE_BATCH;
    private volatile long lastAcked;

    @Setup(Level.Trial)
    public void setUp() throws OrtException
    {
        journals = new BenchJournals();
        final TopicRegistry topics = new TopicRegistry(List.of(FraudFeatures.payments()));
        final int topicId = topics.find(FraudFeatures.PAYMENTS_TOPIC);
        final OnnxScorer scorer = OnnxScorer.open(ModelLocator.fraudModel(), SCORE_BATCH);
        final FeatureExtractor[] extractors = new FeatureExtractor[topics.size()];
        extractors[topicId] = new FeatureExtractor(scorer.descriptor(), topics.topic(topicId));
        scoringStage = new ScoringStage(scorer, extractors, clock, SCORE_BATCH, 0.0);
        scoringStage.onStart();
        journalStage = new JournalStage(journals.in(), clock);
        final AckSink ackSink = (connectionId, seq) -> lastAcked = seq;
        publishStage = new PublishStage(journals.out(), topics, clock, ackSink, ResultListener.NONE,
            new PipelineLatencies(), SCORE_BATCH);

        final PaymentEvents payments = new PaymentEvents(SCORE_BATCH, 11);
        final PipelineConfig defaults = PipelineConfig.defaults();
        slots = new EventSlot[SCORE_BATCH];
        for (int i = 0; i < SCORE_BATCH; i++)
        {
            slots[i] = new EventSlot(defaults.maxEventBytes(), defaults.maxFields());
            payments.fill(slots[i], topicId, 1, 42, i + 1, clock.nanoTime());
            journalStage.onEvent(slots[i], i, false); // sets inIndex, as the pipeline would
        }
        scoringStageBatch128(); // sets scores, so publish encodes a complete Result
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        scoringStage.onShutdown();
        journals.close();
    }

    @Benchmark
    public EventSlot journalStage()
    {
        final EventSlot slot = slots[(int)(sequence++ & (SCORE_BATCH - 1))];
        slot.seq(++producerSeq); // the next seq of producer 42: appended, not a resend
        journalStage.onEvent(slot, sequence, false);
        return slot;
    }

    @Benchmark
    public double scoringStageBatch128()
    {
        final EventSlot[] s = slots;
        for (int i = 0; i < SCORE_BATCH; i++)
        {
            scoringStage.onEvent(s[i], i, i == SCORE_BATCH - 1);
        }
        return s[SCORE_BATCH - 1].score();
    }

    @Benchmark
    public EventSlot publishStage()
    {
        final int i = (int)(sequence++ & (SCORE_BATCH - 1));
        final EventSlot slot = slots[i];
        publishStage.onEvent(slot, sequence, i == SCORE_BATCH - 1);
        return slot;
    }
}
