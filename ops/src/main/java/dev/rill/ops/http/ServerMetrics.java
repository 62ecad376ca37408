package dev.rill.ops.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.rill.ml.BatchStats;
import dev.rill.ml.FallbackReason;
import dev.rill.ml.ScoringStage;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.ModelStatus;
import dev.rill.ops.model.ModelManager;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import org.HdrHistogram.Histogram;

/**
 * The server's metrics beyond the pipeline's ({@link PipelineMetrics}): models (which versions
 * serve in which role, fallbacks by reason, micro-batch sizes and run times, shadow agreement,
 * drift), journals (size on disk, how far "out" is behind "in"), checkpoints, producers and the
 * admin channel. Everything is read when Prometheus scrapes.
 *
 * <p>The model figures come from one {@link ModelManager#status()} per scrape, the document
 * {@code rill model status} prints; the manager serialises it with deploys, so a scrape that
 * arrives during a deploy's gate check waits for it to end.
 *
 * <p>Threads: scraping threads only. Allocates each scrape's snapshots.
 */
public final class ServerMetrics
{
    private ServerMetrics()
    {
    }

    /** Registers the server's metrics (call once, after the server opened its parts). */
    public static void register(final PrometheusRegistry registry, final RillServer server)
    {
        Objects.requireNonNull(server, "server");
        registry.register(new ModelCollector(server.models(), server.scoring(), server.config().pipeline().maxBatch()));

        final JournalLag lag = new JournalLag(server.in(), server.out());
        GaugeWithCallback.builder()
            .name("rill_journal_size_bytes").unit(Unit.BYTES)
            .help("Bytes of a journal's files on disk (Chronicle pre-allocates each cycle file)")
            .labelNames("journal")
            .callback(cb ->
            {
                cb.call(JournalLag.sizeOnDisk(server.in()), RillServer.IN);
                cb.call(JournalLag.sizeOnDisk(server.out()), RillServer.OUT);
            })
            .register(registry);
        PipelineMetrics.gauge(registry, "rill_journal_lag_records", null, "Records of journal in after the last one " +
            "with a Result in out: journaled, not yet published (counted up to " + JournalLag.MAX_COUNTED + ")",
            lag::unpublishedRecords);

        counter(registry, "rill_checkpoints_written", "Checkpoints written since start", () -> server.checkpoints().written());
        counter(registry, "rill_checkpoint_failures", "Checkpoint writes that failed since start (see the server log)",
            () -> server.checkpoints().failures());
        PipelineMetrics.gauge(registry, "rill_producers_connected", null, "Open connections of producers that named " +
            "themselves (producer id other than 0)", () -> server.gateway().producerConnections());
        PipelineMetrics.gauge(registry, "rill_producers_known", null, "Producers the journal knows (deduplication and " +
            "fencing table, restored from checkpoints)", server::knownProducers);
        PipelineMetrics.gauge(registry, "rill_pipeline_failed", null, "1 once the pipeline has stopped on an error " +
            "(see /health and the server log)", () -> server.pipeline().failure() == null ? 0 : 1);
        counter(registry, "rill_admin_unauthorized", "Admin requests refused for a missing or wrong token since start",
            () -> server.admin() == null ? 0 : server.admin().unauthorizedCount());
        // Security (gateway.tls, gateway.auth): refusals by code are in rill_frames_refused_total.
        counter(registry, "rill_gateway_tls_handshake_failures", "TLS handshakes of the gateway that failed since start " +
            "(plaintext clients, untrusted or missing client certificates)", () -> server.gateway().tlsHandshakeFailures());
        counter(registry, "rill_tokens_reloads", "Times the changed tokens file (gateway.auth.tokensFile) was loaded since start",
            () -> server.tokens() == null ? 0 : server.tokens().reloads());
        counter(registry, "rill_tokens_reload_failures", "Times a changed tokens file was refused and the previous one kept " +
            "(see the server log)", () -> server.tokens() == null ? 0 : server.tokens().reloadFailures());
        CounterWithCallback.builder()
            .name("rill_principal_refusals")
            .help("Frames refused with NOT_AUTHORIZED since start, by the principal of the connection (gateway.auth)")
            .labelNames("principal")
            .callback(cb -> server.gateway().refusedByPrincipal().forEach((name, n) -> cb.call(n, name)))
            .register(registry);
        registerDeadLetters(registry, server);
        // Limits (gateway.maxInFlight): a connection at its window is not read until Acks catch up.
        counter(registry, "rill_gateway_inflight_pauses", "Times a connection stopped being read at its in-flight window " +
            "(gateway.maxInFlight) since start", () -> server.gateway().inFlightPauses());
        PipelineMetrics.gauge(registry, "rill_gateway_inflight_paused_connections", null, "Connections not read right now " +
            "because they are at their in-flight window (gateway.maxInFlight)", () -> server.gateway().inFlightPausedConnections());
    }

