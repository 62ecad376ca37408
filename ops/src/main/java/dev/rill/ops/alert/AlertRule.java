package dev.rill.ops.alert;

import java.time.Duration;
import java.util.Map;

import dev.rill.ops.telemetry.TelemetryTick;

/**
 * One alert condition, checked once per telemetry tick by the {@link AlertEvaluator}. A rule says
 * whether its condition holds now by calling {@link Findings#raise} (once per subject it holds
 * for); not calling it means the condition is clear. Everything else, how long a condition must
 * hold before it fires ({@link #holdFor()}), one notification per change, reminders and
 * resolution, is the evaluator's.
 *
 * <p>The rule's {@link #name()} is the alert's name and names its runbook,
 * {@code ops/runbooks/<name>.md}, which must exist with the four sections (a test checks every
 * rule the server builds). A new rule is a small class, for example a hot-key rule fed by a
 * heavy-hitters sketch:
 *
 * <pre>{@code
 * final class HotKeyRule implements AlertRule
 * {
 *     public String name() { return "hot-key"; }
 *
 *     public void evaluate(TelemetryTick tick, Findings findings)
 *     {
 *         HeavyHitters.Top top = sketch.top();           // whatever the sketch offers
 *         if (top.share() > maxShare)
 *         {
 *             findings.raise(top.key(), Severity.TICKET, "key " + top.key() + " carries " + percent(top.share()) +
 *                 " of the events", "...", Map.of("share", top.share()));
 *         }
 *     }
 * }
 * }</pre>
 *
 * added to the server's list of rules ({@code dev.rill.ops.slo.SloAlerting#rules}), with
 * {@code ops/runbooks/hot-key.md} beside the other runbooks and a line in their README.
 *
 * <p>Threading: called on the telemetry thread only, one tick at a time; a rule may keep state
 * between ticks without locks. It must return quickly and copy what it keeps from the tick.
 */
public interface AlertRule
{
    /** @return the alert's name, also its runbook's file name: lower case words joined by '-'. */
    String name();

    /** @return how long the condition must hold, tick after tick, before the alert fires; zero fires at once. */
    default Duration holdFor()
    {
        return Duration.ZERO;
    }

    /**
     * Checks the condition against the interval just ended (its end time, {@link TelemetryTick#endMillis()},
     * is "now" for rules that keep windows: never the wall clock).
     */
    void evaluate(TelemetryTick tick, Findings findings);

    /** Where a rule reports that its condition holds. */
    interface Findings
    {
        /**
         * The condition holds now.
         *
         * @param subject  what it holds for, when one rule watches several things (an objective's
         *                 name, a feature); "" when there is one.
         * @param severity how urgent; may change while the alert fires (a change is notified).
         * @param summary  one line: what is wrong, with the figures.
         * @param details  what it means and what to look at first (a sentence or two).
         * @param values   the figures behind it, by name (numbers or short strings), for the sinks' JSON.
         */
        void raise(String subject, Severity severity, String summary, String details, Map<String, Object> values);
    }
}
