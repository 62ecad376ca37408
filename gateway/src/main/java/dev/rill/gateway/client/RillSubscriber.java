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
import dev.rill.gateway.FrameWriter;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Streams Results from a Rill server's journal "out", from a chosen position, live.
 *
 * <p>Each Result reaches the {@link ResultHandler} on the client's I/O thread, in journal order,
 * carrying its own {@code outIndex}: subscribe again from {@code lastOutIndex + 1} (start
 * {@code INDEX}) to resume after a disconnect without gaps or repeats.
 *
 * <p>Or let the server keep the position: subscribe with a name and start {@code NAMED}, and
 * {@link #commit(long)} the outIndex of each Result (or batch of Results) once processed. The next
 * {@code NAMED} subscription of that name, also after a server restart, starts right after the
 * last Commit; a name that has committed nothing starts at the oldest Result kept. Commits are
 * asynchronous and unacknowledged; a refused one is counted ({@link #commitRefusals()}).
 *
 * <p>Results carry their flags ({@code result.flags()}: FALLBACK, LATE, REPLAYED, CORRECTION) and,
 * for a correction published after a replay, the outIndex of the Result it corrects
 * ({@code result.correctsOutIndex()}); see {@link ResultHandler} for what a subscriber does with one.
 */
public final class RillSubscriber implements AutoCloseable
{
    private final ClientConnection connection;
    private final ResultHandler handler;
    private final ResultDecoder result = new ResultDecoder();
    private final SubscribedDecoder subscribed = new SubscribedDecoder();
    private final NackDecoder nack = new NackDecoder();
    private final CompletableFuture<Long> started = new CompletableFuture<>();
    private final FrameWriter commitWriter = new FrameWriter(); // commits may come from any thread, not only the subscribing one
    private volatile String failure;
    private volatile String lastRefusal;
    private volatile long commitRefusals;

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
        return subscribe(config, topic, start, index, "", handler);
    }

    /**
     * Connects and subscribes under a name the server keeps a position for.
     *
     * @param topic topic to receive, or "" for every topic.
     * @param start NAMED to resume right after the name's last Commit (or, for a name without one,
     *              from the oldest Result kept); EARLIEST, LATEST or INDEX to start elsewhere while
     *              keeping the name (a new name's position is then just before that start).
     * @param index the first out index to receive when {@code start} is INDEX; ignored otherwise.
     * @param name  1 to 64 of A-Z a-z 0-9 . _ - ; "" for an unnamed subscription.
     * @throws RillClientException when the server refuses the subscription or cannot be reached.
     */
    public static RillSubscriber subscribe(
        final ClientConfig config, final String topic, final StartPosition start, final long index, final String name,
        final ResultHandler handler)
    {
        final RillSubscriber s = new RillSubscriber(config, handler);
        try
        {
            s.connection.write(s.connection.writer().subscribe(s.connection.channel().alloc(), start, index, topic, name));
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

    /**
     * Tells the server that every Result up to {@code outIndex} is processed, so a later NAMED
     * subscription of this name starts after it and retention may drop it. Needs a named
     * subscription. Asynchronous: the server applies Commits in order and writes them to disk
     * within about 100 ms; a refused Commit (no name, beyond the journal, below an earlier one) is
     * counted in {@link #commitRefusals()}. One thread at a time; allocates only the pooled frame.
     *
     * @param outIndex the {@code outIndex} of a Result received.
     */
    public synchronized void commit(final long outIndex)
    {
        connection.write(commitWriter.commit(connection.channel().alloc(), outIndex));
    }

    /** @return Commits the server refused so far. */
    public long commitRefusals()
    {
        return commitRefusals;
    }

    /** @return the server's message for the last refused Commit or other frame, or null. */
    public String lastRefusal()
    {
        return lastRefusal;
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
                        lastRefusal = code + ": " + text; // after Subscribed only Commits are refused
                        commitRefusals++; // one I/O thread writes it
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
