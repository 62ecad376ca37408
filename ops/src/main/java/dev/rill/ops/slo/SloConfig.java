package dev.rill.ops.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import dev.rill.bus.ConfigException;
import dev.rill.ops.alert.AlertsConfig;
import dev.rill.ops.alert.Severity;

/**
 * The {@code slo:} and {@code alerts:} keys of rill.yaml: what the bus promises, over which budget
 * period, when a burning budget pages or opens a ticket, and the other alert rules and sinks
 * ({@link AlertsConfig}). One record so that {@code RillConfig} carries one component for both.
 *
 * <p>Defaults ({@link #defaults()}): a 30d budget period; latency p99 within 5 ms
 * ({@code latency-5ms}: 99 % of events ingest to publish within 5 ms), freshness within 1 s for
 * 99.9 % ({@code freshness-1s}), correctness 99.9 % (all four causes count), availability 99.95 %;
 * the SRE Workbook's burn-rate pairs 1h/5m at 14.4 and 6h/30m at 6 (page), 3d/6h at 1 (ticket).
 *
 * @param budgetPeriod the period the error budget is spent over (burn rate 1 spends it exactly
 *                     then); at least the longest alert window, at most 400d.
 * @param objectives   the objectives, names unique; may be empty.
 * @param burnAlerts   the multi-window burn-rate alerts, applied to every objective; may be empty.
 * @param alerts       the alert rules' thresholds and the sinks.
 */
public record SloConfig(Duration budgetPeriod, List<Objective> objectives, List<BurnAlert> burnAlerts, AlertsConfig alerts)
{
    public static final Duration DEFAULT_BUDGET_PERIOD = Duration.ofDays(30);
    /** Most buckets the fine windows of one objective may need (memory: 16 bytes each). */
    static final long MAX_BUCKETS = 1_000_000;

