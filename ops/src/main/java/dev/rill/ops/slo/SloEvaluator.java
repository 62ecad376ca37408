package dev.rill.ops.slo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.rill.ops.alert.RollingCounts;
import dev.rill.ops.alert.Severity;
import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * Evaluates the configured objectives on every telemetry tick: adds each objective's good and
 * total units of the interval ({@link Indicators}) into rolling windows, and computes its current
 * value and error budget left over the budget period, and its burn rate over every burn-rate
 * window: burn rate = error ratio / (1 - target), so 1 spends the budget exactly over the budget
 * period and 14.4 spends 2 % of a 30d budget in an hour.
 *
 * <p>A burn alert ({@link BurnAlert}) is "firing" for an objective while the burn rates of both
 * its windows exceed its rate, once the evaluator has run for at least the alert's short window
 * (so the warm-up of a fresh start, a few slow seconds in otherwise empty windows, cannot page
 * before the short window has seen enough to judge; a real problem still pages after the short
 * window).
 *
 * <p>Time is the tick's ({@link TelemetryTick#endMillis()}), never the wall clock: tests feed
 * synthetic days in milliseconds. The windows live in memory and start empty at each server
 * start: the budget left is over the budget period or the time since start, whichever is shorter
 * ({@link SloReport#since()} says which).
 *
 * <p>Memory per objective: the burn windows in one {@link RollingCounts} of buckets a tenth of the
 * shortest window, as long as the longest (defaults: 30 s buckets over 3d, 8,640 buckets, 138 KiB),
 * and the budget period in 720 buckets (11.5 KiB); the four default objectives hold about 600 KiB.
 *
 * <p>Threading: {@link #onTick} on the telemetry thread only; {@link #report()} from any thread
 * (an immutable snapshot published after each tick). Allocates the snapshot once per tick.
 */
public final class SloEvaluator implements TelemetryListener
{
    private final SloConfig config;
    private final List<Duration> windows;
    private final List<String> windowLabels = new ArrayList<>();
    private final List<SloReport.BurnAlertView> burnViews = new ArrayList<>();
    private final int[] longIndex;
    private final int[] shortIndex;
    private final State[] states;
    private final long[] counts = new long[2];
    private long sinceMillis = -1;
    private long nowMillis = -1;
    private volatile SloReport report;

    /** One objective's windows and latest figures; telemetry thread. */
    private static final class State
    {
        final Objective objective;
        final RollingCounts windows;
        final RollingCounts budget;
        final double[] burn;
        final boolean[] firing;
        Severity severity;

        State(final Objective objective, final RollingCounts windows, final RollingCounts budget, final int windowCount, final int alerts)
        {
            this.objective = objective;
            this.windows = windows;
            this.budget = budget;
            this.burn = new double[windowCount];
            this.firing = new boolean[alerts];
        }
    }

    public SloEvaluator(final SloConfig config)
    {
        this.config = config;
        this.windows = config.windows();
        for (final Duration w : windows)
        {
            windowLabels.add(SloConfig.format(w));
        }
        final List<BurnAlert> alerts = config.burnAlerts();
        longIndex = new int[alerts.size()];
        shortIndex = new int[alerts.size()];
        for (int i = 0; i < alerts.size(); i++)
        {
            final BurnAlert b = alerts.get(i);
            longIndex[i] = windows.indexOf(b.longWindow());
            shortIndex[i] = windows.indexOf(b.shortWindow());
            burnViews.add(new SloReport.BurnAlertView(SloConfig.format(b.longWindow()), SloConfig.format(b.shortWindow()),
                b.burnRate(), b.severity()));
        }
        states = new State[config.objectives().size()];
        final Duration[] windowArray = windows.isEmpty() ? new Duration[] {config.budgetPeriod()} : windows.toArray(new Duration[0]);
        for (int i = 0; i < states.length; i++)
        {
            states[i] = new State(config.objectives().get(i), new RollingCounts(config.windowBucket(), windowArray),
                new RollingCounts(config.budgetBucket(), config.budgetPeriod()), windows.size(), alerts.size());
        }
        report = snapshot();
    }

    /** @return the configuration evaluated. */
    public SloConfig config()
    {
        return config;
    }

    @Override
    public void onTick(final TelemetryTick tick)
    {
        final long now = tick.endMillis();
        if (sinceMillis < 0)
        {
            sinceMillis = Math.min(tick.startMillis(), now);
        }
        nowMillis = Math.max(nowMillis, now);
        final long covered = nowMillis - sinceMillis;
        final List<BurnAlert> alerts = config.burnAlerts();
        for (final State s : states)
        {
            Indicators.measure(s.objective, tick, counts);
            s.windows.add(now, counts[0], counts[1]);
            s.budget.add(now, counts[0], counts[1]);
            final double allowed = s.objective.allowedErrorRatio();
            for (int w = 0; w < s.burn.length; w++)
            {
                s.burn[w] = s.windows.errorRatio(w) / allowed;
            }
            s.severity = null;
            for (int a = 0; a < alerts.size(); a++)
            {
                final BurnAlert b = alerts.get(a);
                s.firing[a] = covered >= b.shortWindow().toMillis() &&
                    s.burn[longIndex[a]] > b.burnRate() && s.burn[shortIndex[a]] > b.burnRate();
                if (s.firing[a] && (s.severity == null || b.severity().above(s.severity)))
                {
                    s.severity = b.severity();
                }
            }
        }
        report = snapshot();
    }

    /** @return the SLOs as of the last tick (before the first: everything empty). Any thread. */
    public SloReport report()
    {
        return report;
    }

    private SloReport snapshot()
    {
        final List<SloReport.ObjectiveStatus> list = new ArrayList<>(states.length);
        final List<BurnAlert> alerts = config.burnAlerts();
        for (final State s : states)
        {
            final Objective o = s.objective;
            final List<SloReport.WindowStatus> ws = new ArrayList<>(s.burn.length);
            for (int w = 0; w < s.burn.length; w++)
            {
                ws.add(new SloReport.WindowStatus(windowLabels.get(w), s.windows.good(w), s.windows.total(w), s.windows.errorRatio(w),
                    s.burn[w]));
            }
            final List<String> firing = new ArrayList<>();
            for (int a = 0; a < alerts.size(); a++)
            {
                if (s.firing[a])
                {
                    firing.add(alerts.get(a).label());
                }
            }
            final long good = s.budget.good(0);
            final long total = s.budget.total(0);
            final double budgetLeft = 100.0 * (1.0 - s.budget.errorRatio(0) / o.allowedErrorRatio());
            list.add(new SloReport.ObjectiveStatus(o.name(), o.kind(), o.describe(),
                o.threshold() == null ? null : SloConfig.format(o.threshold()), o.target(),
                total == 0 ? null : 100.0 * good / total, good, total, o.kind() == ObjectiveKind.AVAILABILITY ? "ms" : "events",
                budgetLeft, List.copyOf(ws), !firing.isEmpty(), s.severity, List.copyOf(firing)));
        }
        return new SloReport(nowMillis < 0 ? null : Instant.ofEpochMilli(nowMillis).toString(),
            sinceMillis < 0 ? null : Instant.ofEpochMilli(sinceMillis).toString(), SloConfig.format(config.budgetPeriod()),
            List.copyOf(windowLabels), List.copyOf(burnViews), List.copyOf(list));
    }
}
