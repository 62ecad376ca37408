package dev.rill.gateway.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.WelcomeDecoder;
import dev.rill.gateway.FrameDecoder;
import dev.rill.gateway.FrameListener;
import dev.rill.gateway.FrameWriter;
import io.netty.bootstrap.Bootstrap;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client side of one TCP connection: connects, says Hello, waits for Welcome, then hands every
 * other frame to its {@link Messages} handler on its own I/O thread. Shared by
 * {@link RillProducer} and {@link RillSubscriber}.
 *
 * <p>Sends a Ping whenever it has written nothing for {@link ClientConfig#pingInterval()}, so a
 * subscriber that only receives stays open on a server with {@code gateway.idleTimeout}; the Pong
 * is ignored. Every frame from the server is checked by {@link ServerFrames} before it is decoded:
 * a malformed one ends the connection with MALFORMED_MESSAGE instead of being misread.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements FrameListener, AutoCloseable
{
    /** Frames after Welcome, on the I/O thread; the view is valid only during the call. */
    interface Messages
    {
        void onMessage(int templateId, UnsafeBuffer message, int blockLength, int version, int length);

        void onError(ErrorCode code, String message);

        void onClosed();

        /** The connection object exists (before any frame is handed over). */
        default void opened(ClientConnection connection)
        {
        }
    }

    private static final int MAX_FRAME = 1024 * 1024;

    private final ClientConfig config;
    private final Messages messages;
    private final EventLoopGroup group;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final WelcomeDecoder welcome = new WelcomeDecoder();
    private final ErrorDecoder error = new ErrorDecoder();
    private final CompletableFuture<Long> welcomed = new CompletableFuture<>();
    private final FrameWriter writer = new FrameWriter();
    /** The I/O thread's own: {@link #writer} belongs to the thread that sends. */
    private final FrameWriter pingWriter = new FrameWriter();
    private final ManyToOneConcurrentArrayQueue<ByteBuf> outbound;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable drainTask = this::drainOutbound;
    private Channel channel;

    private ClientConnection(final ClientConfig config, final Messages messages)
    {
        this.config = config;
        this.messages = messages;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rill-client", true), NioIoHandler.newFactory());
        this.outbound = new ManyToOneConcurrentArrayQueue<>(Math.max(1024, config.maxInFlight() + 64));
    }

    /**
     * Connects and completes the Hello/Welcome exchange.
     *
     * @return the connection; {@link #lastSeq()} holds Welcome's last journaled seq.
     * @throws RillClientException when the connection, the Welcome, or the server refuses.
     */
    static ClientConnection open(final ClientConfig config, final Messages messages)
    {
        final ClientConnection c = new ClientConnection(config, messages);
        messages.opened(c);
        try
        {
            c.channel = new Bootstrap()
                .group(c.group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        if (config.tls() != null)
                        {
                            // Host and port: SNI, and the name the server's certificate must carry.
                            final SslHandler tls = config.tls().newHandler(ch.alloc(), config.host(), config.port());
                            tls.handshakeFuture().addListener(f ->
                            {
                                if (!f.isSuccess())
                                {
                                    c.welcomed.completeExceptionally(new RillClientException("TLS handshake with " + config.host() +
                                        ":" + config.port() + " failed: " + rootMessage(f.cause()) +
                                        "; check the trusted certificate, the host name it names, and (mutual TLS) the client certificate",
                                        f.cause()));
                                }
                            });
                            ch.pipeline().addLast("tls", tls);
                        }
                        final long pingMillis = config.pingInterval().toMillis();
                        if (pingMillis > 0)
                        {
                            ch.pipeline().addLast(new IdleStateHandler(0, pingMillis, 0, TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast(new FrameDecoder(c, MAX_FRAME), c);
                    }
                })
                .connect(config.host(), config.port())
                .sync()
                .channel();
            c.channel.writeAndFlush(c.writer.hello(c.channel.alloc(), config.producerId(), config.epoch(), config.token(),
                config.clientName()));
            c.lastSeq = c.welcomed.get(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return c;
        }
        catch (final ExecutionException e)
        {
            c.close();
            throw e.getCause() instanceof RillClientException ? (RillClientException)e.getCause() :
                new RillClientException("connecting to " + config.host() + ":" + config.port() + " failed: " + e.getCause(), e.getCause());
        }
        catch (final TimeoutException e)
        {
            c.close();
            throw new RillClientException("no Welcome from " + config.host() + ":" + config.port() + " within " +
                config.connectTimeout(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            c.close();
            throw new RillClientException("interrupted while connecting", e);
        }
        catch (final Exception e) // Netty's sync() rethrows checked causes (ConnectException) unchecked
        {
            c.close();
            throw new RillClientException("cannot connect to " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    private long lastSeq;

    private static String rootMessage(final Throwable t)
    {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    long lastSeq()
    {
        return lastSeq;
    }

    Channel channel()
    {
        return channel;
    }

    FrameWriter writer()
    {
        return writer;
    }

    /**
     * Queues a frame from any thread. The frame goes into a lock-free queue that the I/O thread
     * drains, writing everything queued and flushing once: no task and no promise per frame, and
     * frames queued close together share one system call.
     */
    void write(final ByteBuf frame)
    {
        if (!outbound.offer(frame))
        {
            channel.writeAndFlush(frame, channel.voidPromise()); // queue full: rare, correct, slower
            return;
        }
        if (!drainScheduled.getAndSet(true))
        {
            channel.eventLoop().execute(drainTask);
        }
    }

    private void drainOutbound()
    {
        // Reset first: a frame offered after this point schedules another drain, so none is stranded.
        drainScheduled.set(false);
        ByteBuf frame;
        boolean wrote = false;
        while ((frame = outbound.poll()) != null)
        {
            channel.write(frame, channel.voidPromise());
            wrote = true;
        }
        if (wrote)
        {
            channel.flush();
        }
    }

    @Override
    public boolean onFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int offset, final int length)
    {
        FrameWriter.wrap(view, buffer, offset, length);
        final String malformed = ServerFrames.check(view, length);
        if (malformed != null)
        {
            final String message = "server sent a malformed frame: " + malformed + "; the connection is closed";
            welcomed.completeExceptionally(new RillClientException(ErrorCode.MALFORMED_MESSAGE, message));
            messages.onError(ErrorCode.MALFORMED_MESSAGE, message);
            ctx.close();
            ctx.channel().config().setAutoRead(false);
            return true;
        }
        header.wrap(view, 0);
        final int templateId = header.templateId();
        if (templateId == WelcomeDecoder.TEMPLATE_ID)
        {
            welcome.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            welcomed.complete(welcome.lastSeq());
        }
        else if (templateId == ErrorDecoder.TEMPLATE_ID)
        {
            error.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final ErrorCode code = ErrorCode.ofCode(error.code());
            final String message = error.message();
            welcomed.completeExceptionally(new RillClientException(code, message));
            messages.onError(code, message);
        }
        else
        {
            messages.onMessage(templateId, view, header.blockLength(), header.version(), length);
        }
        return true;
    }

    @Override
    public void onOversizedFrame(final ChannelHandlerContext ctx, final long seq, final int length)
    {
        messages.onError(ErrorCode.FRAME_TOO_LARGE, "server sent a frame of " + length + " bytes");
        ctx.close();
    }

    @Override
    public void onBadFrameLength(final ChannelHandlerContext ctx, final int length)
    {
        messages.onError(ErrorCode.BAD_FRAME_LENGTH, "server sent a frame length of " + length);
        ctx.close();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        welcomed.completeExceptionally(new RillClientException(ErrorCode.SERVER_SHUTTING_DOWN, "connection closed before Welcome"));
        messages.onClosed();
        super.channelInactive(ctx);
    }

    /** Nothing written for the ping interval: a Ping keeps the connection alive past a server's idle timeout. */
    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
    {
        if (evt instanceof IdleStateEvent && ((IdleStateEvent)evt).state() == IdleState.WRITER_IDLE)
        {
            if (!welcomed.isDone())
            {
                return; // never before the Hello: a Ping first is refused with HELLO_REQUIRED (a slow connect)
            }
            ctx.writeAndFlush(pingWriter.ping(ctx.alloc(), System.nanoTime()), ctx.voidPromise());
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }

    boolean isOpen()
    {
        return channel != null && channel.isActive();
    }

    /**
     * Closes without waiting (callable while holding locks the I/O thread may want): the channel
     * and its event loop wind down in the background.
     */
    void closeQuietlyLater()
    {
        if (channel != null)
        {
            channel.close();
            channel.eventLoop().execute(this::releaseUnsent); // the queue's one consumer is the I/O thread
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private void releaseUnsent()
    {
        ByteBuf unsent;
        while ((unsent = outbound.poll()) != null)
        {
            unsent.release();
        }
    }

    @Override
    public void close()
    {
        if (closed.getAndSet(true))
        {
            return; // closed already (a failed connection is closed by its producer, then again at the producer's close)
        }
        if (channel != null)
        {
            channel.close().syncUninterruptibly();
        }
        ByteBuf unsent;
        while ((unsent = outbound.poll()) != null)
        {
            unsent.release(); // never sent, so never acknowledged: the producer resends it
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
