package dev.rill.ops.alert;

import java.time.Duration;
import java.util.Map;

import dev.rill.bus.ConfigException;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code subscriber-lag}: the furthest-behind subscription has more than {@code records} Results
 * of journal "out" it has not read ({@link TelemetryTick#maxSubscriberLag()}), for
 * {@code holdFor} on end. A subscriber catching up from an old position lags for a while by
 * design: the hold time keeps that quiet unless it does not catch up.
 */
public final class SubscriberLagRule implements AlertRule
{
    /** The alert's name and runbook. */
    public static final String NAME = "subscriber-lag";

    /**
     * {@code alerts.subscriberLag}.
     *
     * @param enabled  whether the rule runs.
     * @param severity how urgent (default ticket).
     * @param holdFor  how long the lag must stay above the limit (default 5m).
     * @param records  the most unread Results allowed (default 1,000,000).
     */
    public record Config(boolean enabled, Severity severity, Duration holdFor, long records)
    {
        public Config
        {
            if (records < 1)
            {
                throw ConfigException.invalid("alerts.subscriberLag.records", records, "a whole number of records, at least 1");
            }
        }

        public static Config defaults()
        {
            return new Config(true, Severity.TICKET, Duration.ofMinutes(5), 1_000_000);
        }
    }

    private final Config config;

    public SubscriberLagRule(final Config config)
    {
        this.config = config;
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
        final long lag = tick.maxSubscriberLag();
        if (lag <= config.records())
        {
            return;
        }
        findings.raise("", config.severity(), String.format(java.util.Locale.ROOT,
            "a subscriber is %,d Results behind the end of journal out (limit %,d)", lag, config.records()),
            "The subscriber reads slower than the bus publishes, or stopped reading; the bus is not slowed by it, but its " +
            "consumers see old decisions, and a named subscriber that does not commit holds journal files from retention.",
            Map.of("maxSubscriberLag", lag, "limit", config.records(), "subscribers", tick.subscribers()));
    }
}
