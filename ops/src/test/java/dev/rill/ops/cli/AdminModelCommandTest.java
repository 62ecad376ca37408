package dev.rill.ops.cli;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import dev.rill.bus.ErrorCode;
import dev.rill.ops.admin.AdminConfig;
import dev.rill.ops.admin.AdminExitCode;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.admin.AdminServer;
import dev.rill.ops.admin.LogCapture;
import dev.rill.ops.admin.ModelStatus;
import dev.rill.ops.admin.RecordingModelAdmin;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rill model deploy|shadow|rollback|status} run in-process against a real admin channel on loopback. */
class AdminModelCommandTest
{
    @TempDir
    Path dir;

    private final RecordingModelAdmin admin = new RecordingModelAdmin();
    private AdminServer server;
    private Path dataDir;
    private Path config;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception
    {
        log = LogCapture.adminPackage();
        dataDir = dir.resolve("data");
        server = AdminServer.start(admin, AdminConfig.defaults().withPort(0).withTokenFileIn(dataDir));
        config = dir.resolve("rill.yaml");
        Files.writeString(config, "dataDir: data\ngateway:\n  port: 0\nadmin:\n  port: " + server.address().getPort() + "\n");
    }

    @AfterEach
    void stop()
    {
        server.close();
        log.close();
    }

    @Test
    void statusPrintsEveryFieldTheServerReturned()
    {
        final CommandRun run = CommandRun.of("model", "status", "--config", config.toString());
        assertEquals(0, run.status(), run.err());
        final String out = run.out();
        for (final String expected : List.of(
            "fraud/2 since " + Instant.ofEpochMilli(1_764_150_000_123L), "/srv/rill/models/fraud/2",
            "1,234,567 events", "fallbacks 110", "load failure 11", "inference error 22", "non-finite 33", "over budget 44",
            "previous   fraud/1", "fallback   previous version fraud/1",
            "54,321 run", "mean 12.5", "p50 9", "p99 118", "max 127", "bound 128", "budget 750 µs", "6 over budget",
            "fraud/3: 98,765 events compared, 432 skipped", "mean 0.0123", "p99 0.0456", "max 0.7890",
            "threshold 0.625", "agreement 99.53 %", "positive->negative 17", "negative->positive 29",
            "p50 141 µs", "p99 377 µs",
            "amount", "0.031", "stable", "distance_from_home_km", "0.274", "shifted", "(score)", "0.142"))
        {
            assertTrue(out.contains(expected), "'" + expected + "' missing from:\n" + out);
        }
        assertEquals(List.of("status"), admin.calls());
    }

