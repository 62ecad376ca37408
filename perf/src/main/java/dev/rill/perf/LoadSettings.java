package dev.rill.perf;

import java.nio.file.Path;

import dev.rill.gateway.tls.TlsProvider;

/**
 * What one load run does.
 *
 * @param host           server address.
 * @param port           server port.
 * @param mode           {@link Mode#RATE} (open loop at {@code rate}) or {@link Mode#SATURATE} (window always full).
 * @param rate           events/s offered in rate mode; ignored in saturate mode.
 * @param warmupSeconds  seconds sent before measuring (same load, not recorded).
 * @param seconds        seconds measured after the warm-up.
 * @param window         most events sent and not yet acknowledged (the client's in-flight window).
 * @param label          name of the run in reports.
 * @param producerId     producer id in Hello.
 * @param parkOnly       pace by parking only, never yielding (sends in small bursts; less CPU).
 * @param reply          {@link Reply#NONE}: plain events, latency to the Ack; otherwise every event asks for a
 *                       Reply (REPLY or REPLY_ONLY) and latency is measured to its Reply.
 * @param tls            connect over TLS trusting this PEM certificate file (e.g. {@code rill certs dev}'s
 *                       cert.pem), or null for plain TCP.
 * @param tlsProvider    the client's TLS implementation (JDK or OPENSSL); null: JDK.
 * @param token          Hello token (servers with {@code gateway.auth}), or null.
 */
public record LoadSettings(
    String host, int port, Mode mode, int rate, double warmupSeconds, double seconds, int window, String label, long producerId,
    boolean parkOnly, Reply reply, Path tls, TlsProvider tlsProvider, String token)
{
    /** Whether events ask for a Reply (docs/protocol.md §7.7). */
    public enum Reply
    {
        /** Plain events: latency is send to Ack. */
        NONE,
        /** Option REPLY: latency is send to Reply; Results are streamed too. */
        REPLY,
        /** Option REPLY_ONLY: latency is send to Reply; Results are not streamed. */
        REPLY_ONLY
    }

    /** Plain TCP, no token, no Reply. */
    public LoadSettings(
        final String host, final int port, final Mode mode, final int rate, final double warmupSeconds, final double seconds,
        final int window, final String label, final long producerId, final boolean parkOnly)
    {
        this(host, port, mode, rate, warmupSeconds, seconds, window, label, producerId, parkOnly, Reply.NONE, null, null, null);
    }

    /** How events are offered. */
    public enum Mode
    {
        /** Open loop: event i is due at start + i / rate, whatever the acks do. */
        RATE,
        /** Closed loop: send whenever the window has room; measures acknowledged events/s. */
        SATURATE
    }

    public LoadSettings
    {
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("--port must be 1 to 65535, found " + port);
        }
        if (mode == Mode.RATE && (rate < 1 || rate > 10_000_000))
        {
            throw new IllegalArgumentException("--rate must be 1 to 10000000 events/s, found " + rate);
        }
        if (!(seconds > 0) || seconds > 3600 || !(warmupSeconds >= 0) || warmupSeconds > 3600)
        {
            throw new IllegalArgumentException("--seconds must be above 0 and --warmup-seconds 0 or more (each at most 3600)");
        }
        if (window < 1 || window > 1 << 20)
        {
            throw new IllegalArgumentException("--window must be 1 to 1048576, found " + window);
        }
        label = label == null ? mode.name().toLowerCase() : label;
        reply = reply == null ? Reply.NONE : reply;
        tlsProvider = tlsProvider == null ? TlsProvider.JDK : tlsProvider;
    }
}