    /** Dead letters (issue 7): written to the dead-letter journal, and not kept, by reason. */
    private static void registerDeadLetters(final PrometheusRegistry registry, final RillServer server)
    {
        counter(registry, "rill_dead_letters_written", "Refused frames written to the dead-letter journal since start " +
            "(<dataDir>/deadletter; rill journal dump --dead-letter)", () -> server.deadLetters() == null ? 0 : server.deadLetters().written());
        CounterWithCallback.builder()
            .name("rill_dead_letters_dropped")
            .help("Refused frames not kept in the dead-letter journal since start, by reason: buffer_full (the writer " +
                "fell behind), disk_full (the disk is below its reserve), append_failed (the journal threw; see the log)")
            .labelNames("reason")
            .callback(cb ->
            {
                final dev.rill.bus.DeadLetterBuffer buffer = server.deadLetterBuffer();
                cb.call(buffer == null ? 0 : buffer.droppedBufferFull(), "buffer_full");
                cb.call(buffer == null ? 0 : buffer.droppedDiskFull(), "disk_full");
                cb.call(server.deadLetters() == null ? 0 : server.deadLetters().failed(), "append_failed");
            })
            .register(registry);
    }

    private static void counter(
        final PrometheusRegistry registry, final String name, final String help, final java.util.function.LongSupplier value)
    {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
    }

    /** Model figures from one status document per scrape, and the stage's batch histograms. */
    private static final class ModelCollector implements MultiCollector
    {
        private static final double[] BATCH_RUN_BUCKETS = {
            0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1};

        private final ModelManager models;
        private final ScoringStage stage;
        private final FixedBuckets runBuckets = new FixedBuckets(BATCH_RUN_BUCKETS, 1e9);
        private final FixedBuckets sizeBuckets;

        ModelCollector(final ModelManager models, final ScoringStage stage, final int maxBatch)
        {
            this.models = Objects.requireNonNull(models, "models");
            this.stage = Objects.requireNonNull(stage, "stage");
            this.sizeBuckets = batchSizeBuckets(maxBatch);
        }

        @Override
        public MetricSnapshots collect()
        {
            final ModelStatus status = models.status();
            final List<MetricSnapshot> out = new ArrayList<>();

            final InfoSnapshot.Builder info = InfoSnapshot.builder().name("rill_model")
                .help("The model versions serving, by role: active scores and is published, fallback scores what the active " +
                    "cannot, shadow scores beside it unpublished");
            final ModelStatus.ActiveModel active = status.active();
            final String primary = stage.primaryModel(); // the same test as /health's readiness
            final boolean loaded = primary == null || !primary.endsWith("(not loaded)");
            info.dataPoint(infoPoint(loaded ? "active" : "active_not_loaded", active.name(), active.version()));
            final String fallback = stage.fallbackModel();
            if (fallback != null && fallback.lastIndexOf('/') > 0)
            {
                final int slash = fallback.lastIndexOf('/');
                info.dataPoint(infoPoint("fallback", fallback.substring(0, slash), fallback.substring(slash + 1)));
            }
            if (status.shadow() != null)
            {
                info.dataPoint(infoPoint("shadow", status.shadow().name(), status.shadow().version()));
            }
            out.add(info.build());

            out.add(counter("rill_model_scored", "Events scored by the primary model since start", stage.scoredCount()));
            final CounterSnapshot.Builder fallbacks = CounterSnapshot.builder().name("rill_model_fallbacks")
                .help("Events given a fallback score since start, by reason (ops/runbooks/model-fallback.md)");
            for (final FallbackReason reason : FallbackReason.values())
            {
                fallbacks.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(Labels.of("reason", reason.name().toLowerCase(Locale.ROOT)))
                    .value(stage.fallbackCount(reason)).build());
            }
            out.add(fallbacks.build());
            out.add(counter("rill_model_runs_over_budget", "Model runs ended for going over model.batchBudgetMicros",
                stage.runsOverBudget()));

