package dev.rill.ops.alert;

import java.util.Map;

/**
 * One message about an alert, as every sink receives it (the webhook's body, the command's
 * standard input) and as {@code /alerts} lists it. Sent when an alert fires, when its severity
 * changes while it fires, every repeat interval while it stays firing ({@code reminder} true), and
 * once when it resolves. Immutable; serialised by Jackson as is:
 *
 * <pre>{@code
 * {"alert":"slo-latency","subject":"latency-5ms","severity":"page","state":"firing","reminder":false,
 *  "runbook":"ops/runbooks/slo-latency.md","summary":"...","details":"...",
 *  "values":{"burnRate1h":15.3,"burnRate5m":18.0,...},"time":"2026-11-26T10:15:00Z","since":"2026-11-26T10:15:00Z"}
 * }</pre>
 *
 * @param alert    the alert's name (also its runbook's name).
 * @param subject  what it is about when a rule watches several things (an objective's name), or "".
 * @param severity page, ticket or info.
 * @param state    "firing" or "resolved".
 * @param reminder true for a repeat of a firing alert that has not changed.
 * @param runbook  the runbook's path in the repository, {@code ops/runbooks/<alert>.md}.
 * @param summary  one line with the figures.
 * @param details  what it means and where to look first.
 * @param values   the figures behind it (for a resolved alert, the last ones seen while it fired).
 * @param time     when this was decided: the telemetry tick's end, ISO-8601 UTC.
 * @param since    when the alert started firing, ISO-8601 UTC.
 */
public record Notification(
    String alert, String subject, Severity severity, String state, boolean reminder, String runbook, String summary,
    String details, Map<String, Object> values, String time, String since)
{
    /** {@link #state} of an alert whose condition holds. */
    public static final String FIRING = "firing";
    /** {@link #state} of an alert whose condition cleared. */
    public static final String RESOLVED = "resolved";

    public Notification
    {
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /** @return the runbook path of an alert name. */
    public static String runbookOf(final String alert)
    {
        return "ops/runbooks/" + alert + ".md";
    }

    /** @return "slo-latency/latency-5ms", or the bare name without a subject. */
    public String key()
    {
        return subject.isEmpty() ? alert : alert + "/" + subject;
    }
}
