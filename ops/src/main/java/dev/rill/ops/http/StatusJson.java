package dev.rill.ops.http;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.ModelStatus;
import dev.rill.ops.admin.ReadOnlyRoute;
import dev.rill.ops.telemetry.ServerTelemetry;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code GET /status.json}: what the status page shows, in one document it polls each second:
 * the last telemetry interval's rates and ingest → publish percentiles, the last 10 minutes of
 * them ({@link StatusHistory}), totals since start, ring, connections, disk, the models
 * ({@code rill model status}'s document) and {@code /health}'s verdicts.
 *
 * <p>Thread-safe (readings are serialised); allocates the document per request.
 */
public final class StatusJson implements ReadOnlyRoute.Page
{
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RillServer server;
    private final ServerTelemetry.Sources sources;
    private final StatusHistory history;
    private final HealthPage health;
    private final TelemetryTick gauges = new TelemetryTick();
    private final Map<String, ?> pages;

    /**
     * The page's document.
     *
     * @param time           when it was made, epoch milliseconds.
     * @param gateway        the gateway's address, host:port.
     * @param intervalMillis the telemetry interval (one history point each).
     * @param now            the last interval's rates and latencies, and gauges read now.
     * @param totals         counts since start.
     * @param subscribers    subscriptions and their lag.
     * @param producers      producer counts.
     * @param disk           the data directory's free space.
     * @param history        the last 10 minutes, one point per interval.
     * @param model          the models, as {@code rill model status --json} prints them.
     * @param health         {@code /health}'s verdicts.
     * @param pages          the read-only pages this server serves (the page asks {@code /slo}, {@code /hotkeys},
     *                       {@code /alerts} only when listed: any other path is the token-checked admin API).
     */
    public record Document(
        long time, String gateway, long intervalMillis, Now now, Totals totals, Subscribers subscribers, Producers producers,
        Disk disk, StatusHistory.Series history, ModelStatus model, HealthPage.Health health, List<String> pages)
    {
    }

    /**
     * The last interval (null fields before the first), and gauges read now.
     *
     * @param acceptedPerSecond  events accepted per second.
     * @param publishedPerSecond events published per second.
     * @param refusedPerSecond   frames refused per second.
     * @param p50Micros          ingest → publish median, µs (-1: nothing published).
     * @param p99Micros          99th percentile, µs.
     * @param p999Micros         99.9th percentile, µs.
     * @param maxMicros          largest, µs.
     * @param ringDepth          events in the ring now.
     * @param ringCapacity       ring slots.
     * @param pausedConnections  producing connections not being read now.
     */
    public record Now(
        Double acceptedPerSecond, Double publishedPerSecond, Double refusedPerSecond, Long p50Micros, Long p99Micros,
        Long p999Micros, Long maxMicros, long ringDepth, long ringCapacity, int pausedConnections)
    {
    }

    /** Counts since start (see {@link ServerTelemetry.Totals}); {@code refused} sums every code. */
    public record Totals(long accepted, long published, long duplicates, long fenced, long fallbacks, long refused)
    {
    }

    /**
     * @param count  subscriptions open.
     * @param maxLag Results the furthest-behind subscriber has not read; null until the server measures it.
     */
    public record Subscribers(int count, Long maxLag)
    {
    }

    /**
     * @param connected open connections of named producers.
     * @param known     producers the journal knows.
     */
    public record Producers(int connected, int known)
    {
    }

    /**
     * @param usableBytes  usable bytes of the data directory's file system (-1: not monitored).
     * @param reserveBytes journal.diskReserve (0: off).
     * @param belowReserve whether new events are refused or paused for lack of space.
     */
    public record Disk(long usableBytes, long reserveBytes, boolean belowReserve)
    {
    }

    /**
     * @param pages the listener's read-only pages; read on each request, so complete it before the listener starts
     *              and do not change it afterwards.
     */
    public StatusJson(
        final RillServer server, final ServerTelemetry.Sources sources, final StatusHistory history, final HealthPage health,
        final Map<String, ?> pages)
    {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.server = Objects.requireNonNull(server, "server");
        this.sources = Objects.requireNonNull(sources, "sources");
        this.history = Objects.requireNonNull(history, "history");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public ReadOnlyRoute.Answer get(final String query) throws IOException
    {
        return new ReadOnlyRoute.Answer(200, "application/json; charset=utf-8", JSON.writeValueAsBytes(document()));
    }

    /** @return the document, read now. */
    public Document document()
    {
        final ServerTelemetry.Totals totals = new ServerTelemetry.Totals();
        sources.totals(totals);
        long refused = 0;
        for (final long r : totals.refusedByCode)
        {
            refused += r;
        }
        final StatusHistory.Point last = history.latest();
        final Now now;
        final Disk disk;
        final int subscribers;
        final long maxLag;
        synchronized (gauges)
        {
            sources.gauges(gauges);
            now = new Now(
                last == null ? null : last.acceptedPerSecond(), last == null ? null : last.publishedPerSecond(),
                last == null ? null : last.refusedPerSecond(), last == null ? null : last.p50Micros(),
                last == null ? null : last.p99Micros(), last == null ? null : last.p999Micros(),
                last == null ? null : last.maxMicros(), gauges.ringDepth(), gauges.ringCapacity(), gauges.pausedConnections());
            disk = new Disk(gauges.diskUsableBytes(), gauges.diskReserveBytes(), gauges.belowDiskReserve());
            subscribers = gauges.subscribers();
            maxLag = gauges.maxSubscriberLag();
        }
        final String gateway = server.address() == null ? null :
            server.address().getHostString() + ":" + server.address().getPort();
        return new Document(System.currentTimeMillis(), gateway, server.telemetry().interval().toMillis(), now,
            new Totals(totals.accepted, totals.published, totals.duplicates, totals.fenced, totals.fallbacks, refused),
            new Subscribers(subscribers, maxLag),
            new Producers(server.gateway().producerConnections(), server.knownProducers()),
            disk, history.copy(), server.models().status(), health.check(), new TreeSet<>(pages.keySet()).stream().toList());
    }
}
