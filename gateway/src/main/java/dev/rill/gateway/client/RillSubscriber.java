package dev.rill.gateway.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribedDecoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Streams Results from a Rill server's journal "out", from a chosen position, live.
 *
 * <p>Each Result reaches the {@link ResultHandler} on the client's I/O thread, in journal order,
 * carrying its own {@code outIndex}: subscribe again from {@code lastOutIndex + 1} (start
 * {@code INDEX}) to resume after a disconnect without gaps or repeats.
 */
public final class RillSubscriber implements AutoCloseable
{
    private final ClientConnection connection;
    private final ResultHandler handler;
    private final ResultDecoder result = new ResultDecoder();
    private final SubscribedDecoder subscribed = new SubscribedDecoder();
    private final NackDecoder nack = new NackDecoder();
    private final CompletableFuture<Long> started = new CompletableFuture<>();
    private volatile String failure;

    private RillSubscriber(final ClientConfig config, final ResultHandler handler)
    {
        this.handler = handler;
        this.connection = ClientConnection.open(config, new Messages());
    }

    /**
     * Connects and subscribes.
     *
     * @param topic topic to receive, or "" for every topic.
     * @param start EARLIEST, LATEST, or INDEX (then {@code index} is the first out index to receive).
     * @throws RillClientException when the server refuses the subscription or cannot be reached.
     */
    public static RillSubscriber subscribe(
        final ClientConfig config, final String topic, final StartPosition start, final long index, final ResultHandler handler)
    {
        final RillSubscriber s = new RillSubscriber(config, handler);
        try
        {
            s.connection.write(s.connection.writer().subscribe(s.connection.channel().alloc(), start, index, topic));
            s.started.get(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return s;
        }
        catch (final ExecutionException e)
        {
            s.close();
            throw e.getCause() instanceof RillClientException ? (RillClientException)e.getCause() :
                new RillClientException("subscribe failed: " + e.getCause(), e.getCause());
        }
        catch (final TimeoutException e)
        {
            s.close();
            throw new RillClientException("no Subscribed within " + config.connectTimeout(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            s.close();
            throw new RillClientException("interrupted while subscribing", e);
        }
    }

    /** @return the out index of the first Result the server sends, as it answered Subscribe. */
    public long startIndex()
    {
        return started.getNow(-1L);
    }

    public boolean isOpen()
    {
        return connection.isOpen();
    }

    /** @return why the server closed the connection, or null. */
    public String failure()
    {
        return failure;
    }

    @Override
    public void close()
    {
        connection.close();
    }

    private final class Messages implements ClientConnection.Messages
    {
        @Override
        public void onMessage(final int templateId, final UnsafeBuffer message, final int blockLength, final int version, final int length)
        {
            switch (templateId)
            {
                case ResultDecoder.TEMPLATE_ID:
                    result.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                    handler.onResult(result);
                    break;
                case SubscribedDecoder.TEMPLATE_ID:
                    subscribed.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                    started.complete(subscribed.startIndex());
                    break;
                case NackDecoder.TEMPLATE_ID:
                    nack.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                    final ErrorCode code = ErrorCode.ofCode(nack.code());
                    final String text = nack.message();
                    if (!started.completeExceptionally(new RillClientException(code, text)))
                    {
                        failure = code + ": " + text;
                    }
                    break;
                default:
                    break;
            }
        }

        @Override
        public void onError(final ErrorCode code, final String message)
        {
            failure = code + ": " + message;
            started.completeExceptionally(new RillClientException(code, message));
        }

        @Override
        public void onClosed()
        {
            started.completeExceptionally(new RillClientException(ErrorCode.SERVER_SHUTTING_DOWN, "connection closed"));
        }
    }
}
