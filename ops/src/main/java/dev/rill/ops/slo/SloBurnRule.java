package dev.rill.ops.slo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.rill.ops.alert.AlertRule;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * The burn-rate alert of one objective: {@code slo-latency}, {@code slo-freshness},
 * {@code slo-correctness} or {@code slo-availability} by the objective's kind, with the objective's
 * name as subject (two latency objectives are two alerts). Raised while any of its burn alerts
 * fires in the {@link SloEvaluator}'s latest report, at the most urgent firing severity; the
 * evaluator must have seen the tick first (see {@link SloAlerting}, which runs both in order).
 * No hold time: the short window already asks for the burning to go on.
 */
public final class SloBurnRule implements AlertRule
{
    private final SloEvaluator evaluator;
    private final int index;
    private final Objective objective;

    /** @param index the objective's position in the evaluator's configuration. */
    public SloBurnRule(final SloEvaluator evaluator, final int index)
    {
        this.evaluator = evaluator;
        this.index = index;
        this.objective = evaluator.config().objectives().get(index);
    }

    /** @return one rule per configured objective. */
    public static List<AlertRule> all(final SloEvaluator evaluator)
    {
        final List<AlertRule> rules = new ArrayList<>();
        for (int i = 0; i < evaluator.config().objectives().size(); i++)
        {
            rules.add(new SloBurnRule(evaluator, i));
        }
        return rules;
    }

    @Override
    public String name()
    {
        return objective.kind().alertName();
    }

    @Override
    public void evaluate(final TelemetryTick tick, final Findings findings)
    {
        final SloReport report = evaluator.report();
        final SloReport.ObjectiveStatus s = report.objectives().get(index);
        if (!s.alerting())
        {
            return;
        }
        // Name the most urgent firing pair (the first of it in configuration order) in the summary.
        BurnAlert worst = null;
        for (final BurnAlert b : evaluator.config().burnAlerts())
        {
            if (s.firing().contains(b.label()) && (worst == null || b.severity().above(worst.severity())))
            {
                worst = b;
            }
        }
        final List<String> windows = report.windows();
        final double longBurn = s.windows().get(windows.indexOf(SloConfig.format(worst.longWindow()))).burnRate();
        final double shortBurn = s.windows().get(windows.indexOf(SloConfig.format(worst.shortWindow()))).burnRate();
        final Map<String, Object> values = new LinkedHashMap<>();
        values.put("objective", s.name());
        values.put("targetPercent", s.targetPercent());
        values.put("currentPercent", s.currentPercent());
        values.put("errorBudgetLeftPercent", s.errorBudgetLeftPercent());
        for (final SloReport.WindowStatus w : s.windows())
        {
            values.put("burnRate" + w.window(), w.burnRate());
        }
        values.put("firing", String.join(",", s.firing()));
        findings.raise(s.name(), s.severity(), String.format(Locale.ROOT,
            "%s: the error budget burns %.1fx over %s and %.1fx over %s (alert above %sx); %.1f%% of the %s budget left",
            s.name(), longBurn, SloConfig.format(worst.longWindow()), shortBurn, SloConfig.format(worst.shortWindow()),
            trim(worst.burnRate()), s.errorBudgetLeftPercent(), report.budgetPeriod()),
            "Objective: " + s.objective() + ". At this rate the budget of the period runs out early; `rill slo` shows " +
            "every window.", values);
    }

    private static String trim(final double rate)
    {
        return rate == Math.rint(rate) ? Long.toString((long)rate) : Double.toString(rate);
    }
}
