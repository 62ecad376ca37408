package dev.rill.ops.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.rill.bus.ConfigException;
import dev.rill.bus.TimeSpan;
import dev.rill.ops.alert.AlertsSection;
import dev.rill.ops.alert.Severity;

/**
 * The {@code slo:} key of rill.yaml as written (every key optional), read by Jackson as part of
 * {@code RillConfig}; {@link #toConfig(SloSection, AlertsSection)} fills the defaults, validates,
 * and joins it with the {@code alerts:} key. A given {@code objectives} or {@code burnAlerts} list
 * replaces the default list as a whole.
 *
 * @param budgetPeriod {@link SloConfig#budgetPeriod()}, e.g. {@code 30d}.
 * @param objectives   {@code {kind, name, threshold, target, count}} each.
 * @param burnAlerts   {@code {long, short, burnRate, severity}} each.
 */
public record SloSection(String budgetPeriod, List<ObjectiveSection> objectives, List<BurnAlertSection> burnAlerts)
{
    /**
     * @return the configuration of both keys; either section may be null (absent: every default).
     * @throws ConfigException naming the key.
     */
    public static SloConfig toConfig(final SloSection slo, final AlertsSection alerts)
    {
        final Duration period = slo == null || slo.budgetPeriod == null ? SloConfig.DEFAULT_BUDGET_PERIOD :
            TimeSpan.parse("slo.budgetPeriod", slo.budgetPeriod);
        List<Objective> objectives = null;
        if (slo != null && slo.objectives != null)
        {
            objectives = new ArrayList<>();
            for (int i = 0; i < slo.objectives.size(); i++)
            {
                if (slo.objectives.get(i) == null)
                {
                    throw ConfigException.invalid("slo.objectives[" + i + "]", null, "an objective: {kind: ..., target: ...}");
                }
                objectives.add(slo.objectives.get(i).toObjective(i));
            }
        }
        List<BurnAlert> burn = null;
        if (slo != null && slo.burnAlerts != null)
        {
            burn = new ArrayList<>();
            for (int i = 0; i < slo.burnAlerts.size(); i++)
            {
                if (slo.burnAlerts.get(i) == null)
                {
                    throw ConfigException.invalid("slo.burnAlerts[" + i + "]", null, "{long: 1h, short: 5m, burnRate: 14.4, severity: page}");
                }
                burn.add(slo.burnAlerts.get(i).toBurnAlert(i));
            }
        }
        return new SloConfig(period, objectives, burn, AlertsSection.toConfig(alerts));
    }

    /** {@code slo.objectives[i]}; target in percent. */
    public record ObjectiveSection(ObjectiveKind kind, String name, String threshold, Double target, List<CorrectnessCause> count)
    {
        Objective toObjective(final int index)
        {
            final String at = "slo.objectives[" + index + "]";
            if (kind == null)
            {
                throw ConfigException.invalid(at + ".kind", null, "one of latency, freshness, correctness, availability");
            }
            if (target == null)
            {
                throw ConfigException.invalid(at + ".target", null, "a percentage, e.g. 99.9");
            }
            final Duration limit = threshold == null ? null : SloConfig.parseThreshold(at + ".threshold", threshold);
            final Set<CorrectnessCause> causes = count == null ? null :
                count.isEmpty() ? Set.of() : EnumSet.copyOf(count);
            return new Objective(name == null ? Objective.defaultName(kind, limit) : name, kind, target, limit, causes);
        }
    }

    /** {@code slo.burnAlerts[i]}. */
    public record BurnAlertSection(
        @com.fasterxml.jackson.annotation.JsonProperty("long") String longWindow,
        @com.fasterxml.jackson.annotation.JsonProperty("short") String shortWindow,
        Double burnRate, Severity severity)
    {
        BurnAlert toBurnAlert(final int index)
        {
            final String at = "slo.burnAlerts[" + index + "]";
            if (longWindow == null || shortWindow == null || burnRate == null)
            {
                throw ConfigException.invalid(at, this.longWindow + "/" + this.shortWindow + " at " + burnRate,
                    "long, short and burnRate, e.g. {long: 1h, short: 5m, burnRate: 14.4, severity: page}");
            }
            return new BurnAlert(TimeSpan.parse(at + ".long", longWindow), TimeSpan.parse(at + ".short", shortWindow), burnRate,
                severity == null ? Severity.PAGE : severity);
        }
    }
}
