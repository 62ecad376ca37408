package dev.rill.ops.alert;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertDispatcherTest
{
    private static Notification named(final String alert)
    {
        return new Notification(alert, "", Severity.TICKET, Notification.FIRING, false, Notification.runbookOf(alert), alert + " holds",
            "", Map.of(), "2027-01-15T08:00:00Z", "2027-01-15T08:00:00Z");
    }

    @Test
    void aFullQueueDropsTheOldestWaitingNotificationAndCountsIt() throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> received = new CopyOnWriteArrayList<>();
        final AlertSink slow = new AlertSink()
        {
            @Override
            public String name()
            {
                return "slow";
            }

            @Override
            public boolean send(final Notification n, final byte[] json)
            {
                received.add(n.alert());
                entered.countDown();
                try
                {
                    return release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        };
        try (AlertDispatcher dispatcher = new AlertDispatcher(List.of(slow), 2).start())
        {
            dispatcher.accept(named("a"));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the sink holds the alerts thread on a");
            dispatcher.accept(named("b"));
            dispatcher.accept(named("c"));
            assertEquals(0, dispatcher.dropped(), "two fit the queue");
            dispatcher.accept(named("d"));
            dispatcher.accept(named("e"));
            assertEquals(2, dispatcher.dropped(), "b and c, the oldest waiting, made room");
            assertEquals(2, dispatcher.queued());
            release.countDown();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dispatcher.delivered() < 3 && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }
        assertEquals(List.of("a", "d", "e"), received);
    }

    @Test
    void theLogLineNamesStateAlertSeverityAndRunbook()
    {
        final String line = LogSink.line(new Notification("slo-latency", "latency-5ms", Severity.PAGE, Notification.FIRING, true,
            Notification.runbookOf("slo-latency"), "burning", "", Map.of(), "2027-01-15T09:00:00Z", "2027-01-15T08:00:00Z"));
        assertEquals("alert STILL FIRING (since 2027-01-15T08:00:00Z) slo-latency/latency-5ms (page): burning; " +
            "runbook ops/runbooks/slo-latency.md", line);
    }
}
