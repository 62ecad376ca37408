package dev.rill.ops.alert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.rill.bus.ConfigException;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code model-fallback}: over the last {@code window}, more than {@code ratio} of the published
 * events were scored by the fallback (the fallback model or the default score) rather than the
 * active model. Needs at least {@code minEvents} published events in the window, so that one
 * fallback among three events at night does not fire. Keeps a {@link RollingCounts} of
 * (published, fallbacks) in buckets of a tenth of the window.
 */
public final class ModelFallbackRule implements AlertRule
{
    /** The alert's name and runbook. */
    public static final String NAME = "model-fallback";

    /**
     * {@code alerts.modelFallback}.
     *
     * @param enabled   whether the rule runs.
     * @param severity  how urgent (default ticket; the correctness SLO pages when the budget burns).
     * @param holdFor   how long it must hold (default 0).
     * @param ratio     the largest share of fallbacks allowed, 0 to 1 (default 0.01).
     * @param window    over how long (default 5m).
     * @param minEvents fewest published events in the window for the rule to judge (default 1000).
     */
    public record Config(boolean enabled, Severity severity, Duration holdFor, double ratio, Duration window, long minEvents)
    {
        public Config
        {
            if (!(ratio >= 0 && ratio < 1))
            {
                throw ConfigException.invalid("alerts.modelFallback.ratio", ratio, "a share from 0 to below 1, e.g. 0.01 for 1 %");
            }
            if (window == null || window.toMillis() < 10)
            {
                throw ConfigException.invalid("alerts.modelFallback.window", window, "a duration of at least 10ms, e.g. 5m");
            }
            if (minEvents < 1)
            {
                throw ConfigException.invalid("alerts.modelFallback.minEvents", minEvents, "at least 1");
            }
        }

        public static Config defaults()
        {
            return new Config(true, Severity.TICKET, Duration.ZERO, 0.01, Duration.ofMinutes(5), 1000);
        }
    }

    private final Config config;
    private final RollingCounts counts;

    public ModelFallbackRule(final Config config)
    {
        this.config = config;
        this.counts = new RollingCounts(config.window().dividedBy(10), config.window());
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
        final long published = tick.published();
        counts.add(tick.endMillis(), Math.max(0, published - tick.fallbacks()), published);
        final long total = counts.total(0);
        final double ratio = counts.errorRatio(0);
        if (total < config.minEvents() || ratio <= config.ratio())
        {
            return;
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        values.put("fallbackRatio", ratio);
        values.put("limit", config.ratio());
        values.put("fallbacks", total - counts.good(0));
        values.put("published", total);
        findings.raise("", config.severity(), String.format(Locale.ROOT,
            "%.2f%% of the events published in the last %s were scored by fallback (limit %.2f%%)", 100 * ratio,
            dev.rill.bus.TimeSpan.format(config.window()), 100 * config.ratio()),
            "The active model cannot score these events (load failure, inference error, non-finite score, over the batch budget); " +
            "`rill model status` counts them by reason.", values);
    }
}
