package dev.rill.perf.jmh;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import dev.rill.gateway.FrameDecoder;
import dev.rill.gateway.GatewayConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does the gateway's decode path cost per Event frame, next to a bare Netty
 * {@code LengthFieldBasedFrameDecoder} on the same bytes? ns per frame; {@code -prof gc}: B per frame.
 *
 * <p>Every invocation hands one pooled direct {@code ByteBuf} of {@value #FRAMES} payments Event
 * frames ({@link EventFrames}: length prefix + SBE Event, 121 bytes each, as the Java client
 * encodes them) to a Netty pipeline on an {@code EmbeddedChannel}, as one socket read would
 * ({@code fireChannelRead} + {@code fireChannelReadComplete}). Both variants first renumber the 256
 * seqs in place (one 8-byte write per frame), so they do the same framing work on the same bytes.
 * <ul>
 *   <li>{@code gatewayDecode}: the server's own handlers ({@link EmbeddedGateway}): {@link FrameDecoder}
 *       splits the frames in place and for each one {@code ServerConnection} checks the header
 *       (schema id, version, template), runs {@code EventValidator} (lengths, topic lookup, schema
 *       version, every value finite, typed and in range), the seq order, lateness (none
 *       configured), the disk-reserve flag, quota (none) and window (none), claims a ring slot,
 *       copies the frame into it, stamps producer id, ingest time (one clock read) and connection
 *       id, fills the slot's decoded values and publishes it, then counts the event. Included: the
 *       real {@code Pipeline.publish} (16384-slot ring, PARKING wait: it wakes the consumer thread
 *       only when that thread parked). Not included: the socket read, TLS, the idle timer, the
 *       stages' work (the consumer's stages do nothing but count) and the acknowledgement path
 *       (the connection is not registered; no in-flight window is configured, so none is
 *       needed). The benchmark thread parks before a read in the rare case the ring lacks room
 *       for the whole batch.</li>
 *   <li>{@code nettyLengthFieldDecode}: the raw baseline: Netty's
 *       {@code LengthFieldBasedFrameDecoder} (little-endian 4-byte length, stripped; the gateway's
 *       maximum frame length), each frame a retained slice handed to a handler that reads its seq
 *       and releases it. Framing only: no header check, validation, copy or ring.</li>
 * </ul>
 * The benchmark thread is a Netty {@code FastThreadLocalThread} ({@link NettyThreadExecutor}, set
 * in this class's {@code @Fork}), as the gateway's event loop is: Netty 4.2's Recycler pools only
 * on such threads, and on a plain JMH thread every slice of the baseline allocated a new 72-byte
 * object, which an event loop does not.
 */
@OperationsPerInvocation(GatewayDecodeBenchmark.FRAMES)
@Fork(value = 1, jvmArgsAppend = {
    RillJvmFlags.ADD_EXPORTS_MISC, RillJvmFlags.ADD_OPENS_NIO_CH, RillJvmFlags.ADD_OPENS_REFLECT,
    RillJvmFlags.ADD_EXPORTS_REF, RillJvmFlags.ADD_OPENS_NIO, RillJvmFlags.ADD_OPENS_LANG,
    RillJvmFlags.NO_ANALYTICS, RillJvmFlags.NO_ANNOUNCER, RillJvmFlags.NO_THREAD_CHECK,
    "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.rill.perf.jmh.NettyThreadExecutor"})
public class GatewayDecodeBenchmark extends RillBenchmark
{
    /** Frames per invocation: one socket read's worth (256 x 121 bytes, about 31 KB). */
    public static final int FRAMES = 256;

    /** The gateway's handlers over a real ring, past the Hello. */
    @State(Scope.Thread)
    public static class GatewayPath
    {
        EmbeddedGateway gateway;
        EventFrames frames;

        @Setup(Level.Trial)
        public void setUp()
        {
            gateway = new EmbeddedGateway();
            frames = new EventFrames(FRAMES, EmbeddedGateway.PRODUCER_ID, System.currentTimeMillis() * 1_000_000L);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            final long sent = frames.lastSeq();
            final long accepted = gateway.acceptedEvents();
            final Object answer = gateway.firstAnswer();
            final long throughRing = gateway.awaitEventsThroughRing(sent, TimeUnit.SECONDS.toNanos(10));
            gateway.close();
            frames.close();
            if (accepted != sent || answer != null || throughRing != sent)
            {
                throw new IllegalStateException("of " + sent + " frames the gateway accepted " + accepted + " and the ring carried " +
                    throughRing + (answer == null ? "" : "; it answered " + answer) + ": the figures are not the decode path's");
            }
        }
    }

    /** Netty's length-field decoder and a handler that reads each frame's seq and releases it. */
    @State(Scope.Thread)
    public static class NettyPath
    {
        NettyFraming framing;
        EventFrames frames;

        @Setup(Level.Trial)
        public void setUp()
        {
            framing = new NettyFraming(GatewayConfig.defaults().maxFrameLength());
            frames = new EventFrames(FRAMES, EmbeddedGateway.PRODUCER_ID, System.currentTimeMillis() * 1_000_000L);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            final long sent = frames.lastSeq();
            final long seen = framing.frames();
            framing.close();
            frames.close();
            if (seen != sent)
            {
                throw new IllegalStateException("Netty's decoder handed on " + seen + " of " + sent + " frames");
            }
        }
    }

    /**
     * The baseline's pipeline on an {@code EmbeddedChannel}: {@code LengthFieldBasedFrameDecoder}
     * then a handler that reads each frame's seq and releases the frame. One owner thread.
     */
    public static final class NettyFraming implements AutoCloseable
    {
        private final EmbeddedChannel channel;
        private final Sink sink = new Sink();

        /** @param maxFrameLength largest message after the 4-byte length, as the gateway's. */
        public NettyFraming(final int maxFrameLength)
        {
            channel = new EmbeddedChannel(new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN,
                maxFrameLength + FrameDecoder.LENGTH_FIELD, 0, FrameDecoder.LENGTH_FIELD, 0, FrameDecoder.LENGTH_FIELD, true), sink);
        }

        /** Hands the frames over as one read; the buffer is retained for the decoder, which releases it. */
        public void read(final EventFrames frames)
        {
            final ByteBuf buffer = frames.next();
            buffer.retain();
            channel.pipeline().fireChannelRead(buffer);
            channel.pipeline().fireChannelReadComplete();
            if (buffer.refCnt() != 1)
            {
                throw new IllegalStateException("the decoder kept part of the frames");
            }
        }

        /** @return frames handed to the handler so far. */
        public long frames()
        {
            return sink.frames;
        }

        /** @return the seq of the last frame the handler saw. */
        public long lastSeq()
        {
            return sink.lastSeq;
        }

        @Override
        public void close()
        {
            channel.finishAndReleaseAll();
        }

        private static final class Sink extends ChannelInboundHandlerAdapter
        {
            private static final int SEQ = dev.rill.bus.codec.MessageHeaderDecoder.ENCODED_LENGTH +
                dev.rill.bus.codec.EventDecoder.seqEncodingOffset();
            long frames;
            long lastSeq;

            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
            {
                final ByteBuf frame = (ByteBuf)msg;
                lastSeq = frame.getLongLE(frame.readerIndex() + SEQ);
                frames++;
                frame.release();
            }
        }
    }

    @Benchmark
    public long gatewayDecode(final GatewayPath s)
    {
        s.gateway.read(s.frames);
        return s.frames.lastSeq();
    }

    @Benchmark
    public long nettyLengthFieldDecode(final NettyPath s)
    {
        s.framing.read(s.frames);
        return s.framing.lastSeq();
    }
}
