package dev.rill.perf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The (intended) send time of each recent event of one producer connection, indexed by seq, for
 * the two threads that measure it: the connection's I/O thread (its Ack or Reply) and the
 * subscriber's I/O thread (its Result).
 *
 * <p>Slot {@code seq & mask} holds the time and, beside it, the seq it belongs to. The sending
 * thread {@link #put}s a slot before it sends the event; the size is at least four in-flight
 * windows, so a slot is rewritten only after its event was acknowledged and three more windows
 * were sent. The acking thread reads the time with {@link #sendTime} (the send orders the write
 * before it). The subscriber {@link #claim}s a slot: it reads the time, then swaps the seq for its
 * complement, so a second Result for the same event is seen as {@link #REPEATED}, and a Result that
 * arrives after its slot was rewritten (more than three windows late) as {@link #UNKNOWN} instead of
 * being given another event's time. The writer marks a slot as being rewritten before it changes
 * the time, so a claim that raced with the rewrite fails too.
 *
 * <p>Allocates its two arrays once; nothing per event. {@link #claim} and {@link #claimedNanos} are
 * for one thread (the subscriber's).
 */
final class SendTimeRing
{
    /** {@link #claim}: the Result's event was found, its send time is {@link #claimedNanos()}. */
    static final int CLAIMED = 0;
    /** {@link #claim}: that event's Result was claimed before. */
    static final int REPEATED = 1;
    /** {@link #claim}: no such event in the ring (not sent by this connection, or its slot was reused). */
    static final int UNKNOWN = 2;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final long REWRITING = Long.MIN_VALUE;

    private final long[] times;
    private final long[] seqs;
    private final int mask;
    private long claimedNanos;

    /** @param window the connection's in-flight window; the ring holds at least 4 windows and 65,536 events. */
    SendTimeRing(final int window)
    {
        final int size = Math.max(1 << 16, Integer.highestOneBit(Math.max(window, 2) * 4 - 1) << 1);
        times = new long[size];
        seqs = new long[size];
        mask = size - 1;
    }

    /** Sending thread, before it sends {@code seq}. */
    void put(final long seq, final long nanos)
    {
        final int slot = (int)(seq & mask);
        if ((long)SLOTS.getOpaque(seqs, slot) == seq)
        {
            SLOTS.setOpaque(times, slot, nanos); // the same event again (its first try found the window full)
            return;
        }
        SLOTS.setOpaque(seqs, slot, REWRITING);
        VarHandle.storeStoreFence();
        SLOTS.setOpaque(times, slot, nanos);
        SLOTS.setRelease(seqs, slot, seq);
    }

    /** The connection's I/O thread: the send time of an event it hears about (Ack or Reply). */
    long sendTime(final long seq)
    {
        return times[(int)(seq & mask)];
    }

    /** Subscriber thread: find the send time of {@code seq}; on {@link #CLAIMED} it is {@link #claimedNanos()}. */
    int claim(final long seq)
    {
        final int slot = (int)(seq & mask);
        final long found = (long)SLOTS.getAcquire(seqs, slot);
        if (found != seq)
        {
            return found == ~seq ? REPEATED : UNKNOWN;
        }
        final long nanos = (long)SLOTS.getAcquire(times, slot);
        if (!SLOTS.compareAndSet(seqs, slot, seq, ~seq))
        {
            return UNKNOWN; // rewritten for a later event while we read
        }
        claimedNanos = nanos;
        return CLAIMED;
    }

    /** Subscriber thread: the send time found by the last successful {@link #claim}. */
    long claimedNanos()
    {
        return claimedNanos;
    }
}
