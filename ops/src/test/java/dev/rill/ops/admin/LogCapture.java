package dev.rill.ops.admin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Test helper: collects what the admin package logs (System.Logger goes to java.util.logging when
 * no other backend is installed), message and stack trace text, until closed.
 */
public final class LogCapture extends Handler implements AutoCloseable
{
    private final Logger logger;
    private final Level previous;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(final Logger logger)
    {
        this.logger = logger;
        this.previous = logger.getLevel();
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    /** @return a capture of every level logged under dev.rill.ops.admin. */
    public static LogCapture adminPackage()
    {
        return new LogCapture(Logger.getLogger("dev.rill.ops.admin"));
    }

    /** @return everything logged so far, one entry per record (message, then the exception's text). */
    public List<String> lines()
    {
        return List.copyOf(lines);
    }

    @Override
    public void publish(final LogRecord record)
    {
        final StringBuilder s = new StringBuilder(String.valueOf(record.getMessage()));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause())
        {
            s.append(" | ").append(t);
        }
        lines.add(s.toString());
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void close()
    {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
