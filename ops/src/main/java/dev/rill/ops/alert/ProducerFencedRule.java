package dev.rill.ops.alert;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code producer-fenced}: a fencing storm. More than {@code events} events and Hellos were refused
 * because a newer session of their producer fenced them (the journal's fenced events plus the
 * gateway's PRODUCER_FENCED refusals) over the last {@code window}: two instances share a producer
 * id and keep fencing each other, or an instance keeps restarting without a higher epoch.
 */
public final class ProducerFencedRule implements AlertRule
{
    /** The alert's name and runbook. */
    public static final String NAME = "producer-fenced";

    /**
     * {@code alerts.producerFenced}.
     *
     * @param enabled  whether the rule runs.
     * @param severity how urgent (default ticket).
     * @param holdFor  how long it must hold (default 0).
     * @param events   most fenced events and refusals allowed in the window (default 100).
     * @param window   over how long (default 5m).
     */
    public record Config(boolean enabled, Severity severity, Duration holdFor, long events, Duration window)
    {
        public Config
        {
            if (events < 0)
            {
                throw ConfigException.invalid("alerts.producerFenced.events", events, "0 or more");
            }
            if (window == null || window.toMillis() < 10)
            {
                throw ConfigException.invalid("alerts.producerFenced.window", window, "a duration of at least 10ms, e.g. 5m");
            }
        }

        public static Config defaults()
        {
            return new Config(true, Severity.TICKET, Duration.ZERO, 100, Duration.ofMinutes(5));
        }
    }

    private final Config config;
    private final RollingCounts counts;

    public ProducerFencedRule(final Config config)
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
        final long fenced = tick.fenced() + tick.refused(ErrorCode.PRODUCER_FENCED);
        counts.add(tick.endMillis(), 0, fenced);
        final long inWindow = counts.total(0);
        if (inWindow <= config.events())
        {
            return;
        }
        findings.raise("", config.severity(), String.format(Locale.ROOT,
            "%,d events and Hellos were refused as PRODUCER_FENCED in the last %s (limit %,d)", inWindow,
            dev.rill.bus.TimeSpan.format(config.window()), config.events()),
            "Two instances use one producer id and fence each other, or a producer restarts without a higher epoch; " +
            "the fenced instance's unacknowledged events are not journaled.",
            Map.of("fenced", inWindow, "limit", config.events()));
    }
}
