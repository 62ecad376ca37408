package dev.rill.ops.slo;

import java.util.List;

import dev.rill.ops.alert.Severity;

/**
 * The SLOs as {@code GET /slo} answers them and {@code rill slo} prints them: immutable, built by
 * {@link SloEvaluator} after each tick, serialised by Jackson as is. Shape:
 *
 * <pre>{@code
 * {"time":"2026-11-26T10:15:00Z",            // end of the last interval evaluated; null before the first
 *  "since":"2026-11-26T08:00:00Z",           // start of the first: windows hold nothing older (null before)
 *  "budgetPeriod":"30d",
 *  "windows":["5m","30m","1h","6h","3d"],     // the burn-rate windows, shortest first
 *  "burnAlerts":[{"long":"1h","short":"5m","burnRate":14.4,"severity":"page"}, ...],
 *  "objectives":[
 *    {"name":"latency-5ms","kind":"latency","objective":"ingest -> publish within 5ms for 99% of events",
 *     "threshold":"5ms",                      // latency and freshness; null otherwise
 *     "targetPercent":99.0,
 *     "currentPercent":99.87,                 // good / total over the budget period; null when total is 0
 *     "good":998700,"total":1000000,"unit":"events",   // availability: "ms"
 *     "errorBudgetLeftPercent":87.0,          // 100 untouched, 0 spent, negative overspent
 *     "windows":[{"window":"5m","good":..,"total":..,"errorRatio":0.0002,"burnRate":0.02}, ...],
 *     "alerting":false,"severity":null,"firing":[]}    // firing: labels of the burn alerts firing, e.g. "1h/5m"
 *  ]}
 * }</pre>
 *
 * @param time         end of the last interval evaluated (ISO-8601 UTC), or null before the first.
 * @param since        start of the first interval evaluated, or null before the first.
 * @param budgetPeriod the budget period, e.g. "30d".
 * @param windows      the burn-rate windows, shortest first.
 * @param burnAlerts   the burn-rate alerts applied to every objective.
 * @param objectives   one entry per objective, in configuration order.
 */
public record SloReport(
    String time, String since, String budgetPeriod, List<String> windows, List<BurnAlertView> burnAlerts,
    List<ObjectiveStatus> objectives)
{
    /**
     * One burn-rate alert.
     *
     * @param longWindow  e.g. "1h" (JSON {@code long}).
     * @param shortWindow e.g. "5m" (JSON {@code short}).
     * @param burnRate    the rate both windows must exceed.
     * @param severity    page, ticket or info.
     */
    public record BurnAlertView(
        @com.fasterxml.jackson.annotation.JsonProperty("long") String longWindow,
        @com.fasterxml.jackson.annotation.JsonProperty("short") String shortWindow,
        double burnRate, Severity severity)
    {
    }

    /**
     * One objective's state.
     *
     * @param name                   its name.
     * @param kind                   what it measures.
     * @param objective              the promise in words.
     * @param threshold              latency and freshness threshold ("5ms"), else null.
     * @param targetPercent          the target, percent.
     * @param currentPercent         good / total over the budget period, percent; null without units.
     * @param good                   good units over the budget period.
     * @param total                  units over the budget period.
     * @param unit                   "events", or "ms" for availability.
     * @param errorBudgetLeftPercent 100 × (1 - error ratio / (1 - target)) over the budget period.
     * @param windows                each burn-rate window, shortest first.
     * @param alerting               whether any burn alert's two windows both exceed its rate.
     * @param severity               the most urgent firing burn alert's severity, or null.
     * @param firing                 the firing burn alerts' labels ("1h/5m").
     */
    public record ObjectiveStatus(
        String name, ObjectiveKind kind, String objective, String threshold, double targetPercent, Double currentPercent,
        long good, long total, String unit, double errorBudgetLeftPercent, List<WindowStatus> windows, boolean alerting,
        Severity severity, List<String> firing)
    {
    }

    /**
     * One window of one objective.
     *
     * @param window     its length, e.g. "5m".
     * @param good       good units in it.
     * @param total      units in it.
     * @param errorRatio (total - good) / total; 0 without units.
     * @param burnRate   errorRatio / (1 - target): 1 spends the budget exactly over the budget period.
     */
    public record WindowStatus(String window, long good, long total, double errorRatio, double burnRate)
    {
    }
}