            final BatchStats.Snapshot batches = stage.batchStats().snapshot();
            out.add(histogram("rill_batch_size", null, "Events per model run (micro-batch) since start; at most " +
                "pipeline.maxBatch", sizeBuckets, batches.sizes()));
            out.add(histogram("rill_model_run_seconds", Unit.SECONDS, "Time of one model run (a micro-batch) since start",
                runBuckets, batches.runNanos()));
            out.add(gauge("rill_batch_size_bound", null, "Most events per model run (pipeline.maxBatch)", batches.maxBatch()));

            if (status.shadow() != null)
            {
                final ModelStatus.Shadow s = status.shadow();
                out.add(counter("rill_shadow_compared", "Events the shadow and the active model both scored, since the " +
                    "shadow started", s.compared()));
                out.add(counter("rill_shadow_skipped", "Events the shadow skipped because it lagged behind the pipeline",
                    s.skippedLagging()));
                out.add(CounterSnapshot.builder().name("rill_shadow_flips")
                    .help("Compared events on the other side of the active model's threshold by the shadow, by direction")
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("direction", "positive_to_negative")).value(s.flipsPositiveToNegative()).build())
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("direction", "negative_to_positive")).value(s.flipsNegativeToPositive()).build())
                    .build());
                out.add(gauge("rill_shadow_agreement_ratio", Unit.RATIO, "Share of compared events the shadow decides as " +
                    "the active model does (same side of the threshold)", s.agreement()));
                out.add(gauge("rill_shadow_score_delta_p99", null, "99th percentile of |shadow score - active score|",
                    s.p99AbsDelta()));
            }

            final GaugeSnapshot.Builder drift = GaugeSnapshot.builder().name("rill_model_drift_psi")
                .help("Population stability index of each input feature of the active model against its training data " +
                    "(below 0.1 stable, above 0.25 retrain; ops/runbooks/model-drift.md)");
            boolean anyDrift = false;
            for (final ModelStatus.FeatureDrift d : status.drift())
            {
                if (!Double.isNaN(d.psi()))
                {
                    drift.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("feature", d.feature()))
                        .value(d.psi()).build());
                    anyDrift = true;
                }
            }
            if (anyDrift)
            {
                out.add(drift.build());
            }
            if (status.scoreDriftPsi() != null)
            {
                out.add(gauge("rill_model_score_drift_psi", null, "Population stability index of the active model's scores " +
                    "against its training scores", status.scoreDriftPsi()));
            }
            return new MetricSnapshots(out);
        }

        @Override
        public List<String> getPrometheusNames()
        {
            return List.of("rill_model", "rill_model_scored", "rill_model_fallbacks", "rill_model_runs_over_budget",
                "rill_batch_size", "rill_model_run_seconds", "rill_batch_size_bound", "rill_shadow_compared",
                "rill_shadow_skipped", "rill_shadow_flips", "rill_shadow_agreement_ratio", "rill_shadow_score_delta_p99",
                "rill_model_drift_psi", "rill_model_score_drift_psi");
        }

        private static InfoSnapshot.InfoDataPointSnapshot infoPoint(final String role, final String name, final Object version)
        {
            return InfoSnapshot.InfoDataPointSnapshot.builder()
                .labels(Labels.of("role", role, "name", name, "version", String.valueOf(version))).build();
        }

        private static CounterSnapshot counter(final String name, final String help, final double value)
        {
            return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).build()).build();
        }

        private static GaugeSnapshot gauge(final String name, final Unit unit, final String help, final double value)
        {
            final GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build());
            if (unit != null)
            {
                b.unit(unit);
            }
            return b.build();
        }

        private static HistogramSnapshot histogram(
            final String name, final Unit unit, final String help, final FixedBuckets buckets, final Histogram h)
        {
            final HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(buckets.of(h)).sum(buckets.sum(h)).build());
            if (unit != null)
            {
                b.unit(unit);
            }
            return b.build();
        }

        /** Powers of two up to the batch bound, and the bound itself. */
        private static FixedBuckets batchSizeBuckets(final int maxBatch)
        {
            final List<Double> bounds = new ArrayList<>();
            for (int b = 1; b < maxBatch; b *= 2)
            {
                bounds.add((double)b);
            }
            bounds.add((double)maxBatch);
            final double[] array = new double[bounds.size()];
            for (int i = 0; i < array.length; i++)
            {
                array[i] = bounds.get(i);
            }
            return new FixedBuckets(array, 1);
        }
    }
}
