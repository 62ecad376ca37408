package dev.rill.gateway.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and as whom a client connects.
 *
 * @param host           server host.
 * @param port           server port.
 * @param producerId     the producer's identity (any number unique among producers; 0 for subscribers).
 * @param epoch          the producer's session generation (raise it on every restart of the producer).
 * @param clientName     free text shown in server logs.
 * @param token          authentication token (not checked by this server version).
 * @param maxInFlight    most events sent and not yet acknowledged; {@code send} waits beyond it.
 * @param connectTimeout how long to wait for the connection and Welcome.
 */
public record ClientConfig(
    String host, int port, long producerId, int epoch, String clientName, String token, int maxInFlight, Duration connectTimeout)
{
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
    }

    /** @return a config for host:port with producer id 0, epoch 0 and a window of 4096 events. */
    public static ClientConfig of(final String host, final int port)
    {
        return new ClientConfig(host, port, 0, 0, null, null, 4096, null);
    }

    public ClientConfig withProducer(final long producerId, final int epoch)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout);
    }

    public ClientConfig withMaxInFlight(final int maxInFlight)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout);
    }

    public ClientConfig withClientName(final String clientName)
    {
        return new ClientConfig(host, port, producerId, epoch, clientName, token, maxInFlight, connectTimeout);
    }
}
