package dev.rill.ops.http;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.ops.telemetry.ServerTelemetry;
import dev.rill.ops.telemetry.TelemetryTick;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import org.HdrHistogram.Histogram;

/**
 * The pipeline's metrics on {@code /metrics}: latencies, event counts, refusals by code, ring,
 * connections and disk, all read when Prometheus scrapes (callbacks and a collector over the
 * telemetry hub), so the live path does nothing it did not do before. Used by the server
 * ({@link OperatorPages}) and by the benchmark that measures what metrics cost.
 *
 * <h2>Latency: histograms and summaries</h2>
 * Each latency is exposed twice, because each form answers a question the other cannot:
 * <ul>
 *   <li>{@code rill_latency_seconds{stage}} and {@code rill_freshness_seconds} are <b>histograms
 *       with fixed buckets</b> (10 µs to 60 s), counted from the HdrHistograms the telemetry hub
 *       keeps since start ({@link ServerTelemetry#sinceStart}). Cumulative buckets are what
 *       Prometheus can rate, aggregate across servers and turn into SLO ratios
 *       ({@code rate(rill_latency_seconds_bucket{stage="published",le="0.001"}[5m])});
 *       {@code histogram_quantile} over them is only as precise as the bucket edges.</li>
 *   <li>{@code rill_latency_recent_seconds{stage}} and {@code rill_freshness_recent_seconds} are
 *       <b>summaries</b> whose quantiles (0.5, 0.9, 0.99, 0.999) are read from the HdrHistograms of
 *       the last minute ({@link LatencyWindow}), to 1 %: the p99.9 an operator looks at, which no
 *       bucket layout gives. Their {@code _count} and {@code _sum} are since start, as Prometheus
 *       expects of a summary. Quantiles of different servers cannot be averaged: use the
 *       histograms for that.</li>
 * </ul>
 * {@code stage} is {@code journal}, {@code scored} or {@code published}: from the gateway's ingest
 * stamp to the end of that stage. Freshness runs from the producer's event time to publish.
 * {@code _sum} is estimated from the histogram (HdrHistogram keeps no exact sum).
 *
 * <p>Threads: every method of the registered metrics runs on a scraping thread; readings are
 * serialised here. The latency snapshots are made once per telemetry interval (the histograms
 * change no more often) and reused by every scrape within it; the counts and gauges are read at
 * each scrape. Allocates a scrape's snapshots, nothing on any other thread.
 */
public final class PipelineMetrics
{
    /** Upper bounds of the latency buckets, seconds: 10 µs to 60 s. */
    static final double[] LATENCY_BUCKETS = {
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1, 2.5, 5, 10, 30, 60};
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    /** Codes only the rill command uses (exit statuses): shown once counted, not as a row of zeros. */
    private static final Set<ErrorCode> COMMAND_ONLY = EnumSet.of(
        ErrorCode.CONFIG_INVALID, ErrorCode.JOURNAL_UNREADABLE, ErrorCode.MODEL_INVALID, ErrorCode.JOURNAL_CORRUPT, ErrorCode.USAGE);

    private PipelineMetrics()
    {
    }

