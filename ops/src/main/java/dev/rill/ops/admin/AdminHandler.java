package dev.rill.ops.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.rill.gateway.auth.AccessPolicy;
import dev.rill.gateway.auth.Principal;

/**
 * Handles one admin request: authenticates it, routes it by path and method, reads its body,
 * calls the {@link ModelAdmin}, and writes the JSON answer (see {@link AdminServer} for the API).
 *
 * <p>Threading: {@link #handle} is synchronized, so admin requests run one at a time whichever of
 * the listener's threads takes them, and its plain fields are guarded by that lock; {@link #unauthorizedCount()} may be read from any thread.
 */
final class AdminHandler implements HttpHandler
{
    static final String STATUS = "/v1/models/status";
    static final String DEPLOY = "/v1/models/deploy";
    static final String SHADOW = "/v1/models/shadow";
    static final String ROLLBACK = "/v1/models/rollback";
    static final String TOPICS = "/v1/topics";

    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 60_000_000_000L;
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_VERSION = 999_999_999;
    private static final Map<String, List<String>> METHODS = Map.of(
        STATUS, List.of("GET"), DEPLOY, List.of("POST"), SHADOW, List.of("POST", "DELETE"), ROLLBACK, List.of("POST"),
        TOPICS, List.of("GET", "POST"));

    private final ModelAdmin admin;
    private final TopicAdmin topics;
    private final AdminToken token;
    private final Supplier<AccessPolicy> principals;
    private volatile long unauthorized;
    private long unauthorizedLogged;
    private long lastRefusalLogNanos;

    AdminHandler(final ModelAdmin admin, final TopicAdmin topics, final AdminToken token)
    {
        this(admin, topics, token, null);
    }

    AdminHandler(final ModelAdmin admin, final AdminToken token, final Supplier<AccessPolicy> principals)
    {
        this(admin, null, token, principals);
    }

    AdminHandler(final ModelAdmin admin, final TopicAdmin topics, final AdminToken token, final Supplier<AccessPolicy> principals)
    {
        this.admin = admin;
        this.topics = topics;
        this.token = token;
        this.principals = principals;
    }

    long unauthorizedCount()
    {
        return unauthorized;
    }

    @Override
    public synchronized void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            Answer answer = answer(exchange);
            byte[] body;
            try
            {
                body = AdminJson.LENIENT.writeValueAsBytes(answer.body());
            }
            catch (final JsonProcessingException e)
            {
                LOG.log(System.Logger.Level.ERROR, "admin channel: cannot write the answer to " + exchange.getRequestMethod() + " " +
                    exchange.getRequestURI().getPath() + " as JSON", e);
                answer = error(500, "INTERNAL_ERROR", "the server could not write its answer as JSON: " +
                    e.getOriginalMessage().lines().findFirst().orElse("") + "; see the server log");
                body = AdminJson.LENIENT.writeValueAsBytes(answer.body());
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equalsIgnoreCase(exchange.getRequestMethod()))
            {
                // A HEAD answer has no body (the JDK refuses to write one).
                exchange.sendResponseHeaders(answer.status(), -1);
            }
            else
            {
                exchange.sendResponseHeaders(answer.status(), body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }

    private Answer answer(final HttpExchange exchange)
    {
        if (!authenticated(exchange))
        {
            refused(exchange);
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"rill-admin\"");
            return error(401, "UNAUTHORIZED", "missing or wrong token: send the header 'Authorization: Bearer <token>' " +
                "with the token in " + token.file().toAbsolutePath() + " on the server's machine (admin.tokenFile); " +
                "`rill model` commands read it themselves (--config or --token-file)");
        }
        final String path = stripTrailingSlash(exchange.getRequestURI().getPath());
        final List<String> allowed = METHODS.get(path);
        if (allowed == null)
        {
            return error(404, "NOT_FOUND", "no admin resource " + path + "; there are GET " + STATUS + ", POST " + DEPLOY +
                ", POST and DELETE " + SHADOW + ", POST " + ROLLBACK +
                ", GET and POST " + TOPICS);
        }
        final String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        if (!allowed.contains(method))
        {
            exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
            return error(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path + "; use " + String.join(" or ", allowed));
        }
        final String command = method + " " + path;
        try
        {
            return dispatch(exchange, command);
        }
        catch (final BadRequest e)
        {
            return error(e.status, e.status == 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST", e.getMessage());
        }
        catch (final RuntimeException e)
        {
            LOG.log(System.Logger.Level.ERROR, "admin channel: " + command + " failed", e);
            return error(500, "INTERNAL_ERROR", "the server failed to carry out " + command + ": " + oneLine(e) +
                "; see the server log");
        }
    }

    private Answer dispatch(final HttpExchange exchange, final String command)
    {
        switch (command)
        {
            case "GET " + STATUS:
                return new Answer(200, nonNull(admin.status(), "status"));
            case "POST " + DEPLOY:
            {
                final AdminJson.DeployRequest r = body(exchange, AdminJson.DeployRequest.class,
                    "{\"name\":\"fraud\",\"version\":2,\"force\":false}");
                final String name = name(r.name());
                final int version = version(r.version());
                final boolean force = r.force() != null && r.force();
                return outcome(exchange, "deploy " + name + ":" + version + (force ? " --force" : ""),
                    () -> admin.deploy(name, version, force));
            }
            case "POST " + SHADOW:
            {
                final AdminJson.ShadowRequest r = body(exchange, AdminJson.ShadowRequest.class, "{\"name\":\"fraud\",\"version\":3}");
                final String name = name(r.name());
                final int version = version(r.version());
                return outcome(exchange, "shadow " + name + ":" + version, () -> admin.shadow(name, version));
            }
            case "DELETE " + SHADOW:
                return outcome(exchange, "stop shadow", admin::stopShadow);
            case "POST " + ROLLBACK:
                return outcome(exchange, "rollback", admin::rollback);
            case "GET " + TOPICS:
                return topics == null ? noTopics() : new Answer(200, new AdminJson.TopicsBody(topics.topics()));
            case "POST " + TOPICS:
            {
                if (topics == null)
                {
                    return noTopics();
                }
                final dev.rill.ops.RillConfig.TopicSection t = body(exchange, dev.rill.ops.RillConfig.TopicSection.class,
                    "{\"name\":\"payments\",\"versions\":[{\"fields\":[{\"name\":\"amount\"}]}]}");
                return outcome(exchange, "topic apply " + t.name(), () -> topics.apply(t));
            }
            default:
                throw new IllegalStateException("no dispatch for " + command);
        }
    }

    private static Answer noTopics()
    {
        return error(404, "NOT_FOUND", "this server's admin channel does not manage topics");
    }

    private static Answer outcome(final HttpExchange exchange, final String what, final Supplier<AdminOutcome> call)
    {
        final AdminOutcome outcome = nonNull(call.get(), what);
        // An audit line per command that changes something (or was refused), never per status read.
        LOG.log(System.Logger.Level.INFO, "admin channel: " + what + " from " + exchange.getRemoteAddress() + ": " +
            outcome.code() + ": " + outcome.message());
        return new Answer(outcome.done() ? 200 : 409, outcome);
    }

    private boolean authenticated(final HttpExchange exchange)
    {
        final String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return false;
        }
        final String presented = header.substring(7).strip();
        if (token.matches(presented.getBytes(StandardCharsets.US_ASCII)))
        {
            return true;
        }
        // A gateway principal with the admin flag (gateway.auth): its token works here too.
        final AccessPolicy policy = principals == null ? null : principals.get();
        final Principal p = policy == null ? null : policy.authenticate(presented);
        return p != null && p.admin();
    }

