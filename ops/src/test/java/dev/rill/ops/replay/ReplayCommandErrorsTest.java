package dev.rill.ops.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.ErrorCode;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDrills;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the operator may get wrong gets one line saying what and what to do, and the exit status
 * of its error code, never a stack trace.
 */
class ReplayCommandErrorsTest
{
    @TempDir
    static Path dir;

    private static Path config;
    private static long first;
    private static long last;

    @BeforeAll
    static void journalOfTwoHundredPayments() throws Exception
    {
        final Path models = dir.resolve("models");
        ModelDrills.version(Path.of("..", "models", "fraud", "1"), models.resolve("fraud"), 1, b -> b);
        config = dir.resolve("rill.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dir.resolve("data").toAbsolutePath(),
            "gateway:",
            "  port: 0",
            "admin:",
            "  port: 0",
            "model:",
            "  directory: " + models.resolve("fraud").resolve("1").toAbsolutePath(),
            ""));
        final FraudDataGenerator generator = new FraudDataGenerator(3);
        final List<double[]> fields = new ArrayList<>();
        final long[] keys = new long[200];
        final long[] times = new long[200];
        for (int i = 0; i < 200; i++)
        {
            final double[] f = new double[FraudFeatures.PAYMENT_FIELDS.size()];
            generator.next(f);
            fields.add(f);
            keys[i] = generator.lastCardId();
            times[i] = System.currentTimeMillis() * 1_000_000L;
        }
        try (RillServer server = RillServer.start(RillConfig.read(config)))
        {
            ReplayFixture.produce(server.address().getPort(), 1, fields, keys, times, 0);
            first = server.in().firstIndex();
            last = server.in().lastIndex();
        }
    }

    @Test
    void aReversedRangeIsAUsageError()
    {
        refused(ErrorCode.USAGE, "is after --to", run("--from", Long.toString(last), "--to", Long.toString(first), "--output", "r1"));
        refused(ErrorCode.USAGE, "is after --to", run("--from", "2026-11-25T18:00:00Z", "--to", "2026-11-25T17:00:00Z", "--output", "r1"));
    }

    @Test
    void aRangeOutsideInIsAUsageErrorNamingWhatInHolds()
    {
        final ReplayFixture.Run after = run("--from", Long.toString(last + 1000), "--to", Long.toString(last + 2000), "--output", "r2");
        refused(ErrorCode.USAGE, "outside journal in", after);
        assertTrue(after.err().contains("holds indexes " + first + " to " + last), after.err());
        refused(ErrorCode.USAGE, "outside journal in", run("--from", "0", "--to", Long.toString(first - 1), "--output", "r2"));
        refused(ErrorCode.USAGE, "no event was ingested at or after", run("--from", "2099-01-01T00:00:00Z", "--to", "2099-01-02T00:00:00Z",
            "--output", "r2"));
    }

    @Test
    void boundsThatAreNeitherIndexNorTimeAreUsageErrors()
    {
        refused(ErrorCode.USAGE, "neither an index", run("--from", "yesterday", "--to", "now", "--output", "r3"));
        refused(ErrorCode.USAGE, "is not NAME or NAME:VERSION", run("--from", "0", "--to", "now", "--model", "fraud:x", "--output", "r3"));
        refused(ErrorCode.USAGE, "is not a replay name", run("--from", "0", "--to", "now", "--output", "../escape"));
        refused(ErrorCode.USAGE, "is not a format", run("--from", "0", "--to", "now", "--output", "r3", "--format", "csv"));
    }

    @Test
    void anUnknownModelVersionIsModelInvalid()
    {
        final ReplayFixture.Run r = run("--from", "0", "--to", "now", "--model", "fraud:9", "--output", "r4");
        refused(ErrorCode.MODEL_INVALID, "no version 9 of model 'fraud'", r);
        assertTrue(r.err().contains("rill model list"), r.err());
    }

    @Test
    void aTopicTheModelDoesNotScoreIsAUsageError()
    {
        refused(ErrorCode.USAGE, "scores topic 'payments' only", run("--from", "0", "--to", "now", "--topic", "payment_labels",
            "--output", "r5"));
    }

    @Test
    void anOutputThatExistsIsRefusedUnlessOverwritten()
    {
        final ReplayFixture.Run made = run("--from", "0", "--to", "now", "--output", "twice");
        assertEquals(0, made.status(), made.err());
        refused(ErrorCode.USAGE, "add --overwrite", run("--from", "0", "--to", "now", "--output", "twice"));
        final ReplayFixture.Run replaced = run("--from", "0", "--to", "now", "--output", "twice", "--overwrite");
        assertEquals(0, replaced.status(), replaced.err());
        assertTrue(replaced.out().contains("200 events of payments"), replaced.out());
    }

    @Test
    void diffAndPublishOfAnOutputThatIsMissingOrUnfinishedAreUsageErrors() throws Exception
    {
        refused(ErrorCode.USAGE, "no replay output 'nothing'", ReplayFixture.cli("replay", "diff", "--config", config.toString(),
            "--output", "nothing"));
        refused(ErrorCode.USAGE, "no replay output 'nothing'", ReplayFixture.cli("replay", "publish", "--config", config.toString(),
            "--output", "nothing"));
        Files.createDirectories(dir.resolve("data").resolve("replay").resolve("stopped").resolve("results"));
        refused(ErrorCode.USAGE, "is incomplete", ReplayFixture.cli("replay", "publish", "--config", config.toString(),
            "--output", "stopped"));
        refused(ErrorCode.USAGE, "--threshold must be between 0 and 1", ReplayFixture.cli("replay", "diff", "--config",
            config.toString(), "--output", "stopped", "--threshold", "1.5"));
    }

    @Test
    void aSecondPublishWhileOneRunsIsRefused() throws Exception
    {
        final ReplayFixture.Run made = run("--from", "0", "--to", "now", "--output", "locked");
        assertEquals(0, made.status(), made.err());
        final Path lock = dir.resolve("data").resolve("replay").resolve(CorrectionPublisher.LOCK_FILE);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lock,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock held = channel.lock())
        {
            refused(ErrorCode.USAGE, "another `rill replay publish` is running", ReplayFixture.cli("replay", "publish", "--config",
                config.toString(), "--output", "locked"));
        }
        final ReplayFixture.Run free = ReplayFixture.cli("replay", "publish", "--config", config.toString(), "--output", "locked");
        assertEquals(0, free.status(), free.err());
        assertTrue(free.out().contains("0 corrections appended"), free.out()); // the same model: nothing changed
    }

    @Test
    void aDataDirectoryWithoutJournalsIsJournalUnreadable()
    {
        refused(ErrorCode.JOURNAL_UNREADABLE, "no journal directory", ReplayFixture.cli("replay", "run", "--config", config.toString(),
            "--data-dir", dir.resolve("elsewhere").toString(), "--from", "0", "--to", "now", "--output", "r6"));
    }

    @Test
    void aMissingRequiredOptionIsAUsageError()
    {
        final ReplayFixture.Run r = ReplayFixture.cli("replay", "run", "--config", config.toString(), "--from", "0", "--to", "now");
        assertEquals(ErrorCode.USAGE.code(), r.status());
        assertTrue(r.err().contains("--output"), r.err());
    }

    private static ReplayFixture.Run run(final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("replay", "run", "--config", config.toString(), "--progress", "none"));
        args.addAll(List.of(options));
        return ReplayFixture.cli(args.toArray(new String[0]));
    }

    private static void refused(final ErrorCode code, final String message, final ReplayFixture.Run run)
    {
        run.noStackTrace();
        assertEquals(code.code(), run.status(), run.out() + run.err());
        assertTrue(run.err().startsWith("rill: " + code + ": "), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    }
}
