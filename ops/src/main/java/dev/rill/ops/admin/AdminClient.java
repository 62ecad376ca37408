package dev.rill.ops.admin;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rill.bus.ConfigException;

/**
 * A running server's {@link ModelAdmin}, reached over its admin channel ({@link AdminServer}) with
 * {@code java.net.http.HttpClient}: each call is one HTTP request carrying the bearer token.
 *
 * <p>A refused command comes back as an {@link AdminOutcome} with {@code done} false. When the
 * channel itself cannot be used, a call throws {@link AdminException} whose code says which way:
 * no server listening, token refused or unreadable, request not understood, or a server failure;
 * its message says what to do and never holds the token.
 *
 * <p>Thread-safe (the JDK client is); allocates per call. The JDK client's threads are daemons.
 */
public final class AdminClient implements ModelAdmin, TopicAdmin
{
    /** How long a connection may take before the server counts as unreachable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How long a status read may take. */
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(15);
    /** How long a command may take: loading and checking a model version takes a while. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final String endpoint;
    private final URI base;
    private final Path tokenFile;
    private final AdminToken token;
    private final HttpClient http;

    /**
     * Reads the token file and prepares the client; nothing is sent yet.
     *
     * @param host      the server's admin host (admin.host).
     * @param port      the server's admin port (admin.port).
     * @param tokenFile the server's token file (admin.tokenFile).
     * @throws AdminException ADMIN_UNAUTHORIZED when the token file cannot be read or is refused
     *                        while a server listens, ADMIN_UNREACHABLE when none does.
     */
    public AdminClient(final String host, final int port, final Path tokenFile)
    {
        this(host, port, tokenFile, null);
    }

