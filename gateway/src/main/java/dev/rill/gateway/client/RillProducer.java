package dev.rill.gateway.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.codec.AckDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.ReplyDecoder;
import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends events to a Rill server as an idempotent producer and learns, per event, whether it was
 * journaled.
 *
 * <p>{@link #send} is asynchronous: it encodes the event, keeps the frame until the server
 * acknowledges it, queues it on the connection and returns the event's seq; the
 * {@link AckListener} later hears {@code onAck(seq)} (journaled, durable by the server's
 * durability mode) or {@code onNack(seq, code, message)}. At most
 * {@link ClientConfig#maxInFlight()} events are unacknowledged at once: {@code send} waits for
 * room, {@link #trySend} returns -1 instead.
 *
 * <p>Idempotence: the producer is {@link ClientConfig#producerId()} in session
 * {@link ClientConfig#epoch()}; seqs continue after the last seq the server journaled for it
 * (Welcome). When the connection drops, the producer reconnects by itself with exponential backoff
 * and jitter, learns from the new Welcome how far the server got, counts everything up to there as
 * acknowledged and resends the rest, in order; the server drops a resend it already journaled and
 * acknowledges it anyway. Nothing is sent twice into the journal and nothing unacknowledged is
 * forgotten. With {@link ClientConfig#failover()} endpoints (the gateways of a cluster), each
 * reconnection tries the next endpoint, and a member that answers {@code NOT_LEADER} is passed
 * over: the producer resumes on the leader by seq. A newer session of the same producer id ({@code PRODUCER_FENCED}) and protocol errors
 * end the producer: {@link #send} then throws.
 *
 * <p>Request-reply: an event sent with {@link #REPLY} or {@link #REPLY_ONLY} (the {@code options}
 * argument) is answered with a Reply (score, model version, flags) that the {@link ReplyListener}
 * given to {@link #connect(ClientConfig, AckListener, ReplyListener)} hears before the event's Ack.
 * A REPLY_ONLY event's Result is journaled but not streamed to subscribers. An event resent after
 * a reconnect that the server had already journaled gets its Ack but no Reply (docs/protocol.md §7.7).
 *
 * <p>Threading: one thread sends at a time; listener callbacks run on the client's I/O thread. A
 * lock, uncontended while connected, orders sends against acknowledgements and reconnection.
 */
public final class RillProducer implements AutoCloseable
{
    /** {@code options} of a send: answer with a Reply and stream the Result to subscribers as usual. */
    public static final byte REPLY = EventSlot.OPTION_REPLY;
    /** {@code options} of a send: answer with a Reply only; the Result is journaled, not streamed to subscribers. */
    public static final byte REPLY_ONLY = EventSlot.OPTION_REPLY_ONLY;

    private final ClientConfig config;
    private final AckListener listener;
    private final ReplyListener replyListener;
    private final ReplyDecoder reply = new ReplyDecoder();
    private final Semaphore window;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuf[] unacked;
    private final int mask;
    private final AckDecoder ack = new AckDecoder();
    private final NackDecoder nack = new NackDecoder();
    private final Thread reconnector;
    private int endpoint; // index into config's endpoints of the connection; the constructor, then the reconnect thread
    private volatile ClientConnection connection;
    private long nextSeq;
    private volatile long ackedUpTo;
    private volatile boolean closed;
    private volatile boolean failed;
    private volatile boolean connected;
    private volatile String failure;
    private volatile long reconnects;
    /** Seqs start above it even when the server has journaled less (PartitionedProducer: a partition's new owner). */
    private final long seqFloor;

    private RillProducer(final ClientConfig config, final AckListener listener, final ReplyListener replyListener)
    {
        this(config, listener, replyListener, 0);
    }

    private RillProducer(final ClientConfig config, final AckListener listener, final ReplyListener replyListener, final long seqFloor)
    {
        this.config = config;
        this.seqFloor = seqFloor;
        this.listener = listener;
        this.replyListener = replyListener;
        this.window = new Semaphore(config.maxInFlight());
        final int capacity = Integer.highestOneBit(Math.max(1, config.maxInFlight() - 1)) << 1;
        this.unacked = new ByteBuf[capacity];
        this.mask = capacity - 1;
        final ClientConnection c = openAny(config);
        final long last = Math.max(c.lastSeq(), seqFloor);
        this.nextSeq = last + 1;
        this.ackedUpTo = last;
        this.connection = c;
        this.connected = true;
        this.reconnector = new Thread(this::reconnectLoop, "rill-producer-reconnect-" + config.producerId());
        this.reconnector.setDaemon(true);
        this.reconnector.start();
    }

    /**
     * Connects and says Hello as {@code config.producerId()} in session {@code config.epoch()}.
     *
     * @throws RillClientException when the server cannot be reached or refuses.
     */
    public static RillProducer connect(final ClientConfig config, final AckListener listener)
    {
        return new RillProducer(config, listener, null);
    }

    /**
     * Connects as {@link #connect(ClientConfig, AckListener)} does, with a listener for the Replies of
     * events sent with {@link #REPLY} or {@link #REPLY_ONLY}.
     *
     * @throws RillClientException when the server cannot be reached or refuses.
     */
    public static RillProducer connect(final ClientConfig config, final AckListener listener, final ReplyListener replies)
    {
        return new RillProducer(config, listener, java.util.Objects.requireNonNull(replies, "replies"));
    }

    /**
     * Connects as {@link #connect(ClientConfig, AckListener)} does, with seqs starting above
     * {@code seqFloor} even where the server has journaled fewer for this producer: a
     * {@link PartitionedProducer} continues a partition's seqs on the partition's new owner, so
     * (producer, seq) names one event across all servers.
     */
    static RillProducer connect(final ClientConfig config, final AckListener listener, final long seqFloor)
    {
        return new RillProducer(config, listener, null, seqFloor);
    }

    /** @return UTF-8 bytes of a topic name, to pass to {@link #send(byte[], long, long, double[], int)}. */
    public static byte[] topic(final String name)
    {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends one event, waiting while the in-flight window is full (also while reconnecting).
     *
     * @param topic          UTF-8 topic name (see {@link #topic(String)}).
     * @param key            the event's key (for example the card id).
     * @param eventTimeNanos when the event happened, epoch nanoseconds.
     * @param fields         field values in the topic's order; the first {@code fieldCount} are sent.
     * @return the event's seq.
     * @throws RillClientException when the producer is closed or has failed for good.
     */
    public long send(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        return send(topic, 0, key, eventTimeNanos, fields, fieldCount, (byte)0);
    }

    /**
     * Sends one event that may ask for a Reply, waiting while the in-flight window is full.
     *
     * @param options 0, {@link #REPLY} or {@link #REPLY_ONLY}; a Reply needs a producer connected
     *                with a {@link ReplyListener}.
     * @return the event's seq.
     */
    public long send(
        final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount, final byte options)
    {
        return send(topic, 0, key, eventTimeNanos, fields, fieldCount, options);
    }

    /**
     * As {@link #send(byte[], long, long, double[], int)}, with the values in the order of a given
     * schema version of the topic (docs/protocol.md §13.1); trailing optional fields of that
     * version may be left out (the server fills their defaults).
     *
     * @param schemaVersion 1, 2, ... as the server's topic declares (rill topic show); 0 means 1.
     */
    public long send(
        final byte[] topic, final int schemaVersion, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        return send(topic, schemaVersion, key, eventTimeNanos, fields, fieldCount, (byte)0);
    }

    /**
     * Sends one event of a given schema version that may ask for a Reply, waiting while the
     * in-flight window is full.
     *
     * @param schemaVersion 1, 2, ... as the server's topic declares; 0 means 1.
     * @param options       0, {@link #REPLY} or {@link #REPLY_ONLY}.
     * @return the event's seq.
     */
    public long send(
        final byte[] topic, final int schemaVersion, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount,
        final byte options)
    {
        checkOptions(options);
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
        return write(topic, schemaVersion, key, eventTimeNanos, fields, fieldCount, options);
    }

    /** Convenience form of {@link #send(byte[], long, long, double[], int)}; allocates. */
    public long send(final String topic, final long key, final long eventTimeNanos, final double... fields)
    {
        return send(topic(topic), key, eventTimeNanos, fields, fields.length);
    }

    /** Convenience form of {@link #send(byte[], int, long, long, double[], int)}; allocates. */
    public long sendVersion(final String topic, final int schemaVersion, final long key, final long eventTimeNanos, final double... fields)
    {
        return send(topic(topic), schemaVersion, key, eventTimeNanos, fields, fields.length);
    }

    /**
     * Sends one event unless the in-flight window is full.
     *
     * @return the event's seq, or -1 when the window is full (nothing was sent).
     */
    public long trySend(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        return trySend(topic, key, eventTimeNanos, fields, fieldCount, (byte)0);
    }

    /**
     * Sends one event that may ask for a Reply unless the in-flight window is full.
     *
     * @param options 0, {@link #REPLY} or {@link #REPLY_ONLY}.
     * @return the event's seq, or -1 when the window is full (nothing was sent).
     */
    public long trySend(
        final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount, final byte options)
    {
        checkOptions(options);
        checkOpen();
        if (!window.tryAcquire())
        {
            return -1;
        }
        return write(topic, 0, key, eventTimeNanos, fields, fieldCount, options);
    }

    private void checkOptions(final byte options)
    {
        if (options != 0 && (options & ~(REPLY | REPLY_ONLY)) == 0 && replyListener == null)
        {
            throw new IllegalArgumentException("options ask for a Reply, but this producer has no ReplyListener: " +
                "connect with RillProducer.connect(config, acks, replies)");
        }
        if ((options & ~(REPLY | REPLY_ONLY)) != 0)
        {
            throw new IllegalArgumentException("options " + options + " has bits other than REPLY (1) and REPLY_ONLY (2)");
        }
    }

    /**
     * Waits until every event sent so far is acknowledged or refused (across reconnects).
     *
     * @return true when none is outstanding, false on timeout.
     * @throws RillClientException when the producer failed for good first.
     */
    public boolean awaitAllAcknowledged(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            checkOpen();
            if (window.tryAcquire(config.maxInFlight(), 50, TimeUnit.MILLISECONDS))
            {
                window.release(config.maxInFlight());
                checkOpen();
                return true;
            }
            if (System.nanoTime() > deadline)
            {
                return false;
            }
        }
    }

    /** @return events sent and not yet acknowledged or refused. */
    public int inFlight()
    {
        return config.maxInFlight() - window.availablePermits();
    }

    /** @return the highest seq acknowledged so far; never goes down. */
    public long acknowledgedUpTo()
    {
        return ackedUpTo;
    }

    /** @return the seq the next send will use. */
    public long nextSeq()
    {
        return nextSeq;
    }

    /** @return true while connected (false while reconnecting, after failure or close). */
    public boolean isOpen()
    {
        return connected && !failed && !closed;
    }

    /** @return true once closed or failed for good: nothing it holds will be answered any more. */
    boolean ended()
    {
        return closed || failed;
    }

    /** @return how often the producer reconnected since it was created. */
    public long reconnects()
    {
        return reconnects;
    }

    /**
     * Closes the connection; events not acknowledged by then are not resent (a new producer with
     * the same id resumes after the server's last journaled seq).
     */
    @Override
    public void close()
    {
        closed = true;
        reconnector.interrupt();
        final ClientConnection c = connection;
        if (c != null)
        {
            c.close();
        }
        try
        {
            reconnector.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try
        {
            for (int i = 0; i < unacked.length; i++)
            {
                if (unacked[i] != null)
                {
                    unacked[i].release();
                    unacked[i] = null;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    private long write(
        final byte[] topic, final int schemaVersion, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount,
        final byte options)
    {
        lock.lock();
        try
        {
            final long seq = nextSeq++;
            final ClientConnection c = connection;
            final ByteBuf frame = c.writer().event(c.channel().alloc(), config.producerId(), seq, key, eventTimeNanos,
                schemaVersion, topic, fields, fieldCount, options);
            unacked[(int)(seq & mask)] = frame; // kept until acknowledged; the window guarantees the slot is free
            c.write(frame.retainedDuplicate());
            return seq;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new RillClientException(ErrorCode.SERVER_SHUTTING_DOWN, "producer " + config.producerId() + " is closed");
        }
        if (failed)
        {
            throw new RillClientException(ErrorCode.SERVER_SHUTTING_DOWN,
                failure != null ? failure : "connection to the server is closed; reconnect and resend what was not acknowledged");
        }
    }

    /** Under the lock: everything up to {@code upTo} is journaled. */
    private void acknowledgeUpTo(final long upTo)
    {
        int released = 0;
        for (long seq = ackedUpTo + 1; seq <= upTo && seq < nextSeq; seq++)
        {
            final int slot = (int)(seq & mask);
            final ByteBuf frame = unacked[slot];
            if (frame == null)
            {
                continue; // refused earlier (Nack): its permit is already back
            }
            frame.release();
            unacked[slot] = null;
            released++;
            listener.onAck(seq);
        }
        if (upTo > ackedUpTo)
        {
            ackedUpTo = Math.min(upTo, nextSeq - 1);
        }
        window.release(released);
    }

    private void reconnectLoop()
    {
        while (!closed && !failed)
        {
            if (connected)
            {
                try
                {
                    synchronized (this)
                    {
                        while (connected && !closed && !failed)
                        {
                            wait();
                        }
                    }
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                continue;
            }
            reconnect();
        }
    }

    /**
     * The first connection: each endpoint in turn (a cluster member that is not the leader answers
     * NOT_LEADER) until one welcomes; the last failure if none does.
     */
    private ClientConnection openAny(final ClientConfig config)
    {
        RillClientException last = null;
        for (int i = 0; i < config.endpointCount(); i++)
        {
            try
            {
                final ClientConnection c = ClientConnection.open(config.endpoint(i), new Messages());
                endpoint = i;
                return c;
            }
            catch (final RillClientException e)
            {
                if (e.code() == ErrorCode.PRODUCER_FENCED)
                {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private void reconnect()
    {
        final long base = config.reconnectBackoff().toNanos();
        long backoff = base;
        int attempts = 0;
        while (!closed && !failed)
        {
            attempts++;
            final long sleep = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            try
            {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            catch (final InterruptedException e)
            {
                return;
            }
            // With failover endpoints, each is tried once per round; the backoff grows per round.
            if (attempts % config.endpointCount() == 0)
            {
                backoff = Math.min(backoff * 2, base * 32);
            }
            final ClientConnection next;
            try
            {
                // The next endpoint first: the one that dropped is down or was not the leader.
                final int candidate = Math.floorMod(endpoint + attempts, config.endpointCount());
                next = ClientConnection.open(config.endpoint(candidate), new Messages());
                endpoint = candidate;
            }
            catch (final RillClientException e)
            {
                if (e.code() == ErrorCode.PRODUCER_FENCED)
                {
                    fail(e.code(), e.getMessage());
                    return;
                }
                continue; // not reachable yet: back off and try again
            }
            catch (final RuntimeException e)
            {
                continue; // any other failure to connect: the same
            }
            resume(next, attempts);
            return;
        }
    }

    private void resume(final ClientConnection next, final int attempts)
    {
        int resent = 0;
        final long last;
        lock.lock();
        try
        {
            final ClientConnection old = connection;
            connection = next;
            last = Math.max(next.lastSeq(), seqFloor);
            if (last < ackedUpTo)
            {
                fail(ErrorCode.INTERNAL_ERROR, "server's last journaled seq " + last + " for producer " + config.producerId() +
                    " is below the acknowledged " + ackedUpTo + ": acknowledged events were lost (was the data directory replaced?)");
                next.close();
                return;
            }
            acknowledgeUpTo(last);
            for (long seq = Math.max(last, ackedUpTo) + 1; seq < nextSeq; seq++)
            {
                final ByteBuf frame = unacked[(int)(seq & mask)];
                if (frame != null)
                {
                    next.write(frame.retainedDuplicate());
                    resent++;
                }
            }
            reconnects++;
            connected = true;
            old.closeQuietlyLater();
        }
        finally
        {
            lock.unlock();
        }
        listener.onReconnected(attempts, last, resent);
    }

    private void fail(final ErrorCode code, final String message)
    {
        failure = code + ": " + message;
        failed = true;
        window.release(config.maxInFlight()); // wake a sender blocked on the window; it will see the failure
        listener.onError(code, message);
    }

    private void disconnected(final ClientConnection from)
    {
        if (from != connection || closed)
        {
            return; // an old connection closing after it was replaced
        }
        connected = false;
        if (!config.reconnect())
        {
            if (!failed)
            {
                fail(ErrorCode.SERVER_SHUTTING_DOWN, "connection to the server is closed; reconnect and resend what was not acknowledged");
            }
            return;
        }
        synchronized (this)
        {
            notifyAll();
        }
    }

    /** Acks, Nacks and Errors of one connection, on its I/O thread. */
    private final class Messages implements ClientConnection.Messages
    {
        private ClientConnection owner;

        @Override
        public void opened(final ClientConnection connection)
        {
            this.owner = connection;
        }

        @Override
        public void onMessage(final int templateId, final UnsafeBuffer message, final int blockLength, final int version, final int length)
        {
            if (templateId == AckDecoder.TEMPLATE_ID)
            {
                ack.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                final long upTo = ack.seq();
                lock.lock();
                try
                {
                    if (owner == connection)
                    {
                        acknowledgeUpTo(upTo);
                    }
                }
                finally
                {
                    lock.unlock();
                }
            }
            else if (templateId == ReplyDecoder.TEMPLATE_ID)
            {
                if (replyListener != null && owner == connection)
                {
                    reply.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                    replyListener.onReply(reply);
                }
            }
            else if (templateId == NackDecoder.TEMPLATE_ID)
            {
                nack.wrap(message, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                final long seq = nack.seq();
                final ErrorCode code = ErrorCode.ofCode(nack.code());
                final String text = nack.message();
                lock.lock();
                try
                {
                    if (seq > ackedUpTo && seq < nextSeq)
                    {
                        final int slot = (int)(seq & mask);
                        if (unacked[slot] != null)
                        {
                            unacked[slot].release(); // refused: not resent
                            unacked[slot] = null;
                            window.release();
                        }
                    }
                }
                finally
                {
                    lock.unlock();
                }
                listener.onNack(seq, code, text);
            }
        }

        @Override
        public void onError(final ErrorCode code, final String message)
        {
            if (code == ErrorCode.PRODUCER_FENCED || !config.reconnect() ||
                code == ErrorCode.HELLO_REQUIRED || code == ErrorCode.BAD_FRAME_LENGTH)
            {
                if (owner == null || owner == connection)
                {
                    fail(code, message);
                }
                return;
            }
            listener.onError(code, message); // SERVER_SHUTTING_DOWN and the like: reconnecting follows
        }

        @Override
        public void onClosed()
        {
            if (owner != null)
            {
                disconnected(owner);
            }
        }
    }
}