    @Test
    void statusJsonIsTheStatusTheServerSent() throws Exception
    {
        final CommandRun run = CommandRun.of("model", "status", "--json", "--config", config.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(RecordingModelAdmin.sampleStatus(), JsonMapper.builder().build().readValue(run.out(), ModelStatus.class));
    }

    @Test
    void statusOfAModelWithoutShadowPreviousOrDriftSaysSo()
    {
        final ModelStatus s = RecordingModelAdmin.sampleStatus();
        admin.status(new ModelStatus(s.active(), null, "default score 0.0", null, s.batches(), List.of(), null));
        final CommandRun run = CommandRun.of("model", "status", "--config", config.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("previous   none (nothing to roll back to)"), run.out());
        assertTrue(run.out().contains("shadow     none"), run.out());
        assertTrue(run.out().contains("drift      not measured"), run.out());
    }

    @Test
    void deployHandsNameVersionAndForceToTheServerAndPrintsTheOutcome()
    {
        final CommandRun pinned = CommandRun.of("model", "deploy", "fraud:2", "--force", "--config", config.toString());
        final CommandRun newest = CommandRun.of("model", "deploy", "fraud", "--config", config.toString());
        final CommandRun listed = CommandRun.of("model", "deploy", "fraud/4", "--config", config.toString());
        assertEquals(0, pinned.status(), pinned.err());
        assertEquals("DEPLOYED: fraud/2 scores from the next batch", pinned.out().strip());
        assertEquals(0, newest.status(), newest.err());
        assertEquals(0, listed.status(), listed.err());
        assertEquals(List.of("deploy fraud 2 true", "deploy fraud 0 false", "deploy fraud 4 false"), admin.calls());
    }

    @Test
    void refusedModelExitsWithModelInvalidAndTheServersReason()
    {
        admin.answer(AdminOutcome.refused("MODEL_INVALID", "fraud/3: model.onnx does not match the SHA-256 in model.json; retrain or restore it"));
        final CommandRun run = CommandRun.of("model", "deploy", "fraud:3", "--config", config.toString());
        assertEquals(ErrorCode.MODEL_INVALID.code(), run.status());
        assertEquals("rill: MODEL_INVALID: fraud/3: model.onnx does not match the SHA-256 in model.json; retrain or restore it",
            run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void refusalByAGateOrWithNothingToRollBackExitsWithAdminRefused()
    {
        admin.answer(AdminOutcome.refused("REFUSED_BY_GATE", "shadow agreement 97.10 % is below 99 %; deploy with --force to override"));
        final CommandRun gate = CommandRun.of("model", "deploy", "fraud:3", "--config", config.toString());
        admin.answer(AdminOutcome.refused("NOTHING_TO_ROLL_BACK", "no version was active before fraud/2"));
        final CommandRun rollback = CommandRun.of("model", "rollback", "--config", config.toString());
        assertEquals(AdminExitCode.ADMIN_REFUSED.status(), gate.status());
        assertTrue(gate.err().contains("rill: REFUSED_BY_GATE: shadow agreement 97.10 %"), gate.err());
        assertEquals(65, rollback.status());
        assertTrue(rollback.err().contains("rill: NOTHING_TO_ROLL_BACK: no version was active before fraud/2"), rollback.err());
        assertEquals(List.of("deploy fraud 3 false", "rollback"), admin.calls());
    }

    @Test
    void shadowStartsWithNameAndVersionAndStopsWithStop()
    {
        final CommandRun start = CommandRun.of("model", "shadow", "fraud:3", "--config", config.toString());
        final CommandRun stop = CommandRun.of("model", "shadow", "--stop", "--config", config.toString());
        assertEquals(0, start.status(), start.err());
        assertEquals("SHADOW_STARTED: fraud/3 runs in shadow", start.out().strip());
        assertEquals(0, stop.status(), stop.err());
        assertEquals("SHADOW_STOPPED: shadow stopped", stop.out().strip());
        assertEquals(List.of("shadow fraud 3", "stopShadow"), admin.calls());
    }

    @Test
    void shadowWithBothOrNeitherOfTargetAndStopIsAUsageError()
    {
        final CommandRun both = CommandRun.of("model", "shadow", "fraud:3", "--stop", "--config", config.toString());
        final CommandRun neither = CommandRun.of("model", "shadow", "--config", config.toString());
        final CommandRun badVersion = CommandRun.of("model", "deploy", "fraud:two", "--config", config.toString());
        assertEquals(ErrorCode.USAGE.code(), both.status());
        assertTrue(both.err().contains("not both"), both.err());
        assertEquals(ErrorCode.USAGE.code(), neither.status());
        assertEquals(ErrorCode.USAGE.code(), badVersion.status());
        assertTrue(badVersion.err().contains("version 'two' is not a whole number"), badVersion.err());
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void adminAndDataDirOptionsFindTheServerWithoutAConfigFile()
    {
        final CommandRun run = CommandRun.of("model", "rollback", "--admin", "127.0.0.1:" + server.address().getPort(),
            "--data-dir", dataDir.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(List.of("rollback"), admin.calls());
    }

    @Test
    void serverDownExitsUnreachableWithTheMessageSayingWhatToDo() throws Exception
    {
        final int port;
        try (ServerSocket s = new ServerSocket(0))
        {
            port = s.getLocalPort();
        }
        final CommandRun withToken = CommandRun.of("model", "status", "--admin", "127.0.0.1:" + port, "--data-dir", dataDir.toString());
        final CommandRun withoutToken = CommandRun.of("model", "status", "--admin", "127.0.0.1:" + port,
            "--data-dir", dir.resolve("never-served").toString());
        final String expected = "rill: ADMIN_UNREACHABLE: no Rill server is listening on 127.0.0.1:" + port +
            " (admin channel); start it with `rill serve` or pass --admin HOST:PORT";
        assertEquals(69, withToken.status());
        assertEquals(expected, withToken.err().strip());
        assertEquals(69, withoutToken.status(), "no token file and no server: the server is what is missing");
        assertEquals(expected, withoutToken.err().strip());
    }

    @Test
    void wrongTokenExitsUnauthorizedNamingTheTokenFileAndTheServerIsNotCalled() throws Exception
    {
        final Path other = dir.resolve("other.token");
        final String wrong = "e".repeat(64);
        Files.writeString(other, wrong + "\n");
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        final CommandRun run = CommandRun.of("model", "deploy", "fraud:2", "--config", config.toString(), "--token-file", other.toString());
        assertEquals(AdminExitCode.ADMIN_UNAUTHORIZED.status(), run.status());
        assertEquals(77, run.status());
        assertTrue(run.err().contains("rill: ADMIN_UNAUTHORIZED: ") && run.err().contains(other.toAbsolutePath().toString()), run.err());
        final String token = readToken();
        for (final String text : List.of(run.out(), run.err(), String.join("\n", log.lines())))
        {
            assertFalse(text.contains(wrong) || text.contains(token), text);
        }
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void badConfigFileExitsWithConfigInvalid() throws Exception
    {
        Files.writeString(config, "admin:\n  port: -1\n");
        final CommandRun run = CommandRun.of("model", "status", "--config", config.toString());
        assertEquals(ErrorCode.CONFIG_INVALID.code(), run.status());
        assertTrue(run.err().contains("admin.port: value '-1' is invalid"), run.err());
    }

    @Test
    void configValidateShowsTheAdminSectionWithItsTokenFile()
    {
        final CommandRun run = CommandRun.of("config", "validate", config.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("admin:    AdminConfig[enabled=true, host=127.0.0.1, port=" + server.address().getPort() +
            ", tokenFile=" + dataDir.toAbsolutePath().resolve("admin.token")), run.out());
    }

    @Test
    void listStillReadsTheRegistryOnDisk() throws Exception
    {
        final Path models = Files.createDirectories(dir.resolve("models"));
        final CommandRun run = CommandRun.of("model", "list", "--models", models.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("no model versions under"), run.out());
    }

    private String readToken()
    {
        try
        {
            return Files.readString(dataDir.resolve("admin.token")).strip();
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
