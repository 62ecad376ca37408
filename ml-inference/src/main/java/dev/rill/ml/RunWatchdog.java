package dev.rill.ml;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Holds every model run of the scoring stage to its time budget: a run still going after the
 * budget is ended by ONNX Runtime's terminate flag ({@link OrtSession.RunOptions#setTerminate}),
 * so that its batch falls back instead of waiting.
 *
 * <p>The scoring thread brackets each run with {@link #begin()} and {@link #end()}: two clock
 * reads and two atomic writes, no allocation, no wake-up of another thread. The watchdog's own
 * daemon thread ("rill-scoring-watchdog") parks for a quarter of the budget between checks, so it
 * costs a few hundred wake-ups per second and never spins. ONNX Runtime checks the flag between
 * graph nodes, so a single slow kernel finishes before the run ends: the budget bounds the
 * delay to roughly budget plus one node.
 *
 * <p>Threads: {@link #begin}/{@link #end} on the scoring thread only; the watchdog thread reads
 * the start stamp and claims an overrun with a compare-and-set, so it never terminates a run
 * that started after the one it measured.
 */
final class RunWatchdog implements AutoCloseable
{
    private static final long IDLE = 0;
    private static final long TERMINATING = -1;

    private final OrtSession.RunOptions runOptions;
    private final long budgetNanos;
    private final AtomicLong runStartedNanos = new AtomicLong(IDLE);
    private final Thread thread;
    private volatile boolean terminateIssued;
    private volatile boolean running = true;
    private volatile long terminated;

    /**
     * @param budgetNanos most time a run may take; 0 or less for no watchdog (no thread is started).
     */
    RunWatchdog(final long budgetNanos)
    {
        this.budgetNanos = budgetNanos;
        if (budgetNanos > 0)
        {
            try
            {
                runOptions = new OrtSession.RunOptions();
            }
            catch (final OrtException ex)
            {
                throw new IllegalStateException("ONNX Runtime cannot create run options for the batch time budget: " +
                    ex.getMessage(), ex);
            }
            thread = new Thread(this::watch, "rill-scoring-watchdog");
            thread.setDaemon(true);
            thread.start();
        }
        else
        {
            runOptions = null;
            thread = null;
        }
    }

    /** @return the options every run must be given (null when there is no budget). */
    OrtSession.RunOptions runOptions()
    {
        return runOptions;
    }

    /** @return the budget in nanoseconds, 0 for none. */
    long budgetNanos()
    {
        return Math.max(0, budgetNanos);
    }

    /** Marks the start of a run. Scoring thread. */
    void begin()
    {
        if (runOptions != null)
        {
            runStartedNanos.lazySet(Math.max(1, System.nanoTime()));
        }
    }

    /**
     * Marks the end of a run.
     *
     * @return true when the watchdog ended (or was ending) the run: its outputs must not be used.
     */
    boolean end()
    {
        if (runOptions == null || runStartedNanos.getAndSet(IDLE) != TERMINATING)
        {
            return false;
        }
        while (!terminateIssued)
        {
            Thread.onSpinWait(); // the watchdog is between its claim and setTerminate: a few µs at most
        }
        terminateIssued = false;
        try
        {
            runOptions.setTerminate(false); // the next run starts clean
        }
        catch (final OrtException ex)
        {
            throw new IllegalStateException("ONNX Runtime cannot reset the terminate flag: " + ex.getMessage(), ex);
        }
        return true;
    }

    /** @return runs ended for being over budget; any thread. */
    long terminated()
    {
        return terminated;
    }

    private void watch()
    {
        final long period = Math.max(50_000, budgetNanos / 4);
        while (running)
        {
            LockSupport.parkNanos(this, period);
            final long started = runStartedNanos.get();
            if (started > 0 && System.nanoTime() - started > budgetNanos &&
                runStartedNanos.compareAndSet(started, TERMINATING))
            {
                try
                {
                    runOptions.setTerminate(true);
                }
                catch (final OrtException ignore)
                {
                    // the run then ends on its own; end() still resets the flag
                }
                terminated++;
                terminateIssued = true;
            }
        }
    }

    @Override
    public void close()
    {
        if (thread != null)
        {
            running = false;
            LockSupport.unpark(thread);
            try
            {
                thread.join(5_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            runOptions.close();
        }
    }
}
