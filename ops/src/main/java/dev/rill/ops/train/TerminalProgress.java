package dev.rill.ops.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import dev.rill.ml.train.TrainingProgress;

/**
 * Shows a training run's progress on standard error: the phase, how far it got, its rate and,
 * when the amount of work is known, the time left.
 *
 * <p>{@link Mode#OVERWRITE} (a terminal) rewrites one line with {@code \r} at most every
 * {@value #OVERWRITE_INTERVAL_MILLIS} ms; {@link Mode#LINES} (a log or a pipe) prints a plain line
 * at most every {@value #LINES_INTERVAL_SECONDS} s; both print each phase's summary on a line of
 * its own. Called on the training thread only; allocates a line per print.
 */
public final class TerminalProgress implements TrainingProgress
{
    /** Least time between two rewrites of the line on a terminal. */
    public static final long OVERWRITE_INTERVAL_MILLIS = 250;
    /** Least time between two plain progress lines. */
    public static final long LINES_INTERVAL_SECONDS = 5;

    /** How progress is shown. */
    public enum Mode
    {
        /** One line rewritten in place ({@code \r}): for a terminal. */
        OVERWRITE,
        /** A plain line now and then: for a log file or a pipe. */
        LINES,
        /** Phase summaries only. */
        SUMMARIES
    }

    private final PrintStream out;
    private final Mode mode;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private String phase;
    private long phaseStartNanos;
    private long lastPrintNanos;
    private int pendingWidth;

    /**
     * @param out       where to print (standard error).
     * @param mode      how.
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime}).
     */
    public TerminalProgress(final PrintStream out, final Mode mode, final LongSupplier nanoClock)
    {
        this.out = out;
        this.mode = mode;
        this.nanoClock = nanoClock;
        this.intervalNanos = mode == Mode.OVERWRITE ?
            TimeUnit.MILLISECONDS.toNanos(OVERWRITE_INTERVAL_MILLIS) : TimeUnit.SECONDS.toNanos(LINES_INTERVAL_SECONDS);
    }

    /** @return {@link Mode#OVERWRITE} when the process has a console, else {@link Mode#LINES}. */
    public static Mode detect()
    {
        // Java 17 cannot ask whether standard error alone is a terminal; a console means an
        // interactive session, where standard error is the terminal too unless redirected.
        return System.console() != null ? Mode.OVERWRITE : Mode.LINES;
    }

    @Override
    public void progress(final String phase, final long done, final long total, final String detail)
    {
        final long now = nanoClock.getAsLong();
        if (!phase.equals(this.phase))
        {
            this.phase = phase;
            phaseStartNanos = now;
            lastPrintNanos = now;
            return;
        }
        if (mode == Mode.SUMMARIES || now - lastPrintNanos < intervalNanos)
        {
            return;
        }
        lastPrintNanos = now;
        final String line = line(phase, done, total, detail, now - phaseStartNanos);
        if (mode == Mode.OVERWRITE)
        {
            out.print("\r" + line + " ".repeat(Math.max(0, pendingWidth - line.length())));
            pendingWidth = line.length();
        }
        else
        {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void finished(final String phase, final String summary)
    {
        if (pendingWidth > 0)
        {
            out.print("\r" + " ".repeat(pendingWidth) + "\r");
            pendingWidth = 0;
        }
        out.println(summary);
        out.flush();
        this.phase = null;
    }

    /**
     * @return "training: 3/10 (30%), epoch 3/10 average loss 0.09, 2.1/s, 1.4 s elapsed, about 3 s left".
     */
    static String line(final String phase, final long done, final long total, final String detail, final long elapsedNanos)
    {
        final double seconds = elapsedNanos / 1e9;
        final StringBuilder sb = new StringBuilder(phase).append(": ");
        sb.append(String.format(Locale.ROOT, "%,d", done));
        if (total > 0)
        {
            sb.append(String.format(Locale.ROOT, "/%,d (%d%%)", total, Math.min(100, done * 100 / total)));
        }
        if (detail != null)
        {
            sb.append(", ").append(detail);
        }
        if (seconds > 0 && done >= 100)
        {
            sb.append(", ").append(rate(done / seconds)).append("/s");
        }
        sb.append(String.format(Locale.ROOT, ", %s elapsed", duration(seconds)));
        if (total > 0 && done > 0 && done < total)
        {
            sb.append(", about ").append(duration(seconds * (total - done) / done)).append(" left");
        }
        return sb.toString();
    }

    private static String rate(final double perSecond)
    {
        if (perSecond >= 1e6)
        {
            return String.format(Locale.ROOT, "%.1fM", perSecond / 1e6);
        }
        if (perSecond >= 1e4)
        {
            return String.format(Locale.ROOT, "%.0fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, perSecond >= 10 ? "%.0f" : "%.2f", perSecond);
    }

    private static String duration(final double seconds)
    {
        if (seconds < 60)
        {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        final long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) :
            String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }
}
