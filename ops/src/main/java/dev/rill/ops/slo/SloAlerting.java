package dev.rill.ops.slo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.ml.drift.DriftReport;
import dev.rill.ops.admin.ReadOnlyRoute;
import dev.rill.ops.alert.AlertDispatcher;
import dev.rill.ops.alert.AlertEvaluator;
import dev.rill.ops.alert.AlertRule;
import dev.rill.ops.alert.AlertsReport;
import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * A server's SLOs and alerts, wired: the {@link SloEvaluator}, the alert rules (one
 * {@link SloBurnRule} per objective, then the condition rules of {@code alerts:}), the
 * {@link AlertEvaluator} and the {@link AlertDispatcher} with its sinks. It is one telemetry
 * listener that runs the SLO evaluation and then the rules on each tick, so the burn rules always
 * see this tick's burn rates. It serves {@code /slo} ({@link SloReport}) and {@code /alerts}
 * ({@link AlertsReport}) as read-only pages.
 *
 * <p>Threads: {@link #onTick} on the telemetry thread; the pages on the HTTP listener's threads;
 * the sinks on {@code rill-alerts}. {@link #close()} lets the sinks finish what is queued (up to 10 s).
 */
public final class SloAlerting implements TelemetryListener, AutoCloseable
{
    /** Path of the SLO page. */
    public static final String SLO_PATH = "/slo";
    /** Path of the alerts page. */
    public static final String ALERTS_PATH = "/alerts";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SloEvaluator slo;
    private final AlertEvaluator alerts;
    private final AlertDispatcher dispatcher;

    private SloAlerting(final SloEvaluator slo, final AlertEvaluator alerts, final AlertDispatcher dispatcher)
    {
        this.slo = slo;
        this.alerts = alerts;
        this.dispatcher = dispatcher;
    }

    /**
     * Builds everything and starts the alerts thread.
     *
     * @param config the {@code slo:} and {@code alerts:} configuration.
     * @param drift  the active model's drift report, read once per tick (must not block); null values are fine.
     */
    public static SloAlerting start(final SloConfig config, final Supplier<DriftReport> drift)
    {
        return start(config, drift, List.of());
    }

    /**
     * As {@link #start(SloConfig, Supplier)}, with more rules after the default ones (the server
     * adds {@link dev.rill.ops.alert.HotKeyRule} when the heavy-hitters report is on).
     */
    public static SloAlerting start(final SloConfig config, final Supplier<DriftReport> drift, final List<AlertRule> more)
    {
        final SloEvaluator slo = new SloEvaluator(config);
        final AlertDispatcher dispatcher = new AlertDispatcher(config.alerts().sinkList(), config.alerts().queueCapacity()).start();
        final List<AlertRule> rules = rules(slo, drift);
        rules.addAll(more);
        final AlertEvaluator alerts = new AlertEvaluator(rules, config.alerts().repeatInterval(), config.alerts().keep(),
            dispatcher);
        return new SloAlerting(slo, alerts, dispatcher);
    }

    /**
     * @return every rule a server runs: the burn-rate rule of each objective, then the enabled
     *         condition rules. Add a new rule here (and its runbook).
     */
    public static List<AlertRule> rules(final SloEvaluator slo, final Supplier<DriftReport> drift)
    {
        final List<AlertRule> rules = new ArrayList<>(SloBurnRule.all(slo));
        rules.addAll(slo.config().alerts().conditionRules(drift == null ? () -> null : drift));
        return rules;
    }

    @Override
    public void onTick(final TelemetryTick tick)
    {
        slo.onTick(tick);
        alerts.onTick(tick);
    }

    /** @return {@code /slo} and {@code /alerts}, JSON, for the HTTP listener. */
    public Map<String, ReadOnlyRoute.Page> pages()
    {
        final Map<String, ReadOnlyRoute.Page> pages = new LinkedHashMap<>();
        pages.put(SLO_PATH, query -> json(slo.report()));
        pages.put(ALERTS_PATH, query -> json(AlertsReport.of(alerts, dispatcher)));
        return pages;
    }

    public SloEvaluator slo()
    {
        return slo;
    }

    public AlertEvaluator alerts()
    {
        return alerts;
    }

    public AlertDispatcher dispatcher()
    {
        return dispatcher;
    }

    @Override
    public void close()
    {
        dispatcher.close();
    }

    private static ReadOnlyRoute.Answer json(final Object document) throws IOException
    {
        return new ReadOnlyRoute.Answer(200, "application/json; charset=utf-8", JSON.writeValueAsBytes(document));
    }

    @Override
    public String toString()
    {
        return "SLOs and alerts";
    }
}
