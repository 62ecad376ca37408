package dev.rill.ops.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rill.bus.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin channel over real loopback HTTP, spoken by hand: authentication, routing, bodies, failures. */
class AdminServerTest
{
    private static final String WRONG_TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private final RecordingModelAdmin admin = new RecordingModelAdmin();
    private final HttpClient http = HttpClient.newHttpClient();
    private LogCapture log;
    private AdminServer server;
    private Path tokenFile;
    private String token;

    @BeforeEach
    void start() throws Exception
    {
        log = LogCapture.adminPackage();
        tokenFile = dir.resolve("data").resolve(AdminConfig.DEFAULT_TOKEN_FILE_NAME);
        server = AdminServer.start(admin, AdminConfig.defaults().withPort(0).withTokenFileIn(dir.resolve("data")));
        token = Files.readString(tokenFile).strip();
    }

    @AfterEach
    void stop()
    {
        server.close();
        log.close();
    }

    @Test
    void statusWithTheTokenAnswersTheAdminsStatusAsJson() throws Exception
    {
        final HttpResponse<String> r = send("GET", "/v1/models/status", null, token);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(RecordingModelAdmin.sampleStatus(), AdminJson.LENIENT.readValue(r.body(), ModelStatus.class));
        assertEquals(List.of("status"), admin.calls());
    }

