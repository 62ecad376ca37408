package dev.rill.gateway;

import dev.rill.bus.EventSlot;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The Replies of one producing connection: the {@link ReplyQueue} the pipeline fills, created at
 * the first event that asks for a Reply, and the writing of the queued Replies as frames, all in
 * one buffer per drain.
 *
 * <p>Threads: {@link #offer} on the pipeline's publishing thread; everything else on the
 * connection's event loop. Allocates the queue once per connection that asks for Replies, and one
 * pooled buffer per drain that has Replies to send.
 */
final class ReplyOutbox implements ReplyQueue.Handler
{
    private static final ReplyQueue.Handler DISCARD =
        (seq, outIndex, inIndex, scoredTimeNanos, modelVersion, flags, score, modelName) -> { };

    private final int capacity;
    private final FrameWriter writer;
    private volatile ReplyQueue queue;
    private ByteBuf batch;

    /** @param capacity most Replies accepted and not yet sent ({@code gateway.maxPendingReplies}). */
    ReplyOutbox(final int capacity, final FrameWriter writer)
    {
        this.capacity = capacity;
        this.writer = writer;
    }

    /** Event loop: whether another event may ask for a Reply now (creates the queue at the first). */
    boolean hasRoom()
    {
        ReplyQueue q = queue;
        if (q == null)
        {
            q = new ReplyQueue(capacity);
            queue = q; // the pipeline thread reads it after the slot's publish, which orders this store before
        }
        return q.reserved() < q.capacity();
    }

    /** Event loop: takes the room {@link #hasRoom()} saw, for an event accepted into the ring. */
    void reserve()
    {
        queue.tryReserve();
    }

    /** Event loop: whether every place is taken (the connection should not be read). */
    boolean full()
    {
        final ReplyQueue q = queue;
        return q != null && q.reserved() >= q.capacity();
    }

    /**
     * Pipeline thread: queues the Reply of {@code slot} (or the release of its place, outIndex -1).
     *
     * @return false when it could not be queued: no place was reserved, or the ring is full.
     */
    boolean offer(final EventSlot slot, final long outIndex)
    {
        final ReplyQueue q = queue;
        return q != null && q.offer(slot, outIndex);
    }

    /**
     * Event loop: writes every queued Reply to {@code channel} in one buffer (not flushed) and frees
     * their places; on a closed channel frees them without writing.
     *
     * @return the Replies written.
     */
    int send(final Channel channel)
    {
        final ReplyQueue q = queue;
        final int queued = q == null ? 0 : q.queued();
        if (queued == 0)
        {
            return 0;
        }
        if (!channel.isActive())
        {
            q.poll(DISCARD); // nobody to answer; the Results are in journal out
            return 0;
        }
        batch = FrameWriter.allocate(channel.alloc(), queued * FrameWriter.replyFrameLength(16));
        final int sent = q.poll(this);
        if (sent > 0)
        {
            channel.write(batch, channel.voidPromise());
        }
        else
        {
            batch.release();
        }
        batch = null;
        return sent;
    }

    @Override
    public void onReply(final long seq, final long outIndex, final long inIndex, final long scoredTimeNanos,
        final int modelVersion, final byte flags, final double score, final byte[] modelName)
    {
        writer.reply(batch, seq, outIndex, inIndex, scoredTimeNanos, modelVersion, flags, score, modelName);
    }
}
