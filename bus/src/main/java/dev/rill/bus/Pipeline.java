package dev.rill.bus;

import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;

/**
 * The ring of pre-allocated {@link EventSlot}s and the stages that consume it.
 *
 * <p>Wiring follows {@link PipelineConfig#threading()}: {@code FUSED} runs journal, score and
 * publish in turn on one consumer thread (journal each event, score the batch at its end, then
 * publish it); {@code DIAMOND} runs journal and score on their own threads and publish after both.
 * Every consumer sees at most {@link PipelineConfig#maxBatch()} events per batch.
 *
 * <p>Producers (gateway I/O threads, any number) call {@link #tryClaim()}, fill the slot, then
 * {@link #publish(long)}; a claim never blocks: -1 means the ring is full and the caller must
 * pause its input until {@link CapacityListener#onCapacityFreed()}.
 *
 * <p>A stage that throws stops the pipeline: the failure is kept in {@link #failure()}, nothing
 * after it is acknowledged, and the ring fills so producers are paused rather than lied to.
 */
public final class Pipeline implements EventRing, AutoCloseable
{
    private final PipelineConfig config;
    private final NamedThreadFactory threadFactory = new NamedThreadFactory("rill-pipeline");
    private final Disruptor<EventSlot> disruptor;
    private final RingBuffer<EventSlot> ring;
    private volatile CapacityListener capacityListener = CapacityListener.NONE;
    private volatile Throwable failure;

    /**
     * @param config  ring size, batch bound, threading and wait strategy.
     * @param journal appends each event to journal "in" (first).
     * @param scoring scores events, batch by batch (parallel to journal, or after it when fused).
     * @param publish appends results, acknowledges, wakes subscribers (last).
     */
    public Pipeline(final PipelineConfig config, final Stage journal, final Stage scoring, final Stage publish)
    {
        this.config = Objects.requireNonNull(config, "config");
        final int maxEventBytes = config.maxEventBytes();
        final int maxFields = config.maxFields();
        disruptor = new Disruptor<>(
            () -> new EventSlot(maxEventBytes, maxFields),
            config.ringSize(),
            threadFactory,
            ProducerType.MULTI,
            config.waitStrategy().newWaitStrategy());

        if (config.threading() == PipelineConfig.Threading.FUSED)
        {
            disruptor.handleEventsWith(processor(new FusedHandler(journal, scoring, publish, config.maxBatch())));
        }
        else
        {
            disruptor
                .handleEventsWith(processor(new StageHandler(journal, false)), processor(new StageHandler(scoring, false)))
                .then(processor(new StageHandler(publish, true)));
        }
        ring = disruptor.getRingBuffer();
    }

    /** Must be set before {@link #start()}; told when slots free up. */
    public Pipeline capacityListener(final CapacityListener listener)
    {
        this.capacityListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    public Pipeline start()
    {
        disruptor.start();
        return this;
    }

    /**
     * Claims the next slot without blocking.
     *
     * @return the claimed sequence, or -1 when the ring is full.
     */
    @Override
    public long tryClaim()
    {
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ignore)
        {
            return -1; // a preallocated singleton: no stack trace, no allocation
        }
    }

    /** @return the slot of a claimed sequence, to be filled before {@link #publish(long)}. */
    @Override
    public EventSlot slot(final long sequence)
    {
        return ring.get(sequence);
    }

    /** Hands a claimed and filled slot to the stages. Every claimed sequence must be published. */
    @Override
    public void publish(final long sequence)
    {
        ring.publish(sequence);
    }

    /** @return free slots now; a hint only, since other producers claim concurrently. */
    public long remainingCapacity()
    {
        return ring.remainingCapacity();
    }

    /** @return events claimed but not yet fully processed by the last stage. */
    @Override
    public long depth()
    {
        return config.ringSize() - ring.remainingCapacity();
    }

    @Override
    public PipelineConfig config()
    {
        return config;
    }

