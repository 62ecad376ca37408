package dev.rill.ops.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.bus.ByteSize;
import dev.rill.ml.FallbackReason;
import dev.rill.ml.ScoringStage;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.ReadOnlyRoute;
import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code GET /health}: whether the bus is alive and whether it is ready for traffic, each with the
 * reasons it is not, in words that say what to do.
 *
 * <pre>{"live":{"ok":true,"reasons":[]},"ready":{"ok":false,"reasons":["..."]}}</pre>
 *
 * <ul>
 *   <li><b>live</b> (restart it if not): the pipeline has not stopped on an error, and the telemetry
 *       thread closed an interval within the last {@value #STALE_TICKS} intervals.</li>
 *   <li><b>ready</b> (send it events): the gateway is listening, the events recovery found without
 *       a Result at start are published, the data directory is above its free-space reserve, and a
 *       model is loaded and not bypassed (in the last interval some event was scored by it, or none
 *       fell back).</li>
 * </ul>
 * {@code ?probe=live} or {@code ?probe=ready} answers 200 when that probe is ok and 503 when not
 * (for a load balancer or an orchestrator); without a probe it answers 200 with both.
 *
 * <p>Threads: {@link #check()} and {@link #get} on the HTTP threads; {@link #onTick} on the
 * telemetry thread (it notes whether the model was bypassed). Allocates the answer.
 */
public final class HealthPage implements ReadOnlyRoute.Page, TelemetryListener
{
    /** Telemetry intervals without a tick after which the server is not live. */
    public static final int STALE_TICKS = 5;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RillServer server;
    private final StatusHistory history;
    private final long staleNanos;
    private long scoredBefore = -1;
    private long[] fallbacksBefore;
    private volatile String bypassed;

    /**
     * One probe's verdict.
     *
     * @param ok      true when nothing is wrong.
     * @param reasons what is wrong and what to do, one sentence each; empty when ok.
     */
    public record Probe(boolean ok, List<String> reasons)
    {
        public Probe
        {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * Both probes.
     *
     * @param live  whether the process works (restart it if not).
     * @param ready whether it should be sent events.
     */
    public record Health(Probe live, Probe ready)
    {
    }

    /**
     * @param history the status history, a listener of the server's telemetry (its last tick time).
     */
    public HealthPage(final RillServer server, final StatusHistory history)
    {
        this.server = Objects.requireNonNull(server, "server");
        this.history = Objects.requireNonNull(history, "history");
        this.staleNanos = server.telemetry().interval().toNanos() * STALE_TICKS;
    }

    @Override
    public void onTick(final TelemetryTick tick)
    {
        final ScoringStage stage = server.scoring();
        final long scored = stage.scoredCount();
        final long[] fallbacks = new long[FallbackReason.values().length];
        for (final FallbackReason r : FallbackReason.values())
        {
            fallbacks[r.ordinal()] = stage.fallbackCount(r);
        }
        if (scoredBefore >= 0)
        {
            final long fellBack = sum(fallbacks) - sum(fallbacksBefore);
            if (fellBack > 0 && scored == scoredBefore)
            {
                final StringBuilder why = new StringBuilder();
                for (final FallbackReason r : FallbackReason.values())
                {
                    final long n = fallbacks[r.ordinal()] - fallbacksBefore[r.ordinal()];
                    if (n > 0)
                    {
                        why.append(why.length() == 0 ? "" : ", ").append(r.name().toLowerCase(Locale.ROOT)).append(' ').append(n);
                    }
                }
                bypassed = "model " + stage.primaryModel() + " scored nothing in the last interval: all " + fellBack +
                    " events got a fallback score (" + why + "); see `rill model status` and ops/runbooks/model-fallback.md, " +
                    "and `rill model rollback` if a deploy caused it";
            }
            else
            {
                bypassed = null;
            }
        }
        scoredBefore = scored;
        fallbacksBefore = fallbacks;
    }

    /** @return the verdicts now. */
    public Health check()
    {
        final List<String> live = new ArrayList<>();
        final Throwable failure = server.pipeline().failure();
        if (failure != null)
        {
            live.add("the pipeline stopped on an error (" + failure.getClass().getSimpleName() +
                (failure.getMessage() == null ? "" : ": " + failure.getMessage().lines().findFirst().orElse("")) +
                "): nothing is journaled or published any more; restart the server (it recovers by itself, see " +
                "ops/runbooks/crash-recovery.md) and look for the stack trace in the server log");
        }
        final long sinceTick = history.nanosSinceLastTick();
        if (sinceTick > staleNanos)
        {
            live.add("the telemetry thread (rill-telemetry) has not closed an interval for " +
                TimeUnit.NANOSECONDS.toSeconds(sinceTick) + " s (every " + server.telemetry().interval().toMillis() +
                " ms expected): metrics, SLOs and alerts are stale; take a thread dump (jcmd PID Thread.print) and restart " +
                "the server");
        }

        final List<String> ready = new ArrayList<>();
        if (!server.listening())
        {
            ready.add("the gateway is not listening (the server is starting or shutting down): wait for it, or read the " +
                "server log");
        }
        final long recovered = server.recoveredEvents();
        final long published = server.publish().published();
        if (published < recovered)
        {
            ready.add("recovery is still publishing the events that had no Result at start (" + published + " of " +
                recovered + " done): wait");
        }
        if (server.diskMonitor().belowReserve())
        {
            ready.add("free space of " + server.config().journal().dataDir() + " is " +
                ByteSize.format(server.diskMonitor().usableBytes()) + ", below journal.diskReserve " +
                ByteSize.format(server.diskMonitor().reserveBytes()) + ": new events are " +
                (server.config().journal().onDiskFull() == dev.rill.bus.DiskFullAction.REFUSE ? "refused with DISK_FULL" :
                    "paused") + "; free space on that file system (ops/runbooks/disk-full.md)");
        }
        final String primary = server.scoring().primaryModel();
        if (primary != null && primary.endsWith("(not loaded)"))
        {
            ready.add("model " + primary + ": " + (server.models().loadFailure() == null ? "" : server.models().loadFailure() +
                "; ") + "every event gets a fallback score; deploy a usable version (`rill model deploy NAME:VERSION`, " +
                "ops/runbooks/model-fallback.md)");
        }
        final String bypass = bypassed;
        if (bypass != null)
        {
            ready.add(bypass);
        }
        return new Health(new Probe(live.isEmpty(), live), new Probe(ready.isEmpty(), ready));
    }

    @Override
    public ReadOnlyRoute.Answer get(final String query) throws IOException
    {
        final String probe = probe(query);
        if (probe != null && !"live".equals(probe) && !"ready".equals(probe))
        {
            final ReadOnlyRoute.Answer text = ReadOnlyRoute.Answer.ok("text/plain; charset=utf-8", "400 unknown probe '" +
                probe + "': ask /health?probe=live or /health?probe=ready (200 ok, 503 not), or /health for both\n");
            return new ReadOnlyRoute.Answer(400, text.contentType(), text.body());
        }
        final Health health = check();
        final byte[] body = JSON.writeValueAsBytes(health);
        final boolean ok = probe == null || ("live".equals(probe) ? health.live().ok() : health.ready().ok());
        return new ReadOnlyRoute.Answer(ok ? 200 : 503, "application/json; charset=utf-8", body);
    }

    /** @return the probe asked for, null for none. */
    private static String probe(final String query)
    {
        if (query == null || query.isEmpty())
        {
            return null;
        }
        for (final String part : query.split("&"))
        {
            if (part.startsWith("probe="))
            {
                return part.substring("probe=".length());
            }
        }
        return null;
    }

    private static long sum(final long[] values)
    {
        long s = 0;
        for (final long v : values)
        {
            s += v;
        }
        return s;
    }
}