    /** Counts the refusal and logs it, at most once a minute, with where it came from but nothing it sent. */
    private void refused(final HttpExchange exchange)
    {
        unauthorized++;
        final long now = System.nanoTime();
        if (unauthorizedLogged == 0 || now - lastRefusalLogNanos >= REFUSAL_LOG_INTERVAL_NANOS)
        {
            LOG.log(System.Logger.Level.WARNING, "admin channel: refused " + exchange.getRequestMethod() + " " +
                exchange.getRequestURI().getPath() + " from " + exchange.getRemoteAddress() + ": missing or wrong token (" +
                (unauthorized - unauthorizedLogged) + " refused since the last such line)");
            unauthorizedLogged = unauthorized;
            lastRefusalLogNanos = now;
        }
    }

    private static <T> T body(final HttpExchange exchange, final Class<T> type, final String example)
    {
        final byte[] bytes;
        try (InputStream in = exchange.getRequestBody())
        {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        catch (final IOException e)
        {
            throw new BadRequest(400, "could not read the request body: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES)
        {
            throw new BadRequest(413, "request body is over " + MAX_BODY_BYTES + " bytes; send a JSON object such as " + example);
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank())
        {
            throw new BadRequest(400, "request body is empty; send a JSON object such as " + example);
        }
        try
        {
            return AdminJson.STRICT.readValue(bytes, type);
        }
        catch (final UnrecognizedPropertyException e)
        {
            throw new BadRequest(400, "unknown field '" + e.getPropertyName() + "' in the request body; known fields: " +
                e.getKnownPropertyIds() + ", e.g. " + example);
        }
        catch (final MismatchedInputException e)
        {
            throw new BadRequest(400, "request body " + field(e) + "has the wrong kind of value; send a JSON object such as " +
                example);
        }
        catch (final JsonProcessingException e)
        {
            throw new BadRequest(400, "request body is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") +
                "); send a JSON object such as " + example);
        }
        catch (final IOException e)
        {
            throw new BadRequest(400, "could not read the request body: " + e.getMessage());
        }
    }

    private static String field(final JsonMappingException e)
    {
        final List<JsonMappingException.Reference> path = e.getPath();
        return path.isEmpty() || path.get(0).getFieldName() == null ? "" : "field '" + path.get(0).getFieldName() + "' ";
    }

    private static String name(final String name)
    {
        if (name == null || !MODEL_NAME.matcher(name).matches())
        {
            throw new BadRequest(400, "field 'name' is " + (name == null ? "missing" : "'" + name + "'") + ": a model name is " +
                "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit (the directory under models/)");
        }
        return name;
    }

    private static int version(final Integer version)
    {
        if (version == null)
        {
            return 0;
        }
        if (version < 0 || version > MAX_VERSION)
        {
            throw new BadRequest(400, "field 'version' is " + version + ": a version is 1 to " + MAX_VERSION +
                ", or 0 for the newest usable one");
        }
        return version;
    }

    private static <T> T nonNull(final T value, final String what)
    {
        if (value == null)
        {
            throw new IllegalStateException("the model admin answered " + what + " with nothing");
        }
        return value;
    }

    private static String oneLine(final RuntimeException e)
    {
        final String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private static String stripTrailingSlash(final String path)
    {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Answer error(final int status, final String code, final String message)
    {
        return new Answer(status, new AdminJson.ErrorBody(code, message));
    }

    /** An HTTP status and the object written as its JSON body. */
    private record Answer(int status, Object body)
    {
    }

    /** A request the client got wrong: answered with its status and message, not logged. */
    private static final class BadRequest extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private final int status;

        BadRequest(final int status, final String message)
        {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
