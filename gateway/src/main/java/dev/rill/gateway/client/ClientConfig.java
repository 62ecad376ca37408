package dev.rill.gateway.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.netty.handler.ssl.SslContext;

/**
 * Where and as whom a client connects.
 *
 * @param host           server host.
 * @param port           server port.
 * @param producerId     the producer's identity (any number unique among producers; 0 for subscribers).
 * @param epoch          the producer's session generation (raise it on every restart of the producer).
 * @param clientName     free text shown in server logs.
 * @param token          authentication token sent in Hello: needed when the server checks tokens
 *                       ({@code gateway.auth}); never logged or shown by the client.
 * @param maxInFlight    most events sent and not yet acknowledged; {@code send} waits beyond it.
 * @param connectTimeout how long to wait for the connection and Welcome.
 * @param reconnect      whether a producer reconnects by itself when the connection drops
 *                       (backoff from {@code reconnectBackoff} doubling up to 32 times it, with
 *                       jitter) and resends what was not acknowledged.
 * @param reconnectBackoff first wait before reconnecting.
 * @param tls            TLS to the server (see {@link ClientTls}), or null for plain TCP.
 * @param pingInterval   a connection that has sent nothing for this long sends a Ping, so a server
 *                       with {@code gateway.idleTimeout} keeps it open (subscribers only receive);
 *                       null for the default, 15 s; {@link Duration#ZERO} never pings.
 * @param failover       the other gateways of the same cluster, {@code host:port} each (empty for a
 *                       single node): a producer whose connection drops, or whose server answers
 *                       {@code NOT_LEADER}, tries them in turn after {@code host:port} until one
 *                       welcomes it, and resumes there by producer seq.
 */
public record ClientConfig(
    String host, int port, long producerId, int epoch, String clientName, String token, int maxInFlight, Duration connectTimeout,
    boolean reconnect, Duration reconnectBackoff, SslContext tls, Duration pingInterval, List<String> failover)
{
    /** One endpoint only. */
    public ClientConfig(
        final String host, final int port, final long producerId, final int epoch, final String clientName, final String token,
        final int maxInFlight, final Duration connectTimeout, final boolean reconnect, final Duration reconnectBackoff,
        final SslContext tls, final Duration pingInterval)
    {
        this(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect, reconnectBackoff, tls, pingInterval, null);
    }

    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);

    /** Without TLS; pings after 15 s of silence. */
    public ClientConfig(
        final String host, final int port, final long producerId, final int epoch, final String clientName, final String token,
        final int maxInFlight, final Duration connectTimeout, final boolean reconnect, final Duration reconnectBackoff)
    {
        this(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect, reconnectBackoff, null, null);
    }

    /** Compact form without the reconnect settings: reconnects, first after 50 ms. */
    public ClientConfig(
        final String host, final int port, final long producerId, final int epoch, final String clientName, final String token,
        final int maxInFlight, final Duration connectTimeout)
    {
        this(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, true, null);
    }

    public ClientConfig
    {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " is not 1 to 65535");
        }
        if (maxInFlight < 1)
        {
            throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
        }
        clientName = clientName == null ? "rill-java-client" : clientName;
        token = token == null ? "" : token;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        reconnectBackoff = reconnectBackoff == null ? Duration.ofMillis(50) : reconnectBackoff;
        if (reconnectBackoff.isNegative() || reconnectBackoff.isZero())
        {
            throw new IllegalArgumentException("reconnectBackoff " + reconnectBackoff + " must be positive");
        }
        pingInterval = pingInterval == null ? DEFAULT_PING_INTERVAL : pingInterval;
        failover = failover == null ? List.of() : List.copyOf(failover);
        for (final String endpoint : failover)
        {
            parsePort(endpoint);
        }
        if (pingInterval.isNegative())
        {
            throw new IllegalArgumentException("pingInterval " + pingInterval + " must be zero (never) or positive");
        }
    }

    /** @return a config for host:port with producer id 0, epoch 0 and a window of 4096 events. */
    public static ClientConfig of(final String host, final int port)
    {
        return new ClientConfig(host, port, 0, 0, null, null, 4096, null);
    }

    public ClientConfig withProducer(final long producerId, final int epoch)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, pingInterval, failover);
    }

    public ClientConfig withMaxInFlight(final int maxInFlight)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, pingInterval, failover);
    }

    public ClientConfig withClientName(final String clientName)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, pingInterval, failover);
    }

    /** @return this config sending {@code token} in Hello. */
    public ClientConfig withToken(final String token)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, pingInterval, failover);
    }

    /** @return this config connecting over TLS with {@code tls} (see {@link ClientTls}); null for plain TCP. */
    public ClientConfig withTls(final SslContext tls)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, pingInterval, failover);
    }

    /**
     * @return this config with the other gateways of its cluster to fail over to, {@code host:port}
     *         each (see {@link #failover()}).
     */
    public ClientConfig withFailover(final List<String> endpoints)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, pingInterval, endpoints);
    }

    /** @return 1 + the failover endpoints. */
    public int endpointCount()
    {
        return 1 + failover.size();
    }

    /**
     * @param i 0 for {@code host:port}, 1 and up for the failover endpoints, in order (taken modulo
     *          {@link #endpointCount()}).
     * @return this config pointed at that endpoint.
     */
    public ClientConfig endpoint(final int i)
    {
        final int at = Math.floorMod(i, endpointCount());
        if (at == 0)
        {
            return this;
        }
        final String endpoint = failover.get(at - 1);
        final int colon = endpoint.lastIndexOf(':');
        return new ClientConfig(endpoint.substring(0, colon), parsePort(endpoint), producerId, epoch, clientName, token, maxInFlight,
            connectTimeout, reconnect, reconnectBackoff, tls, pingInterval, failover);
    }

    private static int parsePort(final String endpoint)
    {
        final int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
        try
        {
            final int port = colon <= 0 ? -1 : Integer.parseInt(endpoint.substring(colon + 1));
            if (port >= 1 && port <= 65535)
            {
                return port;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException("failover endpoint '" + endpoint + "' is not host:port with a port of 1 to 65535");
    }

    @Override
    public String toString()
    {
        // Never the token: configs end up in logs and exception messages.
        return "ClientConfig[" + host + ":" + port + ", producer " + producerId + "/" + epoch + ", " + clientName +
            (token.isEmpty() ? "" : ", token set") + (tls == null ? "" : ", TLS") +
            (failover.isEmpty() ? "" : ", failover " + failover) + "]";
    }

    /** @return this config with automatic reconnection on or off. */
    public ClientConfig withReconnect(final boolean reconnect, final Duration backoff)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect, backoff, tls, pingInterval, failover);
    }

    /** @return this config pinging after {@code interval} of silence ({@link Duration#ZERO}: never). */
    public ClientConfig withPingInterval(final Duration interval)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout, reconnect,
            reconnectBackoff, tls, interval, failover);
    }
}
