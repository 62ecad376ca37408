package dev.rill.gateway;

import dev.rill.bus.ConfigException;

/**
 * Configuration of the TCP gateway ({@code gateway:} in rill.yaml).
 *
 * @param host            address to listen on; the default, 127.0.0.1, keeps an unauthenticated bus off the network.
 * @param port            TCP port; 0 picks a free one (tests).
 * @param ioThreads       Netty event-loop threads; 1 suits a 2-core machine.
 * @param maxFrameLength  largest message (after the 4-byte length) accepted; larger frames get FRAME_TOO_LARGE.
 * @param maxConnections  most connections open at once.
 * @param serverName      name sent in Welcome.
 * @param quota           per-producer quotas ({@code gateway.quota}); null for none.
 * @param lateness        event-time checks ({@code gateway.lateness}); null for none (out-of-order events are still flagged).
 * @param maxPendingReplies most Replies one connection may have outstanding (accepted, not yet sent);
 *                        a connection at the limit is not read until Replies go out. 0 for the default, 4096.
 * @param security        TLS, token authentication and ACLs ({@code gateway.tls}, {@code gateway.auth},
 *                        {@code gateway.allowInsecure}); null for none, which is refused on a non-loopback host.
 * @param limits          per-address connections, handshake and idle timeouts, in-flight window, subscriber lag;
 *                        null for {@link ConnectionLimits#defaults()}.
 * @param partitions      the partitions this node owns in a partitioned bus ({@code partitions:}); null for none:
 *                        every key is accepted and the event path checks nothing more.
 */
public record GatewayConfig(String host, int port, int ioThreads, int maxFrameLength, int maxConnections, String serverName,
    QuotaConfig quota, LatenessConfig lateness, int maxPendingReplies, GatewaySecurity security, ConnectionLimits limits,
    PartitionOwnership partitions)
{
    /** Default {@link #maxPendingReplies()}: the Java client's in-flight window. */
    public static final int DEFAULT_MAX_PENDING_REPLIES = 4096;

    public static final int DEFAULT_PORT = 7301;
    public static final int DEFAULT_MAX_FRAME_LENGTH = 4096;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    public GatewayConfig
    {
        if (host == null || host.isBlank())
        {
            throw ConfigException.invalid("gateway.host", host, "an IP address or host name to listen on");
        }
        if (port < 0 || port > 65535)
        {
            throw ConfigException.invalid("gateway.port", port, "0 to 65535 (0 picks a free port)");
        }
        if (ioThreads < 1 || ioThreads > 64)
        {
            throw ConfigException.invalid("gateway.ioThreads", ioThreads, "1 to 64");
        }
        if (maxFrameLength < 64 || maxFrameLength > 16 * 1024 * 1024)
        {
            throw ConfigException.invalid("gateway.maxFrameLength", maxFrameLength, "64 to 16777216 bytes");
        }
        if (maxConnections < 1 || maxConnections > 65536)
        {
            throw ConfigException.invalid("gateway.maxConnections", maxConnections, "1 to 65536");
        }
        if (serverName == null)
        {
            serverName = "rill";
        }
        if (quota == null)
        {
            quota = QuotaConfig.unlimited();
        }
        if (lateness == null)
        {
            lateness = LatenessConfig.off();
        }
        if (maxPendingReplies == 0)
        {
            maxPendingReplies = DEFAULT_MAX_PENDING_REPLIES;
        }
        if (maxPendingReplies < 1 || maxPendingReplies > 1 << 20)
        {
            throw ConfigException.invalid("gateway.maxPendingReplies", maxPendingReplies, "1 to 1048576 Replies per connection");
        }
        security = security == null ? GatewaySecurity.none() : security;
        if (!security.secure() && !security.allowInsecure() && !GatewaySecurity.loopback(host))
        {
            throw ConfigException.invalid("gateway.host", host, "a loopback address (127.0.0.1, ::1, localhost) unless " +
                "gateway.tls and gateway.auth are both on (TLS is " + (security.tls() == null ? "off" : "on") + ", authentication " +
                (security.auth().enabled() ? "on" : "off") + "): turn both on to listen beyond this machine, or set " +
                "gateway.allowInsecure: true for a trusted network");
        }
        if (limits == null)
        {
            limits = ConnectionLimits.defaults();
        }
    }

    /** A gateway that is not partitioned (owns every key). */
    public GatewayConfig(
        final String host, final int port, final int ioThreads, final int maxFrameLength, final int maxConnections, final String serverName,
        final QuotaConfig quota, final LatenessConfig lateness, final int maxPendingReplies, final GatewaySecurity security,
        final ConnectionLimits limits)
    {
        this(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, null);
    }

    /** A gateway with the given quotas, no lateness checks, no security settings and the default connection limits. */
    public GatewayConfig(
        final String host, final int port, final int ioThreads, final int maxFrameLength, final int maxConnections, final String serverName,
        final QuotaConfig quota)
    {
        this(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, null, 0, GatewaySecurity.none(), null);
    }

    /** A gateway without quotas. */
    public GatewayConfig(
        final String host, final int port, final int ioThreads, final int maxFrameLength, final int maxConnections, final String serverName)
    {
        this(host, port, ioThreads, maxFrameLength, maxConnections, serverName, QuotaConfig.unlimited());
    }

    /** @return the defaults: 127.0.0.1:7301, one I/O thread, 4 KiB frames, 1024 connections, no quotas, {@link ConnectionLimits#defaults()}. */
    public static GatewayConfig defaults()
    {
        return new GatewayConfig("127.0.0.1", DEFAULT_PORT, 1, DEFAULT_MAX_FRAME_LENGTH, DEFAULT_MAX_CONNECTIONS, "rill");
    }

    public GatewayConfig withPort(final int port)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withIoThreads(final int ioThreads)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withMaxConnections(final int maxConnections)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withMaxFrameLength(final int maxFrameLength)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    /** @return this configuration with TLS, authentication and the insecure-listen switch of {@code security}. */
    public GatewayConfig withSecurity(final GatewaySecurity security)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withQuota(final QuotaConfig quota)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withLateness(final LatenessConfig lateness)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withMaxPendingReplies(final int maxPendingReplies)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    /** @return this configuration owning {@code partitions} (null: not partitioned). */
    public GatewayConfig withPartitions(final PartitionOwnership partitions)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }

    public GatewayConfig withLimits(final ConnectionLimits limits)
    {
        return new GatewayConfig(host, port, ioThreads, maxFrameLength, maxConnections, serverName, quota, lateness, maxPendingReplies, security, limits, partitions);
    }
}