    /** @return the exception that stopped the pipeline, or null while it runs. */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * Processes every published event, then stops the consumer threads. Producers must have
     * stopped claiming first.
     */
    @Override
    public void close()
    {
        try
        {
            if (failure == null)
            {
                disruptor.shutdown(30, TimeUnit.SECONDS);
            }
            else
            {
                disruptor.halt();
            }
        }
        catch (final TimeoutException e)
        {
            disruptor.halt();
        }
        // halt() only signals the consumers: wait until each has run its stages' onShutdown (the
        // last checkpoint, the scorer's close), so nothing touches the journals after close returns.
        try
        {
            threadFactory.join(30_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private EventProcessorFactory<EventSlot> processor(final EventHandler<EventSlot> handler)
    {
        return (ringBuffer, barrierSequences) ->
        {
            final BatchEventProcessor<EventSlot> processor = new BatchEventProcessorBuilder()
                .setMaxBatchSize(config.maxBatch())
                .build(ringBuffer, ringBuffer.newBarrier(barrierSequences), handler);
            processor.setExceptionHandler(new StopOnFailure(handler.toString()));
            return processor;
        };
    }

    private void afterLastStageBatch(final Sequence sequenceCallback, final long sequence)
    {
        // Free the batch's slots now rather than after onEvent returns, so paused producers woken
        // below find room; the fence pairs with the one in a producer that pauses, so either the
        // producer sees the freed slots or this thread sees that it paused.
        sequenceCallback.set(sequence);
        VarHandle.fullFence();
        capacityListener.onCapacityFreed();
    }

    /** Runs one stage on its own consumer thread. */
    private final class StageHandler implements EventHandler<EventSlot>
    {
        private final Stage stage;
        private final boolean last;
        private Sequence sequenceCallback;

        StageHandler(final Stage stage, final boolean last)
        {
            this.stage = stage;
            this.last = last;
        }

        @Override
        public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch) throws Exception
        {
            stage.onEvent(slot, sequence, endOfBatch);
            if (last && endOfBatch)
            {
                afterLastStageBatch(sequenceCallback, sequence);
            }
        }

        @Override
        public void setSequenceCallback(final Sequence sequenceCallback)
        {
            this.sequenceCallback = sequenceCallback;
        }

        @Override
        public void onStart()
        {
            stage.onStart();
        }

        @Override
        public void onShutdown()
        {
            stage.onShutdown();
        }

        @Override
        public String toString()
        {
            return stage.name();
        }
    }

    /**
     * Runs journal, score and publish on one thread: each event is journaled as it arrives, the
     * batch is scored at its end, then each event of the batch is published.
     */
    private final class FusedHandler implements EventHandler<EventSlot>
    {
        private final Stage journal;
        private final Stage scoring;
        private final Stage publish;
        private final long[] pending;
        private int pendingCount;
        private Sequence sequenceCallback;

        FusedHandler(final Stage journal, final Stage scoring, final Stage publish, final int maxBatch)
        {
            this.journal = journal;
            this.scoring = scoring;
            this.publish = publish;
            this.pending = new long[maxBatch];
        }

        @Override
        public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch) throws Exception
        {
            journal.onEvent(slot, sequence, endOfBatch);
            pending[pendingCount++] = sequence;
            scoring.onEvent(slot, sequence, endOfBatch);
            if (endOfBatch)
            {
                final int count = pendingCount;
                pendingCount = 0;
                for (int i = 0; i < count; i++)
                {
                    final long s = pending[i];
                    publish.onEvent(ring.get(s), s, i == count - 1);
                }
                afterLastStageBatch(sequenceCallback, sequence);
            }
        }

        @Override
        public void setSequenceCallback(final Sequence sequenceCallback)
        {
            this.sequenceCallback = sequenceCallback;
        }

        @Override
        public void onStart()
        {
            journal.onStart();
            scoring.onStart();
            publish.onStart();
        }

        @Override
        public void onShutdown()
        {
            publish.onShutdown();
            scoring.onShutdown();
            journal.onShutdown();
        }

        @Override
        public String toString()
        {
            return journal.name() + "+" + scoring.name() + "+" + publish.name();
        }
    }

    /** Keeps the first failure and stops the failing consumer; see the class javadoc. */
    private final class StopOnFailure implements ExceptionHandler<EventSlot>
    {
        private final String stageName;

        StopOnFailure(final String stageName)
        {
            this.stageName = stageName;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final EventSlot event)
        {
            fail(new IllegalStateException("pipeline stage '" + stageName + "' failed at sequence " + sequence +
                "; events from here on are not acknowledged", ex));
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            fail(new IllegalStateException("pipeline stage '" + stageName + "' failed to start", ex));
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            System.err.println("rill: pipeline stage '" + stageName + "' failed to shut down cleanly: " + ex);
        }

        private void fail(final IllegalStateException ex)
        {
            if (failure == null)
            {
                failure = ex;
            }
            System.err.println("rill: " + ex.getMessage() + ": " + ex.getCause());
            throw ex;
        }
    }

    /** Names consumer threads so thread dumps and profilers show what they are. */
    private static final class NamedThreadFactory implements ThreadFactory
    {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();
        private final java.util.List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        NamedThreadFactory(final String prefix)
        {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(final Runnable r)
        {
            final Thread t = new Thread(r, prefix + "-" + count.getAndIncrement());
            t.setDaemon(true);
            threads.add(t);
            return t;
        }

        /** Waits for every consumer thread to end (their stages' onShutdown run last on them). */
        void join(final long timeoutMillis) throws InterruptedException
        {
            final long deadline = System.currentTimeMillis() + timeoutMillis;
            for (final Thread t : threads)
            {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
        }
    }
}
