package dev.rill.ops.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;

import dev.rill.ops.admin.ReadOnlyRoute;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code GET /metrics}: every metric of a registry in the Prometheus text format (version 0.0.4),
 * written by the official client's {@link PrometheusTextFormatWriter}. Each request scrapes the
 * registry, so every value is read now.
 *
 * <p>Thread-safe (the registry and the writer are); allocates the scrape's snapshots and text.
 */
public final class MetricsPage implements ReadOnlyRoute.Page
{
    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsPage(final PrometheusRegistry registry)
    {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public ReadOnlyRoute.Answer get(final String query) throws IOException
    {
        return new ReadOnlyRoute.Answer(200, PrometheusTextFormatWriter.CONTENT_TYPE, scrape());
    }

    /** @return the registry's metrics as Prometheus text, read now. */
    public byte[] scrape() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toByteArray();
    }
}
