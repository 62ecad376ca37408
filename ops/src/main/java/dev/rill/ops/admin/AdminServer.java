package dev.rill.ops.admin;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.rill.bus.ConfigException;
import dev.rill.gateway.auth.AccessPolicy;
import dev.rill.gateway.tls.PemTls;
import dev.rill.gateway.tls.TlsConfig;

/**
 * The admin channel of a running bus: an HTTP/1.1 server (the JDK's
 * {@code com.sun.net.httpserver}) that authenticates each request with the bearer token of
 * {@link AdminToken} and hands it to a {@link ModelAdmin}. Bound to 127.0.0.1 unless
 * {@code admin.host} says otherwise. With {@code admin.tls} it serves HTTPS only (JDK
 * {@code HttpsServer}, the {@link SSLContext} built by {@link PemTls} from the same kind of PEM files
 * as the gateway's, client certificates required when {@code admin.tls.clientCaFile} is set);
 * without it, plain HTTP: keep it on loopback or a trusted network.
 *
 * <p>Besides the admin token, the bearer token of a gateway principal with {@code admin: true} in
 * the tokens file ({@code gateway.auth}) is accepted, so an operator's one token works on both.
 *
 * <h2>API</h2>
 * Every request carries {@code Authorization: Bearer <token>}, the token being the content of
 * {@code admin.tokenFile}; every answer is JSON.
 * <table>
 * <caption>Requests</caption>
 * <tr><th>request</th><th>body</th><th>answer</th></tr>
 * <tr><td>{@code GET /v1/models/status}</td><td>-</td><td>200 {@link ModelStatus}</td></tr>
 * <tr><td>{@code POST /v1/models/deploy}</td><td>{@code {"name":"fraud","version":2,"force":false}}
 *     (version 0 or absent: newest usable; force absent: false)</td><td>{@link AdminOutcome}</td></tr>
 * <tr><td>{@code POST /v1/models/shadow}</td><td>{@code {"name":"fraud","version":3}}</td><td>{@link AdminOutcome}</td></tr>
 * <tr><td>{@code DELETE /v1/models/shadow}</td><td>-</td><td>{@link AdminOutcome}</td></tr>
 * <tr><td>{@code POST /v1/models/rollback}</td><td>-</td><td>{@link AdminOutcome}</td></tr>
 * <tr><td>{@code GET /v1/topics}</td><td>-</td><td>200 {@code {"topics":[...]}}, each as rill.yaml's topics: entries</td></tr>
 * <tr><td>{@code POST /v1/topics}</td><td>one topic as rill.yaml declares it (see {@link TopicAdmin})</td><td>{@link AdminOutcome}</td></tr>
 * </table>
 * An outcome that was done answers 200, a refusal 409 (same body). Errors answer
 * {@code {"error":"CODE","message":"..."}}: 401 UNAUTHORIZED (token missing or wrong; the message
 * names the token file, never a token), 400 BAD_REQUEST (body not JSON, unknown field, bad name or
 * version), 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED (with {@code Allow}), 413 PAYLOAD_TOO_LARGE (body
 * over 64 KiB), 500 INTERNAL_ERROR (the admin threw: one line, the stack trace goes to the server
 * log only).
 *
 * <h2>Threads</h2>
 * Two daemon threads, {@code rill-admin-1} and {@code -2}, run the requests: admin requests one
 * at a time (so {@link ModelAdmin} is called one request at a time), read-only pages
 * ({@link ReadOnlyRoute}) beside them; the JDK's server adds its dispatcher thread (blocked in a selector between
 * requests, never spinning) and an idle-connection timer, both daemons. Nothing here touches the
 * pipeline thread. {@link #start} and {@link #close} may be called from any thread.
 */
