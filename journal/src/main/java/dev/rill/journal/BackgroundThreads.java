package dev.rill.journal;

import java.util.concurrent.locks.LockSupport;

/**
 * Stopping the journal's parked background threads (pretoucher, disk monitor, retention,
 * positions writer, checkpoint writer): each loops while a flag of its own is set and parks
 * between runs.
 */
final class BackgroundThreads
{
    private BackgroundThreads()
    {
    }

    /**
     * Wakes a parked thread whose run flag the caller has just cleared, and waits until it has
     * ended, even if the caller is interrupted meanwhile (the interrupt is kept for the caller).
     * Does nothing for a null thread (one that was never started).
     */
    static void unparkAndJoin(final Thread thread)
    {
        if (thread == null)
        {
            return;
        }
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
