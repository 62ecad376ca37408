package dev.rill.gateway;

import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.EventSlot;

/**
 * Replies of one connection on their way from the pipeline thread (which writes them when the
 * Result is published) to the connection's event loop (which encodes and sends them): a
 * single-producer single-consumer ring of pre-allocated slots, one primitive array per field.
 *
 * <p>Never full in practice: the event loop reserves a slot for every event that asks for a Reply
 * before it lets the event into the pipeline ({@link #tryReserve()}), and releases it when it has
 * drained the Reply ({@link #poll}); with every slot reserved the connection stops reading (see
 * {@link ServerConnection}). {@link #offer} returning false therefore means a broken invariant,
 * which the caller reports instead of dropping the Reply.
 *
 * <p>Threads: {@link #offer} on the pipeline's publishing thread only; {@link #tryReserve()},
 * {@link #poll} and {@link #reserved()} on the connection's event loop only. Allocates only at
 * construction (about 50 bytes per slot).
 */
final class ReplyQueue
{
    /** Receives one drained Reply; the event loop. */
    interface Handler
    {
        void onReply(long seq, long outIndex, long inIndex, long scoredTimeNanos, int modelVersion, byte flags, double score,
            byte[] modelName);
    }

    private final int capacity;
    private final int mask;
    private final long[] seq;
    private final long[] outIndex;
    private final long[] inIndex;
    private final long[] scoredTime;
    private final int[] modelVersion;
    private final byte[] flags;
    private final double[] score;
    private final byte[][] modelName;
    private final AtomicLong tail = new AtomicLong(); // next slot the pipeline writes
    private final AtomicLong head = new AtomicLong(); // next slot the event loop reads
    private int reserved;

    /** @param capacity most Replies outstanding at once, rounded up to a power of two. */
    ReplyQueue(final int capacity)
    {
        this.capacity = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.mask = this.capacity - 1;
        seq = new long[this.capacity];
        outIndex = new long[this.capacity];
        inIndex = new long[this.capacity];
        scoredTime = new long[this.capacity];
        modelVersion = new int[this.capacity];
        flags = new byte[this.capacity];
        score = new double[this.capacity];
        modelName = new byte[this.capacity][];
    }

    int capacity()
    {
        return capacity;
    }

    /** Event loop: holds a slot for an event that will ask for a Reply; false when all are held. */
    boolean tryReserve()
    {
        if (reserved == capacity)
        {
            return false;
        }
        reserved++;
        return true;
    }

    /** @return slots held by accepted events whose Replies are not drained yet; event loop. */
    int reserved()
    {
        return reserved;
    }

    /**
     * Pipeline thread: queues the Reply of {@code slot}, or only the release of its reservation when
     * {@code outIndex} is -1 (a resend: no Result, no Reply).
     *
     * @return false when the ring is full (the reservation was broken): the Reply was not queued.
     */
    boolean offer(final EventSlot slot, final long outIndex)
    {
        final long t = tail.get();
        if (t - head.getAcquire() >= capacity)
        {
            return false;
        }
        final int i = (int)(t & mask);
        seq[i] = slot.seq();
        this.outIndex[i] = outIndex;
        inIndex[i] = slot.inIndex();
        scoredTime[i] = slot.scoredTimeNanos();
        modelVersion[i] = slot.modelVersion();
        flags[i] = slot.flags();
        score[i] = slot.score();
        modelName[i] = slot.modelName(); // a long-lived constant of the scorer: shared, not copied
        tail.setRelease(t + 1);
        return true;
    }

    /**
     * Event loop: hands every queued Reply (not the bare releases) to {@code handler}, in order,
     * and releases their reservations.
     *
     * @return the Replies handed over.
     */
    int poll(final Handler handler)
    {
        final long h = head.get();
        final long t = tail.getAcquire();
        int replies = 0;
        for (long p = h; p < t; p++)
        {
            final int i = (int)(p & mask);
            if (outIndex[i] != -1)
            {
                handler.onReply(seq[i], outIndex[i], inIndex[i], scoredTime[i], modelVersion[i], flags[i], score[i], modelName[i]);
                replies++;
            }
            modelName[i] = null;
        }
        reserved -= (int)(t - h);
        head.setRelease(t);
        return replies;
    }

    /** @return Replies and releases queued and not yet polled; event loop. */
    int queued()
    {
        return (int)(tail.getAcquire() - head.get());
    }
}
