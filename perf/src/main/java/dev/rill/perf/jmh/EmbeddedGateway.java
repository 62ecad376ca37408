package dev.rill.perf.jmh;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Pipeline;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.Stage;
import dev.rill.bus.TopicRegistry;
import dev.rill.gateway.FrameWriter;
import dev.rill.gateway.Gateway;
import dev.rill.gateway.GatewayConfig;
import dev.rill.ml.FraudFeatures;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * The gateway's real read path without a socket: a {@link Gateway} with the default configuration
 * (payments topic, no auth, quota, lateness or in-flight window) attached to a real
 * {@link Pipeline} (default ring of 16384 slots, PARKING wait, fused), and one connection's real
 * handlers ({@code FrameDecoder}, then {@code ServerConnection}, from
 * {@link Gateway#unregisteredConnectionHandlers}) on Netty's {@code EmbeddedChannel}, past its
 * Hello. The pipeline's stages do no work: journal and scoring nothing, the last one only counts
 * the events it sees, so an accepted event costs the gateway its claim and publish and the
 * consumer thread next to nothing.
 *
 * <p>The connection is not registered with the gateway, so nothing flows back: no Welcome, no
 * acknowledgement (none is needed without an in-flight window), no wake-up. {@link #read} therefore
 * waits, parking, until the ring has room for the whole batch before handing it over, so the
 * connection never pauses. One owner thread (the channel's "event loop" is the caller; make it a
 * {@code FastThreadLocalThread}, as {@link NettyThreadExecutor} does, for Netty's pooling to be
 * that of an event loop).
 */
public final class EmbeddedGateway implements AutoCloseable
{
    /** The producer id of the connection's Hello. */
    public static final long PRODUCER_ID = 42;

    private final BenchJournals journals = new BenchJournals();
    private final CountingStage counter = new CountingStage();
    private final Pipeline pipeline;
    private final Gateway gateway;
    private final EmbeddedChannel channel;

    public EmbeddedGateway()
    {
        final TopicRegistry topics = new TopicRegistry(List.of(FraudFeatures.payments()));
        final Stage nothing = new NoStage();
        pipeline = new Pipeline(PipelineConfig.defaults(), nothing, nothing, counter);
        gateway = new Gateway(GatewayConfig.defaults().withPort(0), topics, new OffsetEpochNanoClock())
            .attach(pipeline, journals.out());
        pipeline.start();
        channel = new EmbeddedChannel(gateway.unregisteredConnectionHandlers(1));
        channel.writeInbound(new FrameWriter().hello(channel.alloc(), PRODUCER_ID, 1, "", "GatewayDecodeBenchmark"));
        final Object answer = channel.readOutbound();
        if (answer != null)
        {
            throw new IllegalStateException("the gateway answered the Hello with a frame (" + answer + "): it was refused");
        }
    }

    /**
     * Hands one socket read's worth of frames to the connection, as Netty's read loop does
     * ({@code fireChannelRead}, then {@code fireChannelReadComplete}), once the ring has room for
     * all of them.
     *
     * @throws IllegalStateException when the decoder kept part of the buffer (a frame left unread).
     */
    public void read(final EventFrames frames)
    {
        final ByteBuf buffer = frames.next();
        while (pipeline.remainingCapacity() < frames.count())
        {
            LockSupport.parkNanos(1_000);
        }
        buffer.retain(); // the decoder releases what it has read completely
        channel.pipeline().fireChannelRead(buffer);
        channel.pipeline().fireChannelReadComplete();
        if (buffer.refCnt() != 1)
        {
            throw new IllegalStateException("the decoder kept part of the frames: an event was left unread");
        }
    }

    /** @return events the gateway accepted into the ring. */
    public long acceptedEvents()
    {
        return gateway.acceptedEvents();
    }

    /** @return the first frame the gateway wrote back (a Nack when an event was refused), or null. */
    public Object firstAnswer()
    {
        return channel.readOutbound();
    }

    /**
     * Waits, parking, until the last stage has seen {@code events} events, or the deadline passes.
     *
     * @return the events the last stage saw.
     */
    public long awaitEventsThroughRing(final long events, final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (counter.events < events && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(100_000);
        }
        return counter.events;
    }

    @Override
    public void close()
    {
        channel.finishAndReleaseAll();
        pipeline.close();
        journals.close();
    }

    private static final class NoStage implements Stage
    {
        @Override
        public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
        {
        }

        @Override
        public String name()
        {
            return "nothing";
        }
    }

    /** Counts the EVENT slots it sees; published once per batch. */
    private static final class CountingStage implements Stage
    {
        private long seen;
        volatile long events;

        @Override
        public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
        {
            if (slot.kind() == EventSlot.EVENT)
            {
                seen++;
            }
            if (endOfBatch)
            {
                events = seen;
            }
        }

        @Override
        public String name()
        {
            return "count";
        }
    }
}