    /**
     * As {@link #AdminClient(String, int, Path)}, over HTTPS when {@code tls} is not null (a server
     * with {@code admin.tls}).
     *
     * @param tls the context whose trust store holds the server's certificate or its CA, or null for plain HTTP.
     */
    public AdminClient(final String host, final int port, final Path tokenFile, final javax.net.ssl.SSLContext tls)
    {
        this.endpoint = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        this.base = URI.create((tls == null ? "http://" : "https://") + endpoint);
        this.tokenFile = tokenFile;
        this.token = readToken(host, port, tokenFile, endpoint);
        final HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT);
        if (tls != null)
        {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    /** @return host:port of the admin channel this client talks to. */
    public String endpoint()
    {
        return endpoint;
    }

    @Override
    public ModelStatus status()
    {
        final HttpResponse<String> response = send("GET", AdminHandler.STATUS, null, STATUS_TIMEOUT);
        if (response.statusCode() != 200)
        {
            throw unexpected(response, "GET " + AdminHandler.STATUS);
        }
        return parse(response, ModelStatus.class);
    }

    @Override
    public AdminOutcome deploy(final String name, final int version, final boolean force)
    {
        return outcome(send("POST", AdminHandler.DEPLOY, Map.of("name", name, "version", version, "force", force), COMMAND_TIMEOUT),
            "POST " + AdminHandler.DEPLOY);
    }

    @Override
    public AdminOutcome shadow(final String name, final int version)
    {
        return outcome(send("POST", AdminHandler.SHADOW, Map.of("name", name, "version", version), COMMAND_TIMEOUT),
            "POST " + AdminHandler.SHADOW);
    }

    @Override
    public AdminOutcome stopShadow()
    {
        return outcome(send("DELETE", AdminHandler.SHADOW, null, COMMAND_TIMEOUT), "DELETE " + AdminHandler.SHADOW);
    }

    @Override
    public AdminOutcome rollback()
    {
        return outcome(send("POST", AdminHandler.ROLLBACK, null, COMMAND_TIMEOUT), "POST " + AdminHandler.ROLLBACK);
    }

    @Override
    public java.util.List<dev.rill.ops.RillConfig.TopicSection> topics()
    {
        final HttpResponse<String> response = send("GET", AdminHandler.TOPICS, null, STATUS_TIMEOUT);
        if (response.statusCode() != 200)
        {
            throw unexpected(response, "GET " + AdminHandler.TOPICS);
        }
        final AdminJson.TopicsBody body = parse(response, AdminJson.TopicsBody.class);
        return body.topics() == null ? java.util.List.of() : body.topics();
    }

    @Override
    public AdminOutcome apply(final dev.rill.ops.RillConfig.TopicSection topic)
    {
        return outcome(send("POST", AdminHandler.TOPICS, topic, COMMAND_TIMEOUT), "POST " + AdminHandler.TOPICS);
    }

    private AdminOutcome outcome(final HttpResponse<String> response, final String request)
    {
        if (response.statusCode() != 200 && response.statusCode() != 409)
        {
            throw unexpected(response, request);
        }
        return parse(response, AdminOutcome.class);
    }

    private HttpResponse<String> send(final String method, final String path, final Object body, final Duration timeout)
    {
        final byte[] json;
        try
        {
            json = body == null ? new byte[0] : AdminJson.LENIENT.writeValueAsBytes(body);
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException("cannot write the request body as JSON: " + e.getOriginalMessage(), e);
        }
        final HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + token.value())
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
        final HttpResponse<String> response;
        try
        {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (final HttpConnectTimeoutException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "no Rill server accepted a connection on " + endpoint +
                " (admin channel) within " + CONNECT_TIMEOUT.toSeconds() + " s; check the address, or pass --admin HOST:PORT", e);
        }
        catch (final HttpTimeoutException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "the Rill server on " + endpoint + " did not answer " + method +
                " " + path + " within " + timeout.toSeconds() + " s; it may still carry it out: check with `rill model status`", e);
        }
        catch (final ConnectException e)
        {
            throw notListening(endpoint, e);
        }
        catch (final IOException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "lost the connection to the Rill server on " + endpoint +
                " (admin channel) during " + method + " " + path + ": " + e.getMessage() +
                "; check that it still runs, then `rill model status`", e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "interrupted while waiting for the Rill server on " + endpoint, e);
        }
        if (response.statusCode() == 401)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNAUTHORIZED, "the Rill server on " + endpoint + " refused the admin " +
                "token read from " + tokenFile.toAbsolutePath() + " (401): it is not that server's token; pass --token-file with " +
                "the server's admin.tokenFile (default <dataDir>/admin.token) or --config with the server's configuration");
        }
        return response;
    }

    private AdminException unexpected(final HttpResponse<String> response, final String request)
    {
        final int status = response.statusCode();
        final String message = errorMessage(response.body());
        if (status == 500)
        {
            return new AdminException(AdminExitCode.ADMIN_SERVER_ERROR, "the Rill server on " + endpoint + " failed: " +
                (message == null ? "HTTP 500 without a message; see the server log" : message));
        }
        return new AdminException(AdminExitCode.ADMIN_PROTOCOL, "the server on " + endpoint + " answered " + request + " with HTTP " +
            status + (message == null ? " and no admin channel message (is another program listening on that port?)" :
            ": " + message) + "; check that rill and the server are the same version");
    }

    private <T> T parse(final HttpResponse<String> response, final Class<T> type)
    {
        try
        {
            return AdminJson.LENIENT.readValue(response.body(), type);
        }
        catch (final JsonProcessingException | IllegalArgumentException | NullPointerException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_PROTOCOL, "the server on " + endpoint + " answered HTTP " +
                response.statusCode() + " with a body that is not a " + type.getSimpleName() + " (" + firstLine(e) + "); is " +
                "another program listening on that port, or is the server another rill version?", e);
        }
    }

    /** @return the message of an admin channel error body, or null when the body is not one. */
    private static String errorMessage(final String body)
    {
        try
        {
            final JsonNode node = AdminJson.LENIENT.readTree(body);
            final JsonNode message = node == null ? null : node.get("message");
            return message == null || !message.isTextual() ? null : message.asText();
        }
        catch (final JsonProcessingException e)
        {
            return null;
        }
    }

    private static String firstLine(final Exception e)
    {
        final String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    }

    private static AdminException notListening(final String endpoint, final Exception cause)
    {
        return new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "no Rill server is listening on " + endpoint +
            " (admin channel); start it with `rill serve` or pass --admin HOST:PORT", cause);
    }

    /**
     * Reads the token; when that fails, says whether a server listens at all, so a missing token
     * file on a machine where the server never ran reads as "not running", not as a token problem.
     */
    private static AdminToken readToken(final String host, final int port, final Path tokenFile, final String endpoint)
    {
        try
        {
            return AdminToken.read(tokenFile);
        }
        catch (final ConfigException e)
        {
            try (Socket probe = new Socket())
            {
                probe.connect(new InetSocketAddress(host, port), (int)CONNECT_TIMEOUT.toMillis());
            }
            catch (final IOException notListening)
            {
                final AdminException unreachable = notListening(endpoint, notListening);
                unreachable.addSuppressed(e);
                throw unreachable;
            }
            throw new AdminException(AdminExitCode.ADMIN_UNAUTHORIZED, e.getMessage(), e);
        }
    }
}
