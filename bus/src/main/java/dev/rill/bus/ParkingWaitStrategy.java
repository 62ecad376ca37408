package dev.rill.bus;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

/**
 * A consumer waits by spinning briefly, then parking; a producer's publish costs one volatile
 * read unless a consumer is actually parked, and then one unpark per parked consumer.
 *
 * <p>Why not {@link com.lmax.disruptor.BlockingWaitStrategy}: it takes a monitor and notifies on
 * every publish, which measured at 70 % of the gateway I/O thread's time at saturation (see
 * perf/README.md). Here the hand-off is Dekker-style: a consumer registers as parked (a full
 * fence) and then re-checks the cursor before parking; a producer advances the cursor (a full
 * fence, in the claim) before reading the parked count, so one of the two always sees the other.
 * A park also times out after {@link #MAX_PARK_NANOS}, bounding the cost of any missed wake-up.
 *
 * <p>Consumers that wait for other consumers (the diamond's publish stage) are not signalled when
 * those advance: they spin briefly, then yield, then park for a few microseconds at a time.
 *
 * <p>Idle consumers use no CPU beyond the brief spin; no thread spins indefinitely.
 */
public final class ParkingWaitStrategy implements WaitStrategy
{
    /** Spins before parking: a few microseconds, enough to catch the next event under load. */
    static final int SPIN_TRIES = 200;
    /** Longest park without a signal: a safety net, not the wake-up path. */
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int MAX_CONSUMERS = 16;

    private final AtomicReferenceArray<Thread> parked = new AtomicReferenceArray<>(MAX_CONSUMERS);
    private final AtomicInteger parkedCount = new AtomicInteger();
    private final long maxParkNanos;

    public ParkingWaitStrategy()
    {
        this(MAX_PARK_NANOS);
    }

    /** @param maxParkNanos longest park without a signal (tests make it long to catch a lost wake-up). */
    ParkingWaitStrategy(final long maxParkNanos)
    {
        this.maxParkNanos = maxParkNanos;
    }

    /** @return consumers parked right now. */
    int parkedCount()
    {
        return parkedCount.get();
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException
    {
        int spins = SPIN_TRIES;
        while (cursor.get() < sequence)
        {
            barrier.checkAlert();
            if (spins > 0)
            {
                spins--;
                Thread.onSpinWait();
            }
            else
            {
                parkUntilSignalled(sequence, cursor);
            }
        }

        long available;
        spins = SPIN_TRIES;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            if (spins > 0)
            {
                spins--;
                Thread.onSpinWait();
            }
            else if (spins > -SPIN_TRIES)
            {
                spins--;
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(this, 1_000);
            }
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking()
    {
        if (parkedCount.get() != 0)
        {
            for (int i = 0; i < MAX_CONSUMERS; i++)
            {
                final Thread t = parked.get(i);
                if (t != null)
                {
                    LockSupport.unpark(t);
                }
            }
        }
    }

    private void parkUntilSignalled(final long sequence, final Sequence cursor)
    {
        final Thread self = Thread.currentThread();
        int slot = -1;
        for (int i = 0; i < MAX_CONSUMERS && slot < 0; i++)
        {
            if (parked.compareAndSet(i, null, self))
            {
                slot = i;
            }
        }
        if (slot < 0)
        {
            LockSupport.parkNanos(this, 1_000); // more consumers than slots: poll instead
            return;
        }
        parkedCount.incrementAndGet(); // a full fence before the re-check below
        if (cursor.get() < sequence)
        {
            LockSupport.parkNanos(this, maxParkNanos);
        }
        parkedCount.decrementAndGet();
        parked.set(slot, null);
    }
}
