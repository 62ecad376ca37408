package dev.rill.ops.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class TerminalProgressTest
{
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String printed()
    {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void showsTheTimeLeftFromTheRateSoFar()
    {
        assertEquals("training: 3/10 (30%), epoch 3/10, 6.0 s elapsed, about 14.0 s left",
            TerminalProgress.line("training", 3, 10, "epoch 3/10", TimeUnit.SECONDS.toNanos(6)));
        assertEquals("scoring: 250,000/1,000,000 (25%), 125k/s, 2.0 s elapsed, about 6.0 s left",
            TerminalProgress.line("scoring", 250_000, 1_000_000, null, TimeUnit.SECONDS.toNanos(2)));
        assertEquals("reading: 1,500,000, 1.5M/s, 1.0 s elapsed",
            TerminalProgress.line("reading", 1_500_000, 0, null, TimeUnit.SECONDS.toNanos(1)), "no total: no time left");
        assertEquals("training: 1/2 (50%), 2 min 00 s elapsed, about 2 min 00 s left",
            TerminalProgress.line("training", 1, 2, null, TimeUnit.MINUTES.toNanos(2)));
    }

    @Test
    void onATerminalRewritesOneLineAndClearsItBeforeASummary()
    {
        final TerminalProgress progress = new TerminalProgress(out, TerminalProgress.Mode.OVERWRITE, () -> now);
        progress.progress("training", 0, 4, null);
        now = TimeUnit.SECONDS.toNanos(1);
        progress.progress("training", 1, 4, null);
        now += TimeUnit.MILLISECONDS.toNanos(10);
        progress.progress("training", 2, 4, null); // too soon after the last print: skipped
        now = TimeUnit.SECONDS.toNanos(3);
        progress.progress("training", 3, 4, null);
        progress.finished("training", "trained");

        final String first = "training: 1/4 (25%), 1.0 s elapsed, about 3.0 s left";
        final String second = "training: 3/4 (75%), 3.0 s elapsed, about 1.0 s left";
        assertEquals("\r" + first + "\r" + second + " ".repeat(first.length() - second.length()) +
            "\r" + " ".repeat(second.length()) + "\r" + "trained" + System.lineSeparator(), printed());
    }

    @Test
    void inLinesModePrintsAPlainLineEveryFewSecondsAndEverySummary()
    {
        final TerminalProgress progress = new TerminalProgress(out, TerminalProgress.Mode.LINES, () -> now);
        progress.progress("scoring", 0, 100, null);
        now = TimeUnit.SECONDS.toNanos(1);
        progress.progress("scoring", 10, 100, null); // within the interval: skipped
        now = TimeUnit.SECONDS.toNanos(TerminalProgress.LINES_INTERVAL_SECONDS);
        progress.progress("scoring", 50, 100, null);
        progress.finished("scoring", "scored 100 rows");

        assertEquals("scoring: 50/100 (50%), 5.0 s elapsed, about 5.0 s left" + System.lineSeparator() +
            "scored 100 rows" + System.lineSeparator(), printed());
    }
}
