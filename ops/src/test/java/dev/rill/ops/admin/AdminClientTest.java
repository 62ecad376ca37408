package dev.rill.ops.admin;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AdminClient} against a real {@link AdminServer} on loopback. */
class AdminClientTest
{
    @TempDir
    Path dir;

    private final RecordingModelAdmin admin = new RecordingModelAdmin();
    private AdminServer server;
    private Path tokenFile;

    @BeforeEach
    void start()
    {
        tokenFile = dir.resolve(AdminConfig.DEFAULT_TOKEN_FILE_NAME);
        server = AdminServer.start(admin, AdminConfig.defaults().withPort(0).withTokenFile(tokenFile));
    }

    @AfterEach
    void stop()
    {
        server.close();
    }

    @Test
    void statusArrivesWithEveryFieldTheAdminReturned()
    {
        assertEquals(RecordingModelAdmin.sampleStatus(), client().status());
    }

    @Test
    void statusWithoutShadowPreviousOrDriftRoundTripsTheNullsAndNaN()
    {
        final ModelStatus s = RecordingModelAdmin.sampleStatus();
        final ModelStatus sparse = new ModelStatus(s.active(), null, "default score 0.0", null,
            new ModelStatus.BatchSizes(0, Double.NaN, 0, 0, 0, 128, 750, 0), List.of(), null);
        admin.status(sparse);
        final ModelStatus read = client().status();
        assertEquals(sparse, read);
        assertNull(read.shadow());
        assertTrue(Double.isNaN(read.batches().mean()));
    }

    @Test
    void commandsReachTheAdminWithTheirArgumentsAndReturnItsOutcome()
    {
        final AdminClient client = client();
        assertEquals(AdminOutcome.done("DEPLOYED", "fraud/2 scores from the next batch"), client.deploy("fraud", 2, false));
        client.deploy("fraud", 0, true);
        client.shadow("fraud", 3);
        client.stopShadow();
        client.rollback();
        assertEquals(List.of("deploy fraud 2 false", "deploy fraud 0 true", "shadow fraud 3", "stopShadow", "rollback"), admin.calls());
    }

    @Test
    void refusalComesBackAsAnOutcomeNotAnException()
    {
        admin.answer(AdminOutcome.refused("NOTHING_TO_ROLL_BACK", "no version was active before fraud/2"));
        final AdminOutcome outcome = client().rollback();
        assertFalse(outcome.done());
        assertEquals("NOTHING_TO_ROLL_BACK", outcome.code());
        assertEquals(AdminExitCode.ADMIN_REFUSED.status(), AdminExitCode.exitStatusOf(outcome));
        assertEquals(22, AdminExitCode.exitStatusOf(AdminOutcome.refused("MODEL_INVALID", "checksum")), "an ErrorCode name keeps its number");
        assertEquals(0, AdminExitCode.exitStatusOf(AdminOutcome.done("DEPLOYED", "fraud/2 scores")));
    }

    @Test
    void wrongTokenIsUnauthorizedNamingTheTokenFileNotTheToken() throws Exception
    {
        final Path other = dir.resolve("other.token");
        final String wrong = "f".repeat(64);
        Files.writeString(other, wrong);
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        final AdminException e = assertThrows(AdminException.class,
            () -> new AdminClient("127.0.0.1", server.address().getPort(), other).status());
        assertEquals(AdminExitCode.ADMIN_UNAUTHORIZED, e.code());
        assertTrue(e.getMessage().contains(other.toAbsolutePath().toString()) && e.getMessage().contains("--token-file"), e.getMessage());
        assertFalse(e.getMessage().contains(wrong));
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void missingTokenFileIsUnauthorizedWhenAServerListensAndUnreachableWhenNone() throws Exception
    {
        final Path missing = dir.resolve("nowhere/admin.token");
        final AdminException listening = assertThrows(AdminException.class,
            () -> new AdminClient("127.0.0.1", server.address().getPort(), missing));
        assertEquals(AdminExitCode.ADMIN_UNAUTHORIZED, listening.code());
        assertTrue(listening.getMessage().contains(missing + " does not exist"), listening.getMessage());
        final int freePort = freePort();
        final AdminException none = assertThrows(AdminException.class, () -> new AdminClient("127.0.0.1", freePort, missing));
        assertEquals(AdminExitCode.ADMIN_UNREACHABLE, none.code());
        assertEquals("no Rill server is listening on 127.0.0.1:" + freePort + " (admin channel); start it with `rill serve` or pass " +
            "--admin HOST:PORT", none.getMessage());
    }

    @Test
    void stoppedServerIsUnreachableWithTheMessageSayingWhatToDo()
    {
        final AdminClient client = client();
        final int port = server.address().getPort();
        server.close();
        final AdminException e = assertThrows(AdminException.class, client::status);
        assertEquals(AdminExitCode.ADMIN_UNREACHABLE, e.code());
        assertTrue(e.getMessage().startsWith("no Rill server is listening on 127.0.0.1:" + port + " (admin channel)"), e.getMessage());
    }

    @Test
    void serverFailureIsAServerErrorWithTheServersOneLine()
    {
        admin.fail(new IllegalStateException("the registry is gone"));
        final AdminException e = assertThrows(AdminException.class, () -> client().deploy("fraud", 2, false));
        assertEquals(AdminExitCode.ADMIN_SERVER_ERROR, e.code());
        assertEquals(16, e.code().status(), "the number of ErrorCode.INTERNAL_ERROR");
        assertTrue(e.getMessage().contains("the registry is gone"), e.getMessage());
    }

    private AdminClient client()
    {
        return new AdminClient("127.0.0.1", server.address().getPort(), tokenFile);
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }
}