    public SloConfig
    {
        if (budgetPeriod == null || budgetPeriod.toMillis() < 1 || budgetPeriod.compareTo(Duration.ofDays(400)) > 0)
        {
            throw ConfigException.invalid("slo.budgetPeriod", budgetPeriod == null ? null : format(budgetPeriod),
                "a duration up to 400d, e.g. 30d or 4w");
        }
        objectives = objectives == null ? defaultObjectives() : List.copyOf(objectives);
        burnAlerts = burnAlerts == null ? defaultBurnAlerts() : List.copyOf(burnAlerts);
        alerts = alerts == null ? AlertsConfig.defaults() : alerts;
        final Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < objectives.size(); i++)
        {
            final Integer before = names.putIfAbsent(objectives.get(i).name(), i);
            if (before != null)
            {
                throw ConfigException.invalid("slo.objectives[" + i + "].name", objectives.get(i).name(),
                    "a name of its own: objectives[" + before + "] is already called that (give one with name:)");
            }
        }
        for (final BurnAlert b : burnAlerts)
        {
            if (b.longWindow().compareTo(budgetPeriod) > 0)
            {
                throw ConfigException.invalid("slo.budgetPeriod", format(budgetPeriod), "at least the longest alert window, " +
                    format(b.longWindow()) + " (slo.burnAlerts " + b.label() + ")");
            }
        }
        if (!burnAlerts.isEmpty())
        {
            final List<Duration> w = windowsOf(burnAlerts);
            final long buckets = w.get(w.size() - 1).toMillis() / Math.max(1, bucketOf(w).toMillis());
            if (buckets > MAX_BUCKETS)
            {
                throw ConfigException.invalid("slo.burnAlerts", format(w.get(0)) + " .. " + format(w.get(w.size() - 1)),
                    "windows kept in buckets of a tenth of the shortest window, at most " + MAX_BUCKETS + " buckets in the " +
                    "longest (here " + buckets + "): lengthen the shortest window or shorten the longest");
            }
        }
    }

    /** @return every default, as the class comment lists them. */
    public static SloConfig defaults()
    {
        return new SloConfig(DEFAULT_BUDGET_PERIOD, null, null, null);
    }

    /** @return latency-5ms at 99, freshness-1s at 99.9, correctness at 99.9, availability at 99.95. */
    public static List<Objective> defaultObjectives()
    {
        return List.of(
            Objective.latency(Duration.ofMillis(5), 99.0),
            Objective.freshness(Duration.ofSeconds(1), 99.9),
            Objective.correctness(99.9, null),
            Objective.availability(99.95));
    }

    /** @return 1h/5m at 14.4 and 6h/30m at 6 paging, 3d/6h at 1 opening a ticket. */
    public static List<BurnAlert> defaultBurnAlerts()
    {
        return List.of(
            new BurnAlert(Duration.ofHours(1), Duration.ofMinutes(5), 14.4, Severity.PAGE),
            new BurnAlert(Duration.ofHours(6), Duration.ofMinutes(30), 6, Severity.PAGE),
            new BurnAlert(Duration.ofDays(3), Duration.ofHours(6), 1, Severity.TICKET));
    }

    public SloConfig withObjectives(final List<Objective> objectives)
    {
        return new SloConfig(budgetPeriod, objectives, burnAlerts, alerts);
    }

    public SloConfig withBurnAlerts(final Duration budgetPeriod, final List<BurnAlert> burnAlerts)
    {
        return new SloConfig(budgetPeriod, objectives, burnAlerts, alerts);
    }

    public SloConfig withAlerts(final AlertsConfig alerts)
    {
        return new SloConfig(budgetPeriod, objectives, burnAlerts, alerts);
    }

    /** @return every distinct window of the burn alerts, shortest first. */
    public List<Duration> windows()
    {
        return windowsOf(burnAlerts);
    }

    /** @return the bucket of the burn-rate windows: a tenth of the shortest window (at least 1 ms). */
    public Duration windowBucket()
    {
        return burnAlerts.isEmpty() ? budgetBucket() : bucketOf(windows());
    }

    /** @return the bucket of the budget period: 1/720 of it (1h for 30d), at least 1 ms. */
    public Duration budgetBucket()
    {
        return Duration.ofMillis(Math.max(1, budgetPeriod.toMillis() / 720));
    }

    private static List<Duration> windowsOf(final List<BurnAlert> alerts)
    {
        final TreeSet<Duration> set = new TreeSet<>();
        for (final BurnAlert b : alerts)
        {
            set.add(b.longWindow());
            set.add(b.shortWindow());
        }
        return new ArrayList<>(set);
    }

    private static Duration bucketOf(final List<Duration> windows)
    {
        return Duration.ofMillis(Math.max(1, windows.get(0).toMillis() / 10));
    }

    /** @return a duration as configured: "5ms", "500us", "1s", "30d". */
    public static String format(final Duration d)
    {
        final long nanos = d.toNanos();
        if (nanos % 1_000_000 != 0)
        {
            return nanos % 1000 == 0 ? nanos / 1000 + "us" : nanos + "ns";
        }
        return dev.rill.bus.TimeSpan.format(d);
    }

    /**
     * Parses a threshold: a {@link dev.rill.bus.TimeSpan} or microseconds ({@code 500us}).
     *
     * @throws ConfigException naming {@code key}.
     */
    public static Duration parseThreshold(final String key, final String text)
    {
        final String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("us") || t.endsWith("µs"))
        {
            final String digits = t.substring(0, t.length() - 2).strip();
            if (digits.matches("[0-9]{1,12}"))
            {
                return Duration.ofNanos(Long.parseLong(digits) * 1000);
            }
            throw ConfigException.invalid(key, text, "a duration: a whole number and a unit us, ms, s or m (e.g. 500us, 5ms)");
        }
        return dev.rill.bus.TimeSpan.parse(key, text);
    }

    /** @return a percentage without needless digits: "99%", "99.95%". */
    static String percent(final double p)
    {
        String s = String.format(Locale.ROOT, "%.4f", p);
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }
}
