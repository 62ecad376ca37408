package dev.rill.journal;

import java.io.File;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import org.agrona.collections.Int2IntHashMap;

/**
 * Counts, per roll cycle, the appenders and tailers of this process that hold the cycle's file:
 * Chronicle Queue's {@link StoreFileListener}, the hook its authors provide for managing old cycle
 * files while a queue is open ("notified when a file is added, and when it is no longer retained").
 *
 * <p>Retention deletes no file while it is held. Deleting a held file would be safe on Linux (the
 * mapping stays valid, a tailer reads on to the next cycle), but its space would only be freed when
 * the holder lets go, and a live reader of an old file is better left alone.
 *
 * <p>Threading: Chronicle calls {@link #onAcquired} and {@link #onReleased} asynchronously, in
 * order, on its {@code background~resource~releaser} thread; retention reads {@link #held}. Both
 * synchronize on this (a few calls per cycle roll or tailer, never per record). So a count may lag
 * an acquire by a moment ({@link #awaitPendingNotifications} closes that gap for what happened
 * before it): retention's index rules, not this count, are what keep needed data.
 *
 * <p>Note that every new Chronicle tailer starts at the oldest cycle, so it holds that file for a
 * moment even when it then moves elsewhere.
 */
final class CycleFileUsers implements StoreFileListener
{
    private final Int2IntHashMap holders = new Int2IntHashMap(0);

    @Override
    public synchronized void onAcquired(final int cycle, final File file)
    {
        holders.put(cycle, holders.get(cycle) + 1);
    }

    @Override
    public synchronized void onReleased(final int cycle, final File file)
    {
        final int count = holders.get(cycle);
        if (count <= 1)
        {
            holders.remove(cycle); // a release without a matching acquire (never seen) must not go negative
        }
        else
        {
            holders.put(cycle, count - 1);
        }
    }

    /** @return whether an appender or tailer of this process holds the cycle's file. */
    synchronized boolean held(final int cycle)
    {
        return holders.get(cycle) > 0;
    }

    /**
     * Waits until Chronicle has delivered every notification queued before this call (they are
     * queued in order on its background releaser), so that {@link #held} counts every appender and
     * tailer closed or opened before it, the caller's own short-lived tailers included.
     *
     * @return false when that took longer than {@code timeoutNanos} (the counts may then lag).
     */
    static boolean awaitPendingNotifications(final long timeoutNanos) throws InterruptedException
    {
        final CountDownLatch delivered = new CountDownLatch(1);
        BackgroundResourceReleaser.run(delivered::countDown);
        return delivered.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** @return how many appenders and tailers hold the cycle's file (tests, diagnostics). */
    synchronized int holders(final int cycle)
    {
        return holders.get(cycle);
    }
}
