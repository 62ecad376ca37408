package dev.rill.ops.soak;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server runs as its own JVM under load from several reconnecting idempotent producers and
 * is killed with SIGKILL at random moments six times; afterwards every acknowledged event is in
 * "in" exactly once with exactly one Result in "out", and no acknowledgement went backwards.
 */
class CrashSoakTest
{
    private static final Path MODEL = Path.of("..", "models", "fraud", "1");

    @TempDir
    Path work;

    @Test
    void everyAcknowledgedEventSurvivesSixKillsExactlyOnceWithExactlyOneResult() throws Exception
    {
        final CrashSoak.Options options = new CrashSoak.Options(6, 3, 300, 1500, work, MODEL, "page-cache", System.nanoTime());
        final CrashSoak.Report report = new CrashSoak(options, System.out).run();

        assertTrue(report.passed(), () -> "seed " + options.seed() + ": " + String.join("\n", report.violations()));
        assertEquals(6, report.cycles());
        assertTrue(report.acknowledged() > 0, "the producers got events through");
        assertTrue(report.inEvents() >= report.acknowledged(), "in holds at least every acknowledged event");
        assertEquals(report.inEvents(), report.results(), "one Result per journaled event");
        assertTrue(report.reconnects() >= 6, "the producers reconnected after the kills: " + report.reconnects());
    }
}