    /**
     * Registers the pipeline's metrics.
     *
     * @param telemetry the hub: its histograms since start and its tick count.
     * @param sources   the counts and gauges the hub reads (read again at each scrape, not its last tick).
     * @param window    the last minute's latencies; must be a listener of {@code telemetry}.
     */
    public static void register(
        final PrometheusRegistry registry, final ServerTelemetry telemetry, final ServerTelemetry.Sources sources,
        final LatencyWindow window)
    {
        Objects.requireNonNull(sources, "sources");
        registry.register(new LatencyCollector(telemetry, window));
        final Readings readings = new Readings(sources);

        counter(registry, "rill_events_accepted", "Events the gateway accepted into the ring since start",
            () -> readings.totals().accepted);
        counter(registry, "rill_events_published", "Results appended to journal out since start (one per accepted, " +
            "non-duplicate event; recovered events included)", () -> readings.totals().published);
        counter(registry, "rill_events_duplicate", "Resends of an already journaled (producer, seq): acknowledged, " +
            "not journaled again", () -> readings.totals().duplicates);
        counter(registry, "rill_events_fenced", "Events and Hellos refused because a newer session of their producer " +
            "fenced them", () -> readings.totals().fenced);
        counter(registry, "rill_events_fallback", "Events scored by the fallback (fallback model or default score) " +
            "instead of the primary model", () -> readings.totals().fallbacks);
        counter(registry, "rill_events_late", "Events accepted with the flag LATE: event time older than the topic's " +
            "allowed lateness (gateway.lateness, action flag); refused ones are rill_frames_refused{code=\"29\"}",
            () -> readings.totals().late);
        counter(registry, "rill_events_out_of_order", "Events accepted with the flag OUT_OF_ORDER: event time earlier " +
            "than an event their connection sent before on the topic (never reordered)", () -> readings.totals().outOfOrder);
        counter(registry, "rill_replies_sent", "Reply frames sent to producers that asked for them (request-reply)",
            () -> readings.totals().replies);
        CounterWithCallback.builder()
            .name("rill_frames_refused")
            .help("Frames refused with a Nack or an Error since start, by error code (docs/protocol.md); every protocol " +
                "code is listed, at 0 until it is used")
            .labelNames("code", "name")
            .callback(cb ->
            {
                final ServerTelemetry.Totals t = readings.totals();
                for (final ErrorCode code : ErrorCode.values())
                {
                    final long refused = t.refusedByCode[code.ordinal()];
                    if (refused > 0 || !COMMAND_ONLY.contains(code))
                    {
                        cb.call(refused, Integer.toString(code.code()), code.name());
                    }
                }
            })
            .register(registry);
        CounterWithCallback.builder()
            .name("rill_telemetry_ticks")
            .help("Intervals the telemetry thread has closed since start (it should rise once a second)")
            .callback(cb -> cb.call(telemetry.ticks()))
            .register(registry);

        gauge(registry, "rill_ring_depth", null, "Events in the ring not yet published", () -> readings.gauges().ringDepth());
        gauge(registry, "rill_ring_capacity", null, "Slots of the ring (pipeline.ringSize)",
            () -> readings.gauges().ringCapacity());
        gauge(registry, "rill_gateway_listening", null, "1 while the gateway is bound and taking connections",
            () -> readings.gauges().gatewayListening() ? 1 : 0);
        gauge(registry, "rill_subscribers", null, "Subscriptions open", () -> readings.gauges().subscribers());
        gauge(registry, "rill_connections_paused", null, "Producing connections not being read (ring full, disk, quota)",
            () -> readings.gauges().pausedConnections());
        gauge(registry, "rill_subscriber_lag_max_records", null, "Results the furthest-behind subscriber has not read yet",
            () -> readings.gauges().maxSubscriberLag());
        gauge(registry, "rill_disk_usable_bytes", Unit.BYTES, "Usable bytes of the data directory's file system " +
            "(-1 when not monitored)", () -> readings.gauges().diskUsableBytes());
        gauge(registry, "rill_disk_reserve_bytes", Unit.BYTES, "Free space kept for what was already accepted " +
            "(journal.diskReserve; 0: off)", () -> readings.gauges().diskReserveBytes());
        gauge(registry, "rill_disk_below_reserve", null, "1 while new events are refused or paused for lack of disk space",
            () -> readings.gauges().belowDiskReserve() ? 1 : 0);
    }

