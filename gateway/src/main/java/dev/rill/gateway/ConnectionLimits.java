package dev.rill.gateway;

import java.time.Duration;

import dev.rill.bus.ConfigException;

/**
 * The gateway's per-connection limits, beyond frame size and the total connection count
 * (keys directly under {@code gateway:} in rill.yaml). Immutable; read by the event loops.
 *
 * @param maxConnectionsPerAddress most connections open at once from one remote IP address; 0 for no limit.
 *                                 Past it a new connection gets Error {@code CONNECTION_LIMIT} and is closed.
 * @param handshakeTimeout         how long a new connection may take to send Hello; past it, Error
 *                                 {@code HANDSHAKE_TIMEOUT} and close. {@link Duration#ZERO} turns it off.
 * @param idleTimeout              how long a connection may send nothing (a Ping counts) while the server is
 *                                 reading it; past it, Error {@code IDLE_TIMEOUT} and close. Zero turns it off.
 * @param maxInFlight              most events one connection may have read and not yet acknowledged, counted in
 *                                 seqs (newest seq read minus the last seq acknowledged); at the window the
 *                                 connection stops being read until acknowledgements catch up. 0 for no window.
 * @param subscriberMaxLag         most records of journal "out" a subscription may be behind its end; past it
 *                                 Error {@code SUBSCRIBER_TOO_SLOW} and close. 0 for no limit.
 */
public record ConnectionLimits(
    int maxConnectionsPerAddress, Duration handshakeTimeout, Duration idleTimeout, int maxInFlight, long subscriberMaxLag)
{
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    public ConnectionLimits
    {
        if (maxConnectionsPerAddress < 0 || maxConnectionsPerAddress > 65536)
        {
            throw ConfigException.invalid("gateway.maxConnectionsPerAddress", maxConnectionsPerAddress, "0 (no limit) to 65536");
        }
        handshakeTimeout = checkTimeout("gateway.handshakeTimeout", handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout);
        idleTimeout = checkTimeout("gateway.idleTimeout", idleTimeout == null ? Duration.ZERO : idleTimeout);
        if (maxInFlight < 0)
        {
            throw ConfigException.invalid("gateway.maxInFlight", maxInFlight, "0 (no window) or a positive number of events");
        }
        if (subscriberMaxLag < 0)
        {
            throw ConfigException.invalid("gateway.subscriberMaxLag", subscriberMaxLag, "0 (no limit) or a positive number of records");
        }
    }

    /** @return the defaults: no per-address limit, Hello within 10 s, no idle timeout, no in-flight window, no lag limit. */
    public static ConnectionLimits defaults()
    {
        return new ConnectionLimits(0, DEFAULT_HANDSHAKE_TIMEOUT, Duration.ZERO, 0, 0);
    }

    public ConnectionLimits withMaxConnectionsPerAddress(final int max)
    {
        return new ConnectionLimits(max, handshakeTimeout, idleTimeout, maxInFlight, subscriberMaxLag);
    }

    public ConnectionLimits withHandshakeTimeout(final Duration timeout)
    {
        return new ConnectionLimits(maxConnectionsPerAddress, timeout, idleTimeout, maxInFlight, subscriberMaxLag);
    }

    public ConnectionLimits withIdleTimeout(final Duration timeout)
    {
        return new ConnectionLimits(maxConnectionsPerAddress, handshakeTimeout, timeout, maxInFlight, subscriberMaxLag);
    }

    public ConnectionLimits withMaxInFlight(final int max)
    {
        return new ConnectionLimits(maxConnectionsPerAddress, handshakeTimeout, idleTimeout, max, subscriberMaxLag);
    }

    public ConnectionLimits withSubscriberMaxLag(final long max)
    {
        return new ConnectionLimits(maxConnectionsPerAddress, handshakeTimeout, idleTimeout, maxInFlight, max);
    }

    private static Duration checkTimeout(final String key, final Duration timeout)
    {
        if (!timeout.isZero() && (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0))
        {
            throw ConfigException.invalid(key, timeout, "0 (off) or 10ms to 1d");
        }
        return timeout;
    }
}
