package dev.rill.journal;

import java.util.List;
import java.util.function.Consumer;

import dev.rill.bus.DeadLetterBuffer;
import net.openhft.chronicle.core.time.TimeProvider;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

/**
 * The dead-letter journal: a Chronicle Queue under {@code <dataDir>/deadletter} holding one
 * DeadLetter record (template 15) per frame the gateway refused, written by one thread,
 * {@code rill-deadletter}, that drains the gateway's {@link DeadLetterBuffer}.
 *
 * <p>The event loops never touch Chronicle: they only put records into the buffer. The writer
 * thread appends whatever is waiting and, when nothing is, sleeps 1 ms (it never spins), so a
 * record reaches the journal within about a millisecond. Old cycle files go by the journal's own
 * retention ({@code deadLetter.retention}, {@code deadLetter.maxBytes}) through
 * {@link JournalRetention}; nothing else needs dead letters, so every file but the current one may
 * go once it is due.
 *
 * <p>Threading: construct and {@link #close()} from the owner's thread; counters from any thread.
 * Appending allocates nothing.
 */
public final class DeadLetterJournal implements AutoCloseable
{
    /** Journal name: the directory under the data directory. */
    public static final String NAME = "deadletter";
    private static final int DRAIN_LIMIT = 256;

    private final ChronicleJournal journal;
    private final DeadLetterBuffer buffer;
    private final JournalRetention retention;
    private final AgentRunner runner;
    private final Consumer<String> log;
    private volatile long written;
    private volatile long failed;

    /**
     * Opens (creating) the journal, starts the writer thread and, when the config sets a limit, the
     * retention thread.
     *
     * @param journalConfig the data directory and roll cycle.
     * @param log           receives retention's deletions and the first append failure.
     */
    public DeadLetterJournal(
        final JournalConfig journalConfig, final DeadLetterConfig config, final DeadLetterBuffer buffer, final Consumer<String> log)
    {
        this(journalConfig, config, buffer, log, null, true);
    }

    /** As the public constructor, with the queue's clock (tests roll cycles) and whether retention runs on its own thread. */
    DeadLetterJournal(
        final JournalConfig journalConfig, final DeadLetterConfig config, final DeadLetterBuffer buffer, final Consumer<String> log,
        final TimeProvider time, final boolean startRetention)
    {
        this.buffer = buffer;
        this.log = log;
        this.journal = ChronicleJournal.open(journalConfig.withPretouch(false), NAME, time);
        JournalRetention r = null;
        AgentRunner a = null;
        try
        {
            if (config.retentionConfig().enabled())
            {
                r = new JournalRetention(config.retentionConfig(), List.of(new JournalRetention.Retained(journal,
                    () -> Long.MAX_VALUE, "nothing (dead letters are kept for deadLetter.retention only)")), log, startRetention);
            }
            a = new AgentRunner(new SleepingMillisIdleStrategy(1), e -> log.accept("dead-letter writer: " + e), null, new Writer());
            AgentRunner.startOnThread(a, runnable ->
            {
                final Thread t = new Thread(runnable, "rill-deadletter");
                t.setDaemon(true);
                return t;
            });
        }
        catch (final RuntimeException e)
        {
            CloseHelper.quietCloseAll(a, r, journal);
            throw e;
        }
        this.retention = r;
        this.runner = a;
    }

    /** @return dead letters appended since start. */
    public long written()
    {
        return written;
    }

    /** @return dead letters that could not be appended (the journal threw: disk full, say). */
    public long failed()
    {
        return failed;
    }

    /** @return the retention task, or null when neither deadLetter.retention nor deadLetter.maxBytes is set. */
    public JournalRetention retention()
    {
        return retention;
    }

    /** @return the underlying journal (its directory, indexes). */
    public ChronicleJournal journal()
    {
        return journal;
    }

    /** Stops the writer after it has appended what is waiting, then closes retention and the journal. */
    @Override
    public void close()
    {
        CloseHelper.quietClose(runner);
        buffer.drain(new Append(), Integer.MAX_VALUE); // what arrived while the writer stopped
        CloseHelper.quietCloseAll(retention, journal);
    }

    /** The writer thread's work: drain the buffer into the journal. */
    private final class Writer implements Agent
    {
        private final Append append = new Append();

        @Override
        public int doWork()
        {
            return buffer.drain(append, DRAIN_LIMIT);
        }

        @Override
        public String roleName()
        {
            return "rill-deadletter";
        }
    }

    /** Appends one record; a failure is counted and reported once. */
    private final class Append implements MessageHandler
    {
        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer source, final int index, final int length)
        {
            try
            {
                journal.append(source, index, length);
                written++; // single writer at a time (the agent, then close() after it stopped)
            }
            catch (final RuntimeException e)
            {
                if (failed++ == 0)
                {
                    log.accept("dead-letter journal: cannot append to " + journal.directory() + ": " + e.getMessage() +
                        "; dead letters are lost until it can (counted as rill_dead_letters_dropped_total{reason=\"append_failed\"})");
                }
            }
        }
    }
}
