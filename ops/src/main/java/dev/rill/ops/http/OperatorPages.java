package dev.rill.ops.http;

import java.util.Map;

import dev.rill.ops.RillServer;
import dev.rill.ops.admin.ReadOnlyRoute;
import dev.rill.ops.telemetry.ServerTelemetry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Puts the operator's read-only pages on the server's HTTP listener (no token; the admin
 * channel's address, 127.0.0.1:7390 by default):
 * <ul>
 *   <li>{@code /metrics}: Prometheus text ({@link PipelineMetrics}, {@link ServerMetrics});</li>
 *   <li>{@code /health}: liveness and readiness with reasons ({@link HealthPage});</li>
 *   <li>{@code /} and {@code /status.json}: the status page and its data ({@link StatusPage},
 *       {@link StatusJson}).</li>
 * </ul>
 * and the telemetry listeners they read: the 10-minute history, the last minute's latencies and
 * the model-bypass watch. Called once while the server starts, before its telemetry thread does.
 */
public final class OperatorPages
{
    private OperatorPages()
    {
    }

    /**
     * @param pages   the listener's read-only pages; these are added.
     * @param server  the server, its parts open and its telemetry made.
     * @param sources the counts and gauges its telemetry reads.
     */
    public static void addTo(
        final Map<String, ReadOnlyRoute.Page> pages, final RillServer server, final ServerTelemetry.Sources sources)
    {
        final ServerTelemetry telemetry = server.telemetry();
        final StatusHistory history = new StatusHistory();
        final LatencyWindow window = new LatencyWindow();
        final HealthPage health = new HealthPage(server, history);
        telemetry.addListener(history).addListener(window).addListener(health);

        final PrometheusRegistry registry = new PrometheusRegistry();
        PipelineMetrics.register(registry, telemetry, sources, window);
        ServerMetrics.register(registry, server);

        pages.put("/metrics", new MetricsPage(registry));
        pages.put("/health", health);
        pages.put("/status.json", new StatusJson(server, sources, history, health, pages));
        pages.put("/", StatusPage.load());
    }
}