public final class AdminServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());
    private static final int BACKLOG = 16;

    private final HttpServer http;
    private final ExecutorService executor;
    private final AdminHandler handler;
    private final InetSocketAddress address;
    private boolean closed;

    private AdminServer(final HttpServer http, final ExecutorService executor, final AdminHandler handler)
    {
        this.http = http;
        this.executor = executor;
        this.handler = handler;
        this.address = http.getAddress();
    }

    /**
     * Reads or creates the token file, binds the port and starts serving.
     *
     * @param admin  what requests act on.
     * @param config the channel's configuration; its token file must be concrete (see
     *               {@link AdminConfig#withTokenFileIn(Path)}) and the channel enabled.
     * @return the running server; {@link #address()} is the bound address.
     * @throws ConfigException when the token file is refused, or the address cannot be bound.
     */
    public static AdminServer start(final ModelAdmin admin, final AdminConfig config)
    {
        return start(admin, config, Map.of());
    }

    /**
     * As {@link #start(ModelAdmin, AdminConfig)}, also serving read-only pages that need no token
     * ({@code /metrics}, {@code /health}, {@code /slo}, the status page): each path answers GET and
     * HEAD only, and a handler that throws answers 500 with a line for the log, never a stack trace.
     *
     * @param openRoutes path (exact, such as {@code /metrics}) to handler; "/" serves the path "/" only.
     */
    public static AdminServer start(final ModelAdmin admin, final AdminConfig config, final Map<String, ReadOnlyRoute.Page> openRoutes)
    {
        return start(admin, null, config, openRoutes, null);
    }

    /**
     * As {@link #start(ModelAdmin, AdminConfig, Map)}, also accepting the token of any principal
     * with the admin flag in the policy {@code principals} supplies at the time of each request.
     *
     * @param principals the gateway's current access policy, or null to accept the admin token only.
     */
    public static AdminServer start(final ModelAdmin admin, final AdminConfig config, final Map<String, ReadOnlyRoute.Page> openRoutes,
        final Supplier<AccessPolicy> principals)
    {
        return start(admin, null, config, openRoutes, principals);
    }

    /**
     * As {@link #start(ModelAdmin, AdminConfig, Map, Supplier)}, also serving {@code /v1/topics} from
     * {@code topics} (null: those requests answer 404).
     */
    public static AdminServer start(
        final ModelAdmin admin, final TopicAdmin topics, final AdminConfig config, final Map<String, ReadOnlyRoute.Page> openRoutes,
        final Supplier<AccessPolicy> principals)
    {
        Objects.requireNonNull(admin, "admin");
        if (!config.enabled())
        {
            throw new IllegalArgumentException("admin.enabled is false: do not start the admin channel");
        }
        if (config.tokenFile() == null)
        {
            throw new IllegalArgumentException("admin.tokenFile is not resolved; pass config.withTokenFileIn(dataDir)");
        }
        final AdminToken token = AdminToken.loadOrCreate(config.tokenFile());
        final InetSocketAddress bindTo = new InetSocketAddress(config.host(), config.port());
        if (bindTo.isUnresolved())
        {
            throw ConfigException.invalid("admin.host", config.host(), "an IP address or a host name this machine resolves");
        }
        final HttpServer http;
        try
        {
            http = config.tls() == null ? HttpServer.create(bindTo, BACKLOG) : https(bindTo, config.tls());
        }
        catch (final BindException e)
        {
            throw new ConfigException("admin channel: cannot listen on " + config.endpoint() + ": " + e.getMessage() +
                "; is another rill serve running? Set admin.port to a free port, or admin.enabled: false");
        }
        catch (final IOException e)
        {
            throw new ConfigException("admin channel: cannot listen on " + config.endpoint() + ": " + e.getMessage());
        }
        // Two threads: a scrape of /metrics or the status page is not held up by a model deploy
        // (admin requests are serialised by AdminHandler itself).
        final java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(2, r ->
        {
            final Thread t = new Thread(r, "rill-admin-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        final AdminHandler handler = new AdminHandler(admin, topics, token, principals);
        http.createContext("/", new ReadOnlyRoute(handler, openRoutes));
        http.setExecutor(executor);
        try
        {
            // Started from the daemon admin thread: the JDK's dispatcher thread inherits its daemon
            // status, so an admin channel never keeps a JVM alive.
            executor.submit(http::start).get();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            http.stop(0);
            executor.shutdownNow();
            throw new IllegalStateException("interrupted while starting the admin channel", e);
        }
        catch (final ExecutionException e)
        {
            http.stop(0);
            executor.shutdownNow();
            throw new IllegalStateException("admin channel did not start: " + e.getCause(), e.getCause());
        }
        final AdminServer server = new AdminServer(http, executor, handler);
        if (!server.address.getAddress().isLoopbackAddress() && config.tls() == null)
        {
            LOG.log(System.Logger.Level.WARNING, "admin channel: listening on " + config.endpoint() + ", beyond this machine; " +
                "it has no TLS, so the token crosses the network in clear text: prefer 127.0.0.1 and an SSH tunnel");
        }
        LOG.log(System.Logger.Level.INFO, "admin channel: listening on " + config.scheme() + "://" + server.address.getHostString() + ":" +
            server.address.getPort() + ", token in " + token.file().toAbsolutePath());
        return server;
    }

    /** An HTTPS listener with the certificate and key of {@code tls}; client certificates required when it names a client CA. */
    private static HttpsServer https(final InetSocketAddress bindTo, final TlsConfig tls) throws IOException
    {
        final SSLContext context = PemTls.jdkServer(tls, "admin.tls"); // a ConfigException names the key
        final HttpsServer https = HttpsServer.create(bindTo, BACKLOG);
        https.setHttpsConfigurator(new HttpsConfigurator(context)
        {
            @Override
            public void configure(final HttpsParameters params)
            {
                final SSLParameters p = context.getDefaultSSLParameters();
                p.setProtocols(tls.protocols().toArray(new String[0]));
                if (!tls.ciphers().isEmpty())
                {
                    p.setCipherSuites(tls.ciphers().toArray(new String[0]));
                }
                p.setNeedClientAuth(tls.mutual());
                params.setSSLParameters(p);
            }
        });
        return https;
    }

    /** @return the address the channel listens on (with the port picked when 0 was asked for). */
    public InetSocketAddress address()
    {
        return address;
    }

    /** @return requests refused for a missing or wrong token since start. */
    public long unauthorizedCount()
    {
        return handler.unauthorizedCount();
    }

    /**
     * Stops listening, closes every connection, and ends the admin thread once a request under way
     * has returned (its answer may be lost; the command itself completes). Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // stop(0): a positive delay waits its whole length on an idle server in JDK 17.
        http.stop(0);
        executor.shutdown();
        try
        {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS))
            {
                LOG.log(System.Logger.Level.WARNING, "admin channel: a request still runs after 30 s; interrupting it");
                executor.shutdownNow();
            }
        }
        catch (final InterruptedException e)
        {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