    private static void counter(
        final PrometheusRegistry registry, final String name, final String help, final java.util.function.LongSupplier value)
    {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    static void gauge(
        final PrometheusRegistry registry, final String name, final Unit unit, final String help,
        final java.util.function.DoubleSupplier value)
    {
        final GaugeWithCallback.Builder builder = GaugeWithCallback.builder().name(name).help(help)
            .callback(cb -> cb.call(value.getAsDouble()));
        if (unit != null)
        {
            builder.unit(unit);
        }
        builder.register(registry);
    }

    /** The telemetry sources read at scrape time; one reused tick for the gauges, so readers are serialised. */
    private static final class Readings
    {
        private final ServerTelemetry.Sources sources;
        private final TelemetryTick gauges = new TelemetryTick();

        Readings(final ServerTelemetry.Sources sources)
        {
            this.sources = sources;
        }

        ServerTelemetry.Totals totals()
        {
            final ServerTelemetry.Totals t = new ServerTelemetry.Totals();
            sources.totals(t);
            return t;
        }

        /** @return the tick with its gauges just read; only its gauge accessors are meaningful. */
        synchronized TelemetryTick gauges()
        {
            sources.gauges(gauges);
            return gauges;
        }
    }

    /** Histograms since start and summaries over the last minute, from the telemetry hub's HdrHistograms. */
    private static final class LatencyCollector implements MultiCollector
    {
        private static final String LATENCY = "rill_latency_seconds";
        private static final String FRESHNESS = "rill_freshness_seconds";
        private static final String LATENCY_RECENT = "rill_latency_recent_seconds";
        private static final String FRESHNESS_RECENT = "rill_freshness_recent_seconds";

        private final ServerTelemetry telemetry;
        private final LatencyWindow window;
        private final FixedBuckets buckets = new FixedBuckets(LATENCY_BUCKETS, 1e9);
        private final PipelineLatencies.Interval sinceStart = PipelineLatencies.Interval.empty();
        private final Histogram recent = LatencyWindow.newHistogram();
        private long cachedAtTick = -1;
        private MetricSnapshots cached;

        LatencyCollector(final ServerTelemetry telemetry, final LatencyWindow window)
        {
            this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
            this.window = Objects.requireNonNull(window, "window");
        }

        @Override
        public synchronized MetricSnapshots collect()
        {
            // The histograms since start and the window change once per telemetry interval: scrapes within one
            // interval (Prometheus every 100 ms, several of them) get the snapshots made for it.
            final long tick = telemetry.ticks();
            if (tick != cachedAtTick)
            {
                cached = snapshots();
                cachedAtTick = tick;
            }
            return cached;
        }

        private MetricSnapshots snapshots()
        {
            telemetry.sinceStart(sinceStart);
            final HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name(LATENCY).unit(Unit.SECONDS)
                .help("Time from the gateway's ingest stamp to the end of a stage (journal: in appended; scored: model " +
                    "run; published: out appended), every event since start");
            final SummarySnapshot.Builder latencyRecent = SummarySnapshot.builder().name(LATENCY_RECENT).unit(Unit.SECONDS)
                .help("Quantiles of rill_latency_seconds over the last minute (to 1 %); count and sum since start");
            for (final LatencySpan span : List.of(LatencySpan.JOURNAL, LatencySpan.SCORED, LatencySpan.PUBLISHED))
            {
                final Labels labels = Labels.of("stage", span.label());
                final double sum = buckets.sum(span.of(sinceStart));
                latency.dataPoint(histogram(span, labels, sum));
                latencyRecent.dataPoint(summary(span, labels, sum));
            }
            final double freshnessSum = buckets.sum(LatencySpan.FRESHNESS.of(sinceStart));
            return MetricSnapshots.of(
                latency.build(),
                HistogramSnapshot.builder().name(FRESHNESS).unit(Unit.SECONDS)
                    .help("Time from the producer's event time to publish (includes the producer's clock offset), every " +
                        "event since start")
                    .dataPoint(histogram(LatencySpan.FRESHNESS, Labels.EMPTY, freshnessSum)).build(),
                latencyRecent.build(),
                SummarySnapshot.builder().name(FRESHNESS_RECENT).unit(Unit.SECONDS)
                    .help("Quantiles of rill_freshness_seconds over the last minute (to 1 %); count and sum since start")
                    .dataPoint(summary(LatencySpan.FRESHNESS, Labels.EMPTY, freshnessSum)).build());
        }

        @Override
        public List<String> getPrometheusNames()
        {
            return List.of(LATENCY, FRESHNESS, LATENCY_RECENT, FRESHNESS_RECENT);
        }

        private HistogramSnapshot.HistogramDataPointSnapshot histogram(final LatencySpan span, final Labels labels, final double sum)
        {
            return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .labels(labels)
                .classicHistogramBuckets(buckets.of(span.of(sinceStart)))
                .sum(sum)
                .build();
        }

        private SummarySnapshot.SummaryDataPointSnapshot summary(final LatencySpan span, final Labels labels, final double sum)
        {
            final Histogram total = span.of(sinceStart);
            window.merge(span, recent);
            final Quantiles.Builder quantiles = Quantiles.builder();
            for (final double q : QUANTILES)
            {
                quantiles.quantile(new Quantile(q, recent.getTotalCount() == 0 ? Double.NaN :
                    buckets.toUnit(recent.getValueAtPercentile(q * 100))));
            }
            return SummarySnapshot.SummaryDataPointSnapshot.builder()
                .labels(labels)
                .quantiles(quantiles.build())
                .count(total.getTotalCount())
                .sum(sum)
                .build();
        }
    }
}
