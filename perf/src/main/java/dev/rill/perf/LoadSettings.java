package dev.rill.perf;

import java.nio.file.Path;

import dev.rill.gateway.tls.TlsProvider;

/**
 * What one load run does.
 *
 * @param host           server address.
 * @param port           server port.
 * @param mode           {@link Mode#RATE} (open loop at {@code rate}), {@link Mode#SATURATE} (window always full) or
 *                       {@link Mode#SEARCH} (open-loop steps at rising rates, see {@link SearchSettings}).
 * @param rate           events/s offered in rate mode, the first step's rate in search mode; ignored in saturate mode.
 * @param warmupSeconds  seconds sent before measuring (same load, not recorded).
 * @param seconds        seconds measured after the warm-up (search mode: see {@link SearchSettings#stepSeconds()}).
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
 * @param connections    producer connections, producer ids {@code producerId} to {@code producerId + connections - 1};
 *                       the rate is split evenly between them and {@code window} is per connection.
 * @param subscribe      also subscribe to the Results (one more connection) and measure producer to
 *                       subscriber latency; not with {@link Reply#REPLY_ONLY} (its Results are not streamed).
 * @param search         the saturation search of {@link Mode#SEARCH}; null: {@link SearchSettings#DEFAULTS}.
 */
public record LoadSettings(
    String host, int port, Mode mode, int rate, double warmupSeconds, double seconds, int window, String label, long producerId,
    boolean parkOnly, Reply reply, Path tls, TlsProvider tlsProvider, String token, int connections, boolean subscribe,
    SearchSettings search)
{
    /** The most producer connections of one run. */
    public static final int MAX_CONNECTIONS = 256;

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

    /** One connection, no subscriber, the default search. */
    public LoadSettings(
        final String host, final int port, final Mode mode, final int rate, final double warmupSeconds, final double seconds,
        final int window, final String label, final long producerId, final boolean parkOnly, final Reply reply, final Path tls,
        final TlsProvider tlsProvider, final String token)
    {
        this(host, port, mode, rate, warmupSeconds, seconds, window, label, producerId, parkOnly, reply, tls, tlsProvider, token, 1,
            false, null);
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
        SATURATE,
        /** Open-loop steps at rising rates: the highest rate that keeps the SLO ({@link SearchSettings}). */
        SEARCH
    }

    /** @return these settings with {@code n} producer connections. */
    public LoadSettings withConnections(final int n)
    {
        return new LoadSettings(host, port, mode, rate, warmupSeconds, seconds, window, label, producerId, parkOnly, reply, tls,
            tlsProvider, token, n, subscribe, search);
    }

    /** @return these settings with or without a subscriber measuring producer to subscriber latency. */
    public LoadSettings withSubscribe(final boolean on)
    {
        return new LoadSettings(host, port, mode, rate, warmupSeconds, seconds, window, label, producerId, parkOnly, reply, tls,
            tlsProvider, token, connections, on, search);
    }

    /** @return these settings with another saturation search. */
    public LoadSettings withSearch(final SearchSettings s)
    {
        return new LoadSettings(host, port, mode, rate, warmupSeconds, seconds, window, label, producerId, parkOnly, reply, tls,
            tlsProvider, token, connections, subscribe, s);
    }

    public LoadSettings
    {
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("--port must be 1 to 65535, found " + port);
        }
        if (mode != Mode.SATURATE && (rate < 1 || rate > 10_000_000))
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
        if (connections < 1 || connections > MAX_CONNECTIONS)
        {
            throw new IllegalArgumentException("--connections must be 1 to " + MAX_CONNECTIONS + ", found " + connections);
        }
        if (subscribe && reply == Reply.REPLY_ONLY)
        {
            throw new IllegalArgumentException("--subscribe needs streamed Results, but --reply reply-only journals them without " +
                "streaming: use --reply reply or none");
        }
        search = search == null ? SearchSettings.DEFAULTS : search;
        label = label == null ? mode.name().toLowerCase() : label;
        reply = reply == null ? Reply.NONE : reply;
        tlsProvider = tlsProvider == null ? TlsProvider.JDK : tlsProvider;
    }
}
