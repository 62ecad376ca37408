package dev.rill.ops.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.rill.ops.telemetry.TelemetryTick;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertEvaluatorTest
{
    private static final long START = 1_800_000_000_000L;

    /** A rule whose condition the test switches. */
    private static final class Switch implements AlertRule
    {
        boolean on;
        Severity severity = Severity.TICKET;
        long value;

        @Override
        public String name()
        {
            return "test-switch";
        }

        @Override
        public Duration holdFor()
        {
            return Duration.ofSeconds(30);
        }

        @Override
        public void evaluate(final TelemetryTick tick, final Findings findings)
        {
            if (on)
            {
                findings.raise("", severity, "switch is on at " + value, "a test condition", Map.of("value", value));
            }
        }
    }

    private final Switch rule = new Switch();
    private final List<Notification> sent = new ArrayList<>();
    private final AlertEvaluator alerts = new AlertEvaluator(List.of(rule), Duration.ofMinutes(1), 3, sent::add);
    private final TelemetryTick tick = new TelemetryTick();
    private long now = START;

    /** Runs {@code seconds} of 10 s ticks. */
    private void run(final int seconds)
    {
        for (int i = 0; i < seconds / 10; i++)
        {
            tick.interval(now, now + 10_000);
            now += 10_000;
            rule.value = now;
            alerts.onTick(tick);
        }
    }

    @Test
    void firesOnceAfterItsHoldTimeRemindsEveryRepeatIntervalAndResolvesOnce()
    {
        rule.on = true;
        run(30);
        assertTrue(sent.isEmpty(), "first seen at the end of the first tick: held 20 s of a 30 s hold");
        assertTrue(alerts.firing().isEmpty());
        run(10);
        assertEquals(1, sent.size(), "fired when it had held 30 s");
        final Notification fired = sent.get(0);
        assertEquals("test-switch", fired.alert());
        assertEquals(Notification.FIRING, fired.state());
        assertFalse(fired.reminder());
        assertEquals("ops/runbooks/test-switch.md", fired.runbook());
        assertEquals(fired.time(), fired.since());
        assertEquals(1, alerts.firing().size());

        run(50);
        assertEquals(1, sent.size(), "nothing more within the repeat interval");
        run(10);
        assertEquals(2, sent.size(), "a reminder a minute after the last notification");
        assertTrue(sent.get(1).reminder());
        assertEquals(fired.since(), sent.get(1).since());
        run(60);
        assertEquals(3, sent.size());
        assertTrue(sent.get(2).reminder());

        rule.on = false;
        run(10);
        assertEquals(4, sent.size());
        assertEquals(Notification.RESOLVED, sent.get(3).state());
        assertEquals(fired.since(), sent.get(3).since());
        assertTrue(alerts.firing().isEmpty());
        run(120);
        assertEquals(4, sent.size(), "resolved once, then silence");
        assertEquals(3, alerts.recent().size(), "keeps the last 3 (alerts.keep)");
        assertEquals(Notification.RESOLVED, alerts.recent().get(0).state(), "newest first");
    }

    @Test
    void aConditionThatClearsWhilePendingSendsNothing()
    {
        rule.on = true;
        run(30);
        rule.on = false;
        run(10);
        rule.on = true;
        run(30);
        assertTrue(sent.isEmpty(), "each spell held 20 s of the 30 s needed: " + sent);
    }

    @Test
    void aSeverityChangeWhileFiringIsNotifiedOnceAtOnce()
    {
        rule.on = true;
        run(40);
        assertEquals(1, sent.size());
        rule.severity = Severity.PAGE;
        run(10);
        assertEquals(2, sent.size());
        assertEquals(Severity.PAGE, sent.get(1).severity());
        assertFalse(sent.get(1).reminder(), "an escalation, not a reminder");
        run(30);
        assertEquals(2, sent.size());
        assertEquals(Severity.PAGE, alerts.firing().get(0).severity());
    }
}