    @Test
    void requestWithoutTokenIsRefusedWith401NamingTheTokenFileAndTheAdminIsNotCalled() throws Exception
    {
        for (final String[] request : List.of(new String[] {"GET", "/v1/models/status"}, new String[] {"POST", "/v1/models/rollback"},
            new String[] {"POST", "/v1/models/nowhere"}))
        {
            final HttpResponse<String> r = send(request[0], request[1], null, null);
            assertEquals(401, r.statusCode(), r.body());
            final JsonNode body = AdminJson.LENIENT.readTree(r.body());
            assertEquals("UNAUTHORIZED", body.get("error").asText());
            assertTrue(body.get("message").asText().contains(tokenFile.toAbsolutePath().toString()), r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertFalse(r.body().contains(token), "the token never appears in an answer");
        }
        assertEquals(List.of(), admin.calls());
        assertEquals(3, server.unauthorizedCount());
    }

    @Test
    void wrongTokenIsRefusedWith401AndNeitherTokenAppearsInTheAnswerOrTheLog() throws Exception
    {
        final HttpResponse<String> r = send("POST", "/v1/models/deploy", "{\"name\":\"fraud\",\"version\":2}", WRONG_TOKEN);
        final HttpResponse<String> basic = sendWithAuthorization("GET", "/v1/models/status", null, "Basic " + token);
        final HttpResponse<String> truncated = send("GET", "/v1/models/status", null, token.substring(0, 63));
        assertEquals(401, r.statusCode(), r.body());
        assertEquals(401, basic.statusCode(), "only the Bearer scheme is accepted");
        assertEquals(401, truncated.statusCode(), "a prefix of the token is not the token");
        assertEquals(List.of(), admin.calls());
        for (final String text : List.of(r.body(), basic.body(), truncated.body()))
        {
            assertFalse(text.contains(token) || text.contains(WRONG_TOKEN), text);
        }
        assertFalse(log.lines().isEmpty(), "a refusal is logged");
        for (final String line : log.lines())
        {
            assertFalse(line.contains(token) || line.contains(WRONG_TOKEN) || line.contains(token.substring(0, 63)), line);
        }
    }

    @Test
    void deployBodyReachesTheAdminWithItsArgumentsAndDefaults() throws Exception
    {
        assertEquals(200, send("POST", "/v1/models/deploy", "{\"name\":\"fraud\",\"version\":2,\"force\":true}", token).statusCode());
        assertEquals(200, send("POST", "/v1/models/deploy", "{\"name\":\"fraud\"}", token).statusCode());
        final HttpResponse<String> r = send("POST", "/v1/models/shadow", "{\"name\":\"fraud\",\"version\":3}", token);
        assertEquals(200, send("DELETE", "/v1/models/shadow", null, token).statusCode());
        assertEquals(200, send("POST", "/v1/models/rollback", null, token).statusCode());
        assertEquals(200, r.statusCode());
        assertEquals(new AdminOutcome(true, "SHADOW_STARTED", "fraud/3 runs in shadow"), AdminJson.LENIENT.readValue(r.body(), AdminOutcome.class));
        assertEquals(List.of("deploy fraud 2 true", "deploy fraud 0 false", "shadow fraud 3", "stopShadow", "rollback"), admin.calls());
    }

    @Test
    void refusedOutcomeAnswers409WithTheOutcome() throws Exception
    {
        admin.answer(AdminOutcome.refused("REFUSED_BY_GATE", "shadow agreement 97.1 % is below 99 %; use --force to deploy anyway"));
        final HttpResponse<String> r = send("POST", "/v1/models/deploy", "{\"name\":\"fraud\",\"version\":3}", token);
        assertEquals(409, r.statusCode());
        final AdminOutcome outcome = AdminJson.LENIENT.readValue(r.body(), AdminOutcome.class);
        assertEquals("REFUSED_BY_GATE", outcome.code());
        assertFalse(outcome.done());
    }

    @Test
    void malformedBodiesAre400WithAMessageAndTheAdminIsNotCalled() throws Exception
    {
        final List<String> bodies = List.of("{\"name\":\"fraud\",", "", "{\"name\":\"fraud\",\"verison\":2}",
            "{\"name\":\"fraud\",\"version\":\"two\"}", "{\"version\":2}", "{\"name\":\"../etc\"}", "{\"name\":\"fraud\",\"version\":-1}",
            "[1,2]");
        for (final String body : bodies)
        {
            final HttpResponse<String> r = send("POST", "/v1/models/deploy", body, token);
            assertEquals(400, r.statusCode(), body + " -> " + r.body());
            final JsonNode json = AdminJson.LENIENT.readTree(r.body());
            assertEquals("BAD_REQUEST", json.get("error").asText());
            assertTrue(json.get("message").asText().length() > 20, r.body());
        }
        final String unknown = AdminJson.LENIENT.readTree(send("POST", "/v1/models/deploy", bodies.get(2), token).body())
            .get("message").asText();
        assertTrue(unknown.contains("verison") && unknown.contains("version"), "names the unknown field and the known ones: " + unknown);
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void oversizedBodyIs413() throws Exception
    {
        final HttpResponse<String> r = send("POST", "/v1/models/deploy", "{\"name\":\"" + "x".repeat(70_000) + "\"}", token);
        assertEquals(413, r.statusCode());
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception
    {
        final HttpResponse<String> notFound = send("GET", "/v1/models/nowhere", null, token);
        assertEquals(404, notFound.statusCode());
        assertEquals("NOT_FOUND", AdminJson.LENIENT.readTree(notFound.body()).get("error").asText());
        assertTrue(notFound.body().contains("/v1/models/status"), "lists what exists: " + notFound.body());
        final HttpResponse<String> wrongMethod = send("GET", "/v1/models/deploy", null, token);
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertEquals(405, send("PUT", "/v1/models/shadow", "{}", token).statusCode());
        assertEquals(List.of(), admin.calls());
    }

    @Test
    void adminFailureIs500WithOneLineAndNoStackTraceWhileTheLogHasIt() throws Exception
    {
        admin.fail(new IllegalStateException("registry root models is not a directory\nsecond line"));
        final HttpResponse<String> r = send("POST", "/v1/models/rollback", null, token);
        assertEquals(500, r.statusCode());
        final JsonNode json = AdminJson.LENIENT.readTree(r.body());
        assertEquals("INTERNAL_ERROR", json.get("error").asText());
        final String message = json.get("message").asText();
        assertTrue(message.contains("IllegalStateException: registry root models is not a directory"), message);
        assertFalse(message.contains("second line") || r.body().contains("\tat ") || r.body().contains("AdminHandler"), r.body());
        assertTrue(log.lines().stream().anyMatch(l -> l.contains("POST /v1/models/rollback failed") && l.contains("not a directory")),
            log.lines().toString());
    }

    @Test
    void tokenFileIsCreatedOwnerOnlyAndReusedByTheNextStart() throws Exception
    {
        assertEquals(64, token.length(), "32 random bytes as hex");
        assertTrue(token.matches("[0-9a-f]{64}"), "hex only");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile));
        server.close();
        server = AdminServer.start(admin, AdminConfig.defaults().withPort(0).withTokenFileIn(dir.resolve("data")));
        assertEquals(token, Files.readString(tokenFile).strip(), "the second start reuses the token");
        assertEquals(200, send("GET", "/v1/models/status", null, token).statusCode());
        for (final String line : log.lines())
        {
            assertFalse(line.contains(token), "never logged: " + line);
        }
    }

    @Test
    void twoFreshTokenFilesHoldDifferentTokens()
    {
        final AdminToken other = AdminToken.loadOrCreate(dir.resolve("other.token"));
        assertNotEquals(token, other.value());
        assertFalse(other.toString().contains(other.value()), "toString names the file only");
    }

    @Test
    void worldReadableTokenFileIsRefusedAndGroupReadableIsAWarning() throws Exception
    {
        final Path file = dir.resolve("shared.token");
        Files.writeString(file, WRONG_TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        final ConfigException e = assertThrows(ConfigException.class,
            () -> AdminServer.start(admin, AdminConfig.defaults().withPort(0).withTokenFile(file)));
        assertTrue(e.getMessage().contains("readable by every user") && e.getMessage().contains("chmod 600 " + file), e.getMessage());
        assertFalse(e.getMessage().contains(WRONG_TOKEN));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        try (AdminServer second = AdminServer.start(admin, AdminConfig.defaults().withPort(0).withTokenFile(file)))
        {
            assertTrue(log.lines().stream().anyMatch(l -> l.contains(file.toString()) && l.contains("readable by its group")),
                log.lines().toString());
        }
    }

    @Test
    void emptyOrShortTokenFileIsRefusedSayingWhatToDo() throws Exception
    {
        final Path empty = dir.resolve("empty.token");
        Files.writeString(empty, "\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        final ConfigException e = assertThrows(ConfigException.class, () -> AdminToken.loadOrCreate(empty));
        assertTrue(e.getMessage().contains(empty + " is empty") && e.getMessage().contains("restart the server"), e.getMessage());
        Files.writeString(empty, "secret");
        final ConfigException shortToken = assertThrows(ConfigException.class, () -> AdminToken.loadOrCreate(empty));
        assertTrue(shortToken.getMessage().contains("fewer than 32"), shortToken.getMessage());
        assertFalse(shortToken.getMessage().contains("secret"));
    }

    @Test
    void portInUseIsAConfigErrorNamingTheAddressAndWhatToDo()
    {
        final int port = server.address().getPort();
        final ConfigException e = assertThrows(ConfigException.class,
            () -> AdminServer.start(admin, AdminConfig.defaults().withPort(port).withTokenFile(tokenFile)));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("admin.port"), e.getMessage());
    }

    @Test
    void serverListensOnLoopbackByDefaultOnADaemonThread() throws Exception
    {
        assertTrue(server.address().getAddress().isLoopbackAddress(), server.address().toString());
        send("GET", "/v1/models/status", null, token);
        final List<Thread> adminThreads = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("rill-admin-")).toList();
        assertFalse(adminThreads.isEmpty());
        assertTrue(adminThreads.stream().allMatch(Thread::isDaemon));
        assertTrue(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("HTTP-Dispatcher"))
            .allMatch(Thread::isDaemon), "the JDK's dispatcher never keeps the JVM alive");
    }

    private HttpResponse<String> send(final String method, final String path, final String body, final String bearer) throws Exception
    {
        return sendWithAuthorization(method, path, body, bearer == null ? null : "Bearer " + bearer);
    }

    private HttpResponse<String> sendWithAuthorization(final String method, final String path, final String body,
        final String authorization) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null)
        {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
