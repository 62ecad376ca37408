package dev.rill.perf.jmh;

import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.rill.bus.EventSlot;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.WaitStrategyKind;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Raw baseline: what does one bare Disruptor hop cost, per event (publish on one thread, a no-op
 * {@code EventHandler} on another)? ns per event.
 *
 * <p>The ring is the pipeline's: {@value #RING_SIZE} pre-allocated {@link EventSlot}s of the
 * default size (512-byte encoded buffer, 32 fields), multi-producer as {@code Pipeline} makes it,
 * one {@code BatchEventProcessor} (batch bound {@link PipelineConfig#DEFAULT_MAX_BATCH}) running a
 * handler that does nothing, and the wait strategy {@code waitStrategy} builds through
 * {@link WaitStrategyKind} (every kind but BUSY_SPIN, which takes a whole core of two). The slots
 * are neither written nor read: this is the cost of sequencing and of waking the consumer, nothing
 * else, which is what Rill's {@link PipelineBenchmark} adds on top of its stages' work.
 *
 * <p>One invocation claims and publishes {@value #BATCH} events ({@code ring.next()} then
 * {@code publish}), then the benchmark thread waits for the consumer's sequence to reach the last
 * of them by parking ({@code LockSupport.parkNanos}, never spinning). A park oversleeps by the
 * kernel's timer slack (~50 µs here), so the wait can add up to ~15 ns per event to a fast
 * strategy: compare strategies with that in mind. Nothing is allocated per event.
 */
@State(Scope.Benchmark)
public class DisruptorHopBenchmark extends RillBenchmark
{
    public static final int RING_SIZE = 16 * 1024;
    public static final int BATCH = 4096;

    @Param({"PARKING", "BLOCKING", "LITE_BLOCKING", "SLEEPING", "PHASED_BACKOFF", "YIELDING"})
    public WaitStrategyKind waitStrategy;

    private RingBuffer<EventSlot> ring;
    private BatchEventProcessor<EventSlot> processor;
    private Sequence consumed;
    private Thread consumer;

    @Setup(Level.Trial)
    public void setUp()
    {
        final PipelineConfig defaults = PipelineConfig.defaults();
        final int maxEventBytes = defaults.maxEventBytes();
        final int maxFields = defaults.maxFields();
        ring = RingBuffer.createMultiProducer(() -> new EventSlot(maxEventBytes, maxFields), RING_SIZE,
            waitStrategy.newWaitStrategy());
        final EventHandler<EventSlot> nothing = (slot, sequence, endOfBatch) ->
        {
        };
        processor = new BatchEventProcessorBuilder()
            .setMaxBatchSize(PipelineConfig.DEFAULT_MAX_BATCH)
            .build(ring, ring.newBarrier(), nothing);
        ring.addGatingSequences(processor.getSequence());
        consumed = processor.getSequence();
        consumer = new Thread(processor, "disruptor-hop-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        processor.halt();
        consumer.join(10_000);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long bareHop()
    {
        final RingBuffer<EventSlot> r = ring;
        long sequence = -1;
        for (int i = 0; i < BATCH; i++)
        {
            sequence = r.next();
            r.publish(sequence);
        }
        while (consumed.get() < sequence)
        {
            LockSupport.parkNanos(1_000);
        }
        return sequence;
    }
}
