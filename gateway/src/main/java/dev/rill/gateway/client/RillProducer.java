package dev.rill.gateway.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.AckDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.NackDecoder;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends events to a Rill server and learns, per event, whether it was journaled.
 *
 * <p>{@link #send} is asynchronous: it encodes the event into a pooled buffer, queues it on the
 * connection and returns the event's seq; the {@link AckListener} later hears {@code onAck(seq)}
 * (journaled, durable by the server's durability mode) or {@code onNack(seq, code, message)}.
 * At most {@link ClientConfig#maxInFlight()} events are unacknowledged at once: {@code send}
 * waits for room, {@link #trySend} returns -1 instead.
 *
 * <p>Threading: one thread sends at a time; listener callbacks run on the client's I/O thread.
 * Sending allocates only the pooled frame buffer.
 */
public final class RillProducer implements AutoCloseable
{
    private final ClientConfig config;
    private final AckListener listener;
    private final Semaphore window;
    private final ClientConnection connection;
    private final LongHashSet nackedAboveAck = new LongHashSet();
    private final AckDecoder ack = new AckDecoder();
    private final NackDecoder nack = new NackDecoder();
    private long nextSeq;
    private volatile long ackedUpTo;
    private volatile boolean failed;
    private volatile String failure;

    private RillProducer(final ClientConfig config, final AckListener listener)
    {
        this.config = config;
        this.listener = listener;
        this.window = new Semaphore(config.maxInFlight());
        this.connection = ClientConnection.open(config, new Messages());
        final long last = Math.max(connection.lastSeq(), 0);
        this.nextSeq = last + 1;
        this.ackedUpTo = last;
    }

    /**
     * Connects and says Hello as {@code config.producerId()}.
     *
     * @throws RillClientException when the server cannot be reached or refuses.
     */
    public static RillProducer connect(final ClientConfig config, final AckListener listener)
    {
        return new RillProducer(config, listener);
    }

    /** @return UTF-8 bytes of a topic name, to pass to {@link #send(byte[], long, long, double[], int)}. */
    public static byte[] topic(final String name)
    {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends one event, waiting while the in-flight window is full.
     *
     * @param topic          UTF-8 topic name (see {@link #topic(String)}).
     * @param key            the event's key (for example the card id).
     * @param eventTimeNanos when the event happened, epoch nanoseconds.
     * @param fields         field values in the topic's order; the first {@code fieldCount} are sent.
     * @return the event's seq.
     * @throws RillClientException when the connection has failed.
     */
    public long send(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        checkOpen();
        try
        {
            while (!window.tryAcquire(100, TimeUnit.MILLISECONDS))
            {
                checkOpen();
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new RillClientException("interrupted while waiting for the in-flight window", e);
        }
        return write(topic, key, eventTimeNanos, fields, fieldCount);
    }

    /** Convenience form of {@link #send(byte[], long, long, double[], int)}; allocates. */
    public long send(final String topic, final long key, final long eventTimeNanos, final double... fields)
    {
        return send(topic(topic), key, eventTimeNanos, fields, fields.length);
    }

    /**
     * Sends one event unless the in-flight window is full.
     *
     * @return the event's seq, or -1 when the window is full (nothing was sent).
     */
    public long trySend(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        checkOpen();
        if (!window.tryAcquire())
        {
            return -1;
        }
        return write(topic, key, eventTimeNanos, fields, fieldCount);
    }

    /**
     * Waits until every event sent so far is acknowledged or refused.
     *
     * @return true when none is outstanding, false on timeout.
     * @throws RillClientException when the connection failed first.
     */
    public boolean awaitAllAcknowledged(final Duration timeout) throws InterruptedException
    {
        if (window.tryAcquire(config.maxInFlight(), timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            window.release(config.maxInFlight());
            checkOpen();
            return true;
        }
        return false;
    }

    /** @return events sent and not yet acknowledged or refused. */
    public int inFlight()
    {
        return config.maxInFlight() - window.availablePermits();
    }

    /** @return the highest seq acknowledged so far. */
    public long acknowledgedUpTo()
    {
        return ackedUpTo;
    }

    /** @return the seq the next send will use. */
    public long nextSeq()
    {
        return nextSeq;
    }

    public boolean isOpen()
    {
        return !failed && connection.isOpen();
    }

    @Override
    public void close()
    {
        connection.close();
    }

    private long write(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        final long seq = nextSeq++;
        connection.write(connection.writer().event(connection.channel().alloc(), config.producerId(), seq, key, eventTimeNanos,
            topic, fields, fieldCount));
        return seq;
    }

    private void checkOpen()
    {
        if (failed || !connection.isOpen())
        {
            throw new RillClientException(ErrorCode.SERVER_SHUTTING_DOWN,
                failure != null ? failure : "connection to the server is closed; reconnect and resend what was not acknowledged");
        }
    }

    /** Acks and Nacks, on the I/O thread. */
    private final class Messages implements ClientConnection.Messages
    {
        @Override
        public void onMessage(final int templateId, final UnsafeBuffer message, final int blockLength, final int version, final int length)
        {
            if (templateId == AckDecoder.TEMPLATE_ID)
            {
                ack.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                onAckUpTo(ack.seq());
            }
            else if (templateId == NackDecoder.TEMPLATE_ID)
            {
                nack.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                final long seq = nack.seq();
                final ErrorCode code = ErrorCode.ofCode(nack.code());
                final String text = nack.message();
                if (seq > ackedUpTo && nackedAboveAck.add(seq))
                {
                    window.release();
                }
                listener.onNack(seq, code, text);
            }
        }

        private void onAckUpTo(final long upTo)
        {
            int released = 0;
            for (long seq = ackedUpTo + 1; seq <= upTo; seq++)
            {
                if (!nackedAboveAck.isEmpty() && nackedAboveAck.remove(seq))
                {
                    continue;
                }
                released++;
                listener.onAck(seq);
            }
            if (upTo > ackedUpTo)
            {
                ackedUpTo = upTo;
            }
            window.release(released);
        }

        @Override
        public void onError(final ErrorCode code, final String message)
        {
            failure = code + ": " + message;
            failed = true;
            listener.onError(code, message);
        }

        @Override
        public void onClosed()
        {
            failed = true;
            window.release(config.maxInFlight()); // wake a sender blocked on the window; it will see the failure
        }
    }
}
