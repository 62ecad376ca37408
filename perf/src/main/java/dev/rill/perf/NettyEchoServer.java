package dev.rill.perf;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.HelloDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.PingDecoder;
import dev.rill.gateway.FrameDecoder;
import dev.rill.gateway.FrameListener;
import dev.rill.gateway.FrameWriter;
import dev.rill.gateway.GatewayConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The raw baseline for the gateway: a Netty server on the same framing and the same Netty setup
 * as Rill's gateway (NIO, one I/O thread, TCP_NODELAY, {@link FrameDecoder}, {@link FrameWriter}),
 * that answers Hello with Welcome and acknowledges Events cumulatively, once per read, at
 * {@code channelReadComplete}: no validation, no ring, no journal, no scoring. What the load
 * generator measures against it is "raw Netty framed ingest" on this machine, client included.
 *
 * <p>Threading: each connection's handler runs on its event loop only. Allocates only the pooled
 * Ack buffers.
 */
@Command(name = "netty-echo-server", mixinStandardHelpOptions = true,
    description = "Raw Netty framed-ingest baseline: Hello -> Welcome, Events -> cumulative Ack per read.")
public final class NettyEchoServer implements Callable<Integer>, AutoCloseable
{
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", defaultValue = "7399", description = "Port; 0 picks one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--io-threads", defaultValue = "1", description = "Event-loop threads (default: ${DEFAULT-VALUE}, as the gateway)")
    int ioThreads = 1;

    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new NettyEchoServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final InetSocketAddress address = start();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            close();
            stopped.countDown();
        }, "echo-shutdown"));
        System.out.println("netty-echo-server: listening on " + address.getHostString() + ":" + address.getPort());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Binds; returns the bound address. */
    public InetSocketAddress start() throws InterruptedException
    {
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("echo-accept", true), NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("echo-io", true), NioIoHandler.newFactory());
        serverChannel = new ServerBootstrap()
            .group(bossGroup, ioGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    final EchoConnection connection = new EchoConnection();
                    ch.pipeline().addLast("frames", new FrameDecoder(connection, GatewayConfig.DEFAULT_MAX_FRAME_LENGTH));
                    ch.pipeline().addLast("connection", connection);
                }
            })
            .bind(host, port).sync().channel();
        return (InetSocketAddress)serverChannel.localAddress();
    }

    @Override
    public void close()
    {
        if (serverChannel != null)
        {
            serverChannel.close().syncUninterruptibly();
        }
        if (ioGroup != null)
        {
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One connection: Welcome on Hello, Pong on Ping, one cumulative Ack per read of Events. */
    private static final class EchoConnection extends ChannelInboundHandlerAdapter implements FrameListener
    {
        private static final int SEQ_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset();

        private final FrameWriter writer = new FrameWriter();
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final HelloDecoder hello = new HelloDecoder();
        private final PingDecoder ping = new PingDecoder();
        private long highestSeq = -1;
        private long lastAcked = -1;

        @Override
        public boolean onFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int offset, final int length)
        {
            FrameWriter.wrap(view, buffer, offset, length);
            header.wrap(view, 0);
            switch (header.templateId())
            {
                case EventDecoder.TEMPLATE_ID:
                    if (length >= SEQ_OFFSET + 8)
                    {
                        highestSeq = Math.max(highestSeq, view.getLong(SEQ_OFFSET, EventDecoder.BYTE_ORDER));
                    }
                    break;
                case HelloDecoder.TEMPLATE_ID:
                    hello.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    ctx.write(writer.welcome(ctx.alloc(), hello.producerId(), hello.epoch(), -1,
                        GatewayConfig.DEFAULT_MAX_FRAME_LENGTH, "netty-echo"), ctx.voidPromise());
                    break;
                case PingDecoder.TEMPLATE_ID:
                    ping.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    ctx.write(writer.pong(ctx.alloc(), ping.timeNanos()), ctx.voidPromise());
                    break;
                default:
                    break; // a baseline: anything else is ignored
            }
            return true;
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            if (highestSeq > lastAcked)
            {
                lastAcked = highestSeq;
                ctx.write(writer.ack(ctx.alloc(), highestSeq), ctx.voidPromise());
            }
            ctx.flush();
        }

        @Override
        public void onOversizedFrame(final ChannelHandlerContext ctx, final long seq, final int length)
        {
            ctx.close();
        }

        @Override
        public void onBadFrameLength(final ChannelHandlerContext ctx, final int length)
        {
            ctx.close();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }
}
