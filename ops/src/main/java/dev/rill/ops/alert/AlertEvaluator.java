package dev.rill.ops.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * Runs the {@link AlertRule}s on every telemetry tick and turns what they find into alerts with a
 * life cycle, so that a condition produces one notification per change, never a storm:
 *
 * <ul>
 *   <li><b>pending</b>: the condition holds, for less than the rule's {@link AlertRule#holdFor()};
 *       nothing is sent. It clears silently if the condition does.</li>
 *   <li><b>firing</b>: the condition has held for {@code holdFor}: one notification (state
 *       {@code firing}). A change of severity while firing (ticket to page, say) sends one more.
 *       While it stays firing, a reminder ({@code reminder: true}) every {@code repeatInterval}.</li>
 *   <li><b>resolved</b>: the first tick the condition no longer holds: one notification (state
 *       {@code resolved}), and the alert is forgotten.</li>
 * </ul>
 *
 * An alert is one rule's name plus the subject it raised (an objective's name, say). Time is the
 * tick's end ({@link TelemetryTick#endMillis()}), never the wall clock.
 *
 * <p>Notifications go to a consumer (the {@link AlertDispatcher}, which hands them to the sinks on
 * its own thread) and into a history of the last {@code keep}, for {@code /alerts}.
 *
 * <p>Threading: {@link #onTick} runs on the telemetry thread only; {@link #firing()},
 * {@link #recent()} and {@link #lastEvaluatedMillis()} may be called from any thread (the page's):
 * they read an immutable snapshot published after each tick, and a synchronized history. Allocates
 * a little per tick (the findings; strings only for conditions that hold).
 */
public final class AlertEvaluator implements TelemetryListener
{
    private final List<AlertRule> rules;
    private final long repeatMillis;
    private final int keep;
    private final Consumer<Notification> notify;
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final ArrayDeque<Notification> history = new ArrayDeque<>();
    private final Collector collector = new Collector();
    private volatile List<Firing> firing = List.of();
    private volatile long lastEvaluatedMillis = -1;

    /**
     * One firing alert as {@code /alerts} shows it.
     *
     * @param alert        the alert's name.
     * @param subject      its subject, or "".
     * @param severity     current severity.
     * @param summary      the latest summary (updated every tick).
     * @param details      what it means.
     * @param runbook      its runbook's path.
     * @param since        when it started firing, ISO-8601.
     * @param lastNotified when the last notification about it was sent, ISO-8601.
     * @param values       the latest figures.
     */
    public record Firing(
        String alert, String subject, Severity severity, String summary, String details, String runbook, String since,
        String lastNotified, Map<String, Object> values)
    {
    }

    /**
     * @param rules          the rules, checked in this order.
     * @param repeatInterval how often a firing alert is sent again; at least 1 ms.
     * @param keep           notifications kept for {@link #recent()}.
     * @param notify         receives every notification, on the telemetry thread; must not block.
     */
    public AlertEvaluator(final List<AlertRule> rules, final Duration repeatInterval, final int keep, final Consumer<Notification> notify)
    {
        this.rules = List.copyOf(rules);
        this.repeatMillis = Math.max(1, repeatInterval.toMillis());
        this.keep = Math.max(1, keep);
        this.notify = Objects.requireNonNull(notify, "notify");
    }

    /** @return the rules, in order. */
    public List<AlertRule> rules()
    {
        return rules;
    }

    @Override
    public void onTick(final TelemetryTick tick)
    {
        final long now = tick.endMillis();
        collector.now = now;
        for (final AlertRule rule : rules)
        {
            collector.rule = rule;
            rule.evaluate(tick, collector);
        }
        final Iterator<Alert> it = alerts.values().iterator();
        while (it.hasNext())
        {
            final Alert a = it.next();
            if (a.seenAt != now)
            {
                if (a.firing)
                {
                    send(a, Notification.RESOLVED, false, now);
                }
                it.remove();
            }
        }
        final List<Firing> snapshot = new ArrayList<>();
        for (final Alert a : alerts.values())
        {
            if (a.firing)
            {
                snapshot.add(new Firing(a.name, a.subject, a.severity, a.summary, a.details, Notification.runbookOf(a.name),
                    iso(a.firingSince), iso(a.lastNotified), a.values));
            }
        }
        firing = List.copyOf(snapshot);
        lastEvaluatedMillis = now;
    }

    /** @return the alerts firing as of the last tick. Any thread. */
    public List<Firing> firing()
    {
        return firing;
    }

    /** @return the last notifications, newest first. Any thread. */
    public List<Notification> recent()
    {
        synchronized (history)
        {
            final List<Notification> newestFirst = new ArrayList<>(history);
            java.util.Collections.reverse(newestFirst);
            return newestFirst;
        }
    }

    /** @return the end of the last tick evaluated, epoch ms, or -1 before the first. Any thread. */
    public long lastEvaluatedMillis()
    {
        return lastEvaluatedMillis;
    }

    private void found(final AlertRule rule, final String subject, final Severity severity, final String summary,
        final String details, final Map<String, Object> values, final long now)
    {
        final String key = rule.name() + "\u0000" + subject;
        Alert a = alerts.get(key);
        if (a == null)
        {
            a = new Alert(rule.name(), subject, now);
            alerts.put(key, a);
        }
        if (a.seenAt == now)
        {
            // Raised twice in one tick for one subject: the more urgent one stands.
            if (!severity.above(a.severity))
            {
                return;
            }
        }
        a.seenAt = now;
        final Severity before = a.severity;
        a.severity = severity;
        a.summary = summary;
        a.details = details;
        a.values = values == null ? Map.of() : values;
        if (!a.firing)
        {
            if (now - a.pendingSince >= rule.holdFor().toMillis())
            {
                a.firing = true;
                a.firingSince = now;
                send(a, Notification.FIRING, false, now);
            }
        }
        else if (before != severity)
        {
            send(a, Notification.FIRING, false, now);
        }
        else if (now - a.lastNotified >= repeatMillis)
        {
            send(a, Notification.FIRING, true, now);
        }
    }

    private void send(final Alert a, final String state, final boolean reminder, final long now)
    {
        a.lastNotified = now;
        final Notification n = new Notification(a.name, a.subject, a.severity, state, reminder, Notification.runbookOf(a.name),
            a.summary, a.details, a.values, iso(now), iso(a.firingSince));
        synchronized (history)
        {
            if (history.size() == keep)
            {
                history.removeFirst();
            }
            history.addLast(n);
        }
        notify.accept(n);
    }

    private static String iso(final long epochMillis)
    {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Hands each rule's findings to {@link #found}, with the rule being run. */
    private final class Collector implements AlertRule.Findings
    {
        AlertRule rule;
        long now;

        @Override
        public void raise(final String subject, final Severity severity, final String summary, final String details,
            final Map<String, Object> values)
        {
            found(rule, subject == null ? "" : subject, Objects.requireNonNull(severity, "severity"), summary, details, values, now);
        }
    }

    /** The state of one alert (rule name + subject); telemetry thread only. */
    private static final class Alert
    {
        final String name;
        final String subject;
        final long pendingSince;
        long seenAt = Long.MIN_VALUE;
        boolean firing;
        long firingSince;
        long lastNotified;
        Severity severity = Severity.INFO;
        String summary;
        String details;
        Map<String, Object> values = Map.of();

        Alert(final String name, final String subject, final long pendingSince)
        {
            this.name = name;
            this.subject = subject;
            this.pendingSince = pendingSince;
        }
    }
}
