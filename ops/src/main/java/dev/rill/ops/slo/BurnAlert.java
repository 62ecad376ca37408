package dev.rill.ops.slo;

import java.time.Duration;

import dev.rill.bus.ConfigException;
import dev.rill.ops.alert.Severity;

/**
 * One multi-window burn-rate alert (the SRE Workbook's alerting chapter): an objective's alert
 * fires with {@code severity} while both its {@code longWindow} and its {@code shortWindow} burn the
 * error budget faster than {@code burnRate} times the rate that would spend it exactly over the
 * budget period. The long window makes it significant (1h at 14.4 is 2 % of a 30d budget); the
 * short one makes it stop soon after the burning does.
 *
 * @param longWindow  the window that must have burnt enough budget.
 * @param shortWindow the window that must still be burning; shorter than the long one.
 * @param burnRate    error ratio / (1 - target) both windows must exceed; above 0.
 * @param severity    the alert's severity while this pair fires.
 */
public record BurnAlert(Duration longWindow, Duration shortWindow, double burnRate, Severity severity)
{
    public BurnAlert
    {
        final String at = "slo.burnAlerts[" + (longWindow == null ? "" : SloConfig.format(longWindow)) + "/" +
            (shortWindow == null ? "" : SloConfig.format(shortWindow)) + "]";
        if (longWindow == null || longWindow.toMillis() < 1)
        {
            throw ConfigException.invalid(at + ".long", longWindow, "a duration, e.g. 1h");
        }
        if (shortWindow == null || shortWindow.toMillis() < 1 || shortWindow.compareTo(longWindow) >= 0)
        {
            throw ConfigException.invalid(at + ".short", shortWindow == null ? null : SloConfig.format(shortWindow),
                "a duration shorter than the long window (" + SloConfig.format(longWindow) + "), e.g. a twelfth of it");
        }
        if (!(burnRate > 0) || Double.isInfinite(burnRate))
        {
            throw ConfigException.invalid(at + ".burnRate", burnRate, "a rate above 0, e.g. 14.4 (2 % of a 30d budget in 1h)");
        }
        if (severity == null)
        {
            throw ConfigException.invalid(at + ".severity", null, "page, ticket or info");
        }
    }

    /** @return "1h/5m". */
    public String label()
    {
        return SloConfig.format(longWindow) + "/" + SloConfig.format(shortWindow);
    }
}
