package dev.rill.perf.jmh;

import java.util.List;

import dev.rill.bus.AckSink;
import dev.rill.bus.EventSlot;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.ResultListener;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.journal.JournalStage;
import dev.rill.journal.PublishStage;
import dev.rill.ml.FraudFeatures;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does recording an event's latencies cost the publish stage's thread, the one part of the
 * metrics on the live path? On the calling thread, no other thread involved (so less at the mercy
 * of a busy machine than {@link MetricsOverheadBenchmark}'s throughput), ns per event:
 * <ul>
 *   <li>{@code journalAndPublish} / {@code journalAndPublishRecordingNothing}: one payment through
 *       {@link JournalStage} (append to "in") and {@link PublishStage} (Result appended to "out",
 *       acks once per 128 events), with the stage recording its four latencies into
 *       {@link PipelineLatencies} and with it recording none;</li>
 *   <li>{@code recordOnly}: {@link PipelineLatencies#record} alone.</li>
 * </ul>
 * The difference of the first two, over the first, is the share of the fused journal + publish
 * path that recording takes.
 */
@State(Scope.Thread)
public class LatencyRecordingBenchmark extends RillBenchmark
{
    private static final int SLOTS = 128;

    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private final PipelineLatencies latencies = new PipelineLatencies();
    private BenchJournals journals;
    private JournalStage journal;
    private PublishStage recording;
    private PublishStage notRecording;
    private EventSlot[] slots;
    private long sequence;
    private long value;

    @Setup(Level.Trial)
    public void setUp()
    {
        journals = new BenchJournals();
        final TopicRegistry topics = new TopicRegistry(List.of(FraudFeatures.payments()));
        final int topicId = topics.find(FraudFeatures.PAYMENTS_TOPIC);
        journal = new JournalStage(journals.in(), clock);
        final AckSink acks = (connectionId, seq) -> { };
        recording = new PublishStage(journals.out(), topics, clock, acks, ResultListener.NONE, latencies, SLOTS);
        notRecording = new PublishStage(journals.out(), topics, clock, acks, ResultListener.NONE, null, SLOTS);
        final PaymentEvents payments = new PaymentEvents(SLOTS, 11);
        final PipelineConfig defaults = PipelineConfig.defaults();
        slots = new EventSlot[SLOTS];
        for (int i = 0; i < SLOTS; i++)
        {
            slots[i] = new EventSlot(defaults.maxEventBytes(), defaults.maxFields());
            payments.fill(slots[i], topicId, 1, 0, i + 1, clock.nanoTime()); // producer 0: never deduplicated
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        journals.close();
    }

    @Benchmark
    public EventSlot journalAndPublish()
    {
        return step(recording);
    }

    @Benchmark
    public EventSlot journalAndPublishRecordingNothing()
    {
        return step(notRecording);
    }

    @Benchmark
    public long recordOnly()
    {
        final long v = ++value & 0xFFFF;
        latencies.record(0, 20_000 + v, 30_000 + v, 40_000 + v, -1_000_000 - v);
        return v;
    }

    private EventSlot step(final PublishStage publish)
    {
        final int i = (int)(sequence++ & (SLOTS - 1));
        final EventSlot slot = slots[i];
        journal.onEvent(slot, sequence, false);
        publish.onEvent(slot, sequence, i == SLOTS - 1);
        return slot;
    }
}
