package dev.rill.ops.alert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.rill.bus.ConfigException;
import dev.rill.ml.drift.DriftLevel;
import dev.rill.ml.drift.DriftReport;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code model-drift}: the active model's inputs or scores have moved away from its training data.
 * Fires when the highest population stability index of the drift report (any feature or the
 * score) is above {@code psi} (default 0.25, the start of the "significant" band of
 * {@link DriftLevel}) once at least {@code minObserved} events were observed, for {@code holdFor}.
 * The subject is the model ({@code fraud/2}): a deploy resolves the old version's alert, and the
 * worst feature may change while the alert fires without a new notification.
 *
 * <p>The report comes from a supplier (the model manager's drift watch of the active model) read
 * once per tick on the telemetry thread; it must not block. A null report (no model loaded) is no
 * finding.
 */
public final class ModelDriftRule implements AlertRule
{
    /** The alert's name and runbook. */
    public static final String NAME = "model-drift";

    /**
     * {@code alerts.modelDrift}.
     *
     * @param enabled     whether the rule runs.
     * @param severity    how urgent (default ticket).
     * @param holdFor     how long the drift must stay above the limit (default 15m).
     * @param psi         the highest PSI allowed (default 0.25).
     * @param minObserved fewest events observed before drift is judged (default 1000).
     */
    public record Config(boolean enabled, Severity severity, Duration holdFor, double psi, long minObserved)
    {
        public Config
        {
            if (!(psi > 0) || Double.isInfinite(psi))
            {
                throw ConfigException.invalid("alerts.modelDrift.psi", psi, "a PSI above 0: 0.1 starts 'moderate', above 0.25 is 'significant'");
            }
            if (minObserved < 1)
            {
                throw ConfigException.invalid("alerts.modelDrift.minObserved", minObserved, "at least 1");
            }
        }

        public static Config defaults()
        {
            return new Config(true, Severity.TICKET, Duration.ofMinutes(15), DriftLevel.SIGNIFICANT_ABOVE, 1000);
        }
    }

    private final Config config;
    private final Supplier<DriftReport> drift;

    public ModelDriftRule(final Config config, final Supplier<DriftReport> drift)
    {
        this.config = config;
        this.drift = drift;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public Duration holdFor()
    {
        return config.holdFor();
    }

    @Override
    public void evaluate(final TelemetryTick tick, final Findings findings)
    {
        final DriftReport report = drift.get();
        if (report == null || report.observed() < config.minObserved())
        {
            return;
        }
        final DriftReport.Entry worst = report.worst();
        if (Double.isNaN(worst.psi()) || worst.psi() <= config.psi())
        {
            return;
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        values.put("model", report.model());
        values.put("feature", worst.name());
        values.put("psi", worst.psi());
        values.put("limit", config.psi());
        values.put("observed", report.observed());
        findings.raise(report.model(), config.severity(), String.format(Locale.ROOT,
            "model %s: %s has drifted, PSI %.3f (%s) against its training data (limit %.3f) over %,d events",
            report.model(), worst.name(), worst.psi(), worst.level(), config.psi(), report.observed()),
            "The events no longer look like those the model learnt from; its precision and recall may have fallen. " +
            "`rill model status` shows every feature's PSI.", values);
    }
}
