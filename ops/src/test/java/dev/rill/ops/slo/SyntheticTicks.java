package dev.rill.ops.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.rill.ops.alert.AlertEvaluator;
import dev.rill.ops.alert.Notification;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * Test helper: feeds an {@link SloAlerting}-like pair (SLO evaluator, then alert rules) synthetic
 * telemetry intervals of a fixed length on a synthetic clock, so days of traffic take
 * milliseconds. Every interval publishes {@code events} events of which {@code bad} were scored by
 * fallback (counted by a correctness objective that counts fallbacks).
 */
final class SyntheticTicks
{
    static final long START = 1_800_000_000_000L; // 2027-01-15, any fixed epoch ms will do

    final SloEvaluator slo;
    final AlertEvaluator alerts;
    final List<Notification> sent = new ArrayList<>();
    private final TelemetryTick tick = new TelemetryTick();
    private final long stepMillis;
    long now = START;

    SyntheticTicks(final SloConfig config, final Duration step)
    {
        this.slo = new SloEvaluator(config);
        this.alerts = new AlertEvaluator(SloAlerting.rules(slo, null), config.alerts().repeatInterval(), 1000, sent::add);
        this.stepMillis = step.toMillis();
        tick.gatewayListening(true);
    }

    /** Runs intervals for {@code length} with {@code bad} fallbacks in every {@code events} published events. */
    SyntheticTicks run(final Duration length, final long events, final long bad)
    {
        final long end = now + length.toMillis();
        while (now < end)
        {
            tick.clearCounts().interval(now, now + stepMillis).published(events).accepted(events).fallbacks(bad);
            now += stepMillis;
            slo.onTick(tick);
            alerts.onTick(tick);
        }
        return this;
    }

    SloReport.ObjectiveStatus objective(final String name)
    {
        return slo.report().objectives().stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    double burnRate(final String name, final String window)
    {
        return objective(name).windows().stream().filter(w -> w.window().equals(window)).findFirst().orElseThrow().burnRate();
    }

    List<Notification> sent(final String alert)
    {
        return sent.stream().filter(n -> n.alert().equals(alert)).toList();
    }
}
