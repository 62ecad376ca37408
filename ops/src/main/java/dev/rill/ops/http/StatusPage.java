package dev.rill.ops.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import dev.rill.ops.admin.ReadOnlyRoute;

/**
 * {@code GET /}: the status page, one self-contained HTML file (inline CSS, vanilla JavaScript,
 * inline SVG plots; nothing from another host) that polls {@code /status.json} each second and
 * {@code /slo}, {@code /hotkeys} and {@code /alerts} beside it, rendering what each answers and a
 * plain "not available" where one answers 404.
 *
 * <p>The page's elements carry stable ids for tests and scripts: {@code #throughput} (events/s
 * published in the last interval), {@code #p50}, {@code #p99}, {@code #p999}, {@code #latency-plot}
 * (whose paths {@code #plot-p50}, {@code #plot-p99}, {@code #plot-p999} carry the number of points
 * drawn in {@code data-points}), {@code #throughput-plot}, {@code #ring-depth}, {@code #subscribers},
 * {@code #subscriber-lag}, {@code #model-active}, {@code #model-shadow}, {@code #shadow-agreement},
 * {@code #fallbacks}, {@code #slo}, {@code #hotkeys}, {@code #alerts}, {@code #health-live},
 * {@code #health-ready}, {@code #updated}.
 *
 * <p>The HTML is read once from the class path; serving it allocates nothing. Thread-safe.
 */
public final class StatusPage implements ReadOnlyRoute.Page
{
    private static final String RESOURCE = "status.html";

    private final byte[] html;

    private StatusPage(final byte[] html)
    {
        this.html = html;
    }

    /** @return the page, read from the class path. */
    public static StatusPage load()
    {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("the status page " + RESOURCE + " is missing from the class path next to " +
                    StatusPage.class.getName() + "; rebuild rill");
            }
            return new StatusPage(in.readAllBytes());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the status page " + RESOURCE, e);
        }
    }

    @Override
    public ReadOnlyRoute.Answer get(final String query)
    {
        return new ReadOnlyRoute.Answer(200, "text/html; charset=utf-8", html);
    }
}
