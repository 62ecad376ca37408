package dev.rill.ops.slo;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import dev.rill.bus.ErrorCode;
import dev.rill.ops.alert.AlertsConfig;
import dev.rill.ops.alert.Notification;
import dev.rill.ops.alert.Severity;
import dev.rill.ops.telemetry.TelemetryTick;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloEvaluatorTest
{
    private static final String FALLBACKS = "correctness";

    /** One correctness objective at 99.9 % counting fallbacks only, the default budget and burn alerts. */
    private static SloConfig fallbacksAt999()
    {
        return SloConfig.defaults().withObjectives(List.of(Objective.correctness(99.9, EnumSet.of(CorrectnessCause.FALLBACK))));
    }

    @Test
    void fastBurnFiresTheOneHourFiveMinutePageAlertOnly()
    {
        final SyntheticTicks bus = new SyntheticTicks(fallbacksAt999(), Duration.ofSeconds(10));
        bus.run(Duration.ofDays(3), 1000, 0); // every window full, as after days of service
        assertEquals(100.0, bus.objective(FALLBACKS).errorBudgetLeftPercent(), 1e-9, "three clean days spend nothing");

        // 10 % bad against 0.1 % allowed: burn rate 100. The 1h window exceeds 14.4 after 8.64 min of it.
        bus.run(Duration.ofMinutes(8), 1000, 100);
        assertFalse(bus.objective(FALLBACKS).alerting(), "8 min of burning is 13.3x over 1h: not yet");
        assertEquals(100.0, bus.burnRate(FALLBACKS, "5m"), 1e-9);
        assertTrue(bus.sent("slo-correctness").isEmpty());

        bus.run(Duration.ofMinutes(2), 1000, 100);
        final SloReport.ObjectiveStatus s = bus.objective(FALLBACKS);
        assertTrue(s.alerting());
        assertEquals(List.of("1h/5m"), s.firing(), "6h/30m burns 2.8x and 3d/6h 0.23x: below their rates");
        assertEquals(Severity.PAGE, s.severity());
        // 120 buckets of 30 s, the current one filling: the 1h window holds the last 59.5 to 60 minutes.
        assertEquals(100.0 * 10 / 60, bus.burnRate(FALLBACKS, "1h"), 0.2);
        final List<Notification> sent = bus.sent("slo-correctness");
        assertEquals(1, sent.size(), "one notification: " + sent);
        assertEquals(Severity.PAGE, sent.get(0).severity());
        assertEquals(Notification.FIRING, sent.get(0).state());
        assertEquals(FALLBACKS, sent.get(0).subject());
        assertEquals("ops/runbooks/slo-correctness.md", sent.get(0).runbook());
        assertTrue(sent.get(0).summary().contains("over 1h") && sent.get(0).summary().contains("over 5m"), sent.get(0).summary());
    }

    @Test
    void slowBurnFiresOnlyTheThreeDaySixHourTicket()
    {
        final SyntheticTicks bus = new SyntheticTicks(fallbacksAt999(), Duration.ofMinutes(1));
        bus.run(Duration.ofDays(3), 1000, 0); // every window full, as after days of service
        // 0.2 % bad: burn rate 2, twice the rate that spends the budget in 30 days; the 3d window passes 1 after 1.5 days.
        bus.run(Duration.ofHours(30), 1000, 2);
        assertFalse(bus.objective(FALLBACKS).alerting(), "after 30 h the 3d window burns 0.83x");
        bus.run(Duration.ofHours(18), 1000, 2);
        final SloReport.ObjectiveStatus s = bus.objective(FALLBACKS);
        assertEquals(List.of("3d/6h"), s.firing());
        assertEquals(Severity.TICKET, s.severity());
        assertEquals(2.0, bus.burnRate(FALLBACKS, "5m"), 1e-9);
        final List<Notification> sent = bus.sent("slo-correctness");
        assertEquals(1, sent.stream().filter(n -> !n.reminder()).count(), "fired once (then reminders every 4h): " + sent);
        assertTrue(sent.stream().allMatch(n -> n.severity() == Severity.TICKET && n.state().equals(Notification.FIRING)),
            "a ticket, never a page: " + sent);
        // The budget period holds the 5 days since start: 48 h at 0.2 % in 120 h is 0.08 % against 0.1 % allowed.
        assertEquals(20.0, s.errorBudgetLeftPercent(), 0.01);
    }

    @Test
    void budgetRecoversAsBadBucketsLeaveTheWindowAndTheAlertResolvesOnce()
    {
        final SloConfig config = fallbacksAt999().withBurnAlerts(Duration.ofDays(1),
            List.of(new BurnAlert(Duration.ofHours(1), Duration.ofMinutes(5), 14.4, Severity.PAGE)));
        final SyntheticTicks bus = new SyntheticTicks(config, Duration.ofSeconds(10));
        bus.run(Duration.ofHours(1), 1000, 0).run(Duration.ofMinutes(15), 1000, 100);
        assertTrue(bus.objective(FALLBACKS).alerting());
        final double afterBurst = bus.objective(FALLBACKS).errorBudgetLeftPercent();
        assertTrue(afterBurst < 0, "15 min at 100x overspends a 1d budget: " + afterBurst);

        bus.run(Duration.ofMinutes(6), 1000, 0);
        assertFalse(bus.objective(FALLBACKS).alerting(), "the 5m window is clean again: the alert stops");
        final List<Notification> sent = bus.sent("slo-correctness");
        assertEquals(2, sent.size(), "fired once, resolved once: " + sent);
        assertEquals(Notification.FIRING, sent.get(0).state());
        assertEquals(Notification.RESOLVED, sent.get(1).state());

        bus.run(Duration.ofHours(12), 1000, 0);
        final double halfDayLater = bus.objective(FALLBACKS).errorBudgetLeftPercent();
        assertTrue(halfDayLater > afterBurst, "more good events dilute the burst: " + halfDayLater + " > " + afterBurst);
        assertTrue(halfDayLater < 100.0, "but the burst is still in the budget period");

        bus.run(Duration.ofHours(13), 1000, 0);
        assertEquals(100.0, bus.objective(FALLBACKS).errorBudgetLeftPercent(), 1e-9, "the burst has left the 1d period");
        assertEquals(2, bus.sent("slo-correctness").size(), "nothing more was sent");
    }

    @Test
    void aStartupBlipDoesNotPageBeforeTheShortWindowHasRun()
    {
        final SyntheticTicks bus = new SyntheticTicks(fallbacksAt999(), Duration.ofSeconds(1));
        bus.run(Duration.ofSeconds(3), 1000, 500).run(Duration.ofMinutes(10), 1000, 0);
        assertTrue(bus.sent("slo-correctness").isEmpty(), "three bad seconds at start, then clean: " + bus.sent);
        assertTrue(bus.objective(FALLBACKS).errorBudgetLeftPercent() < 100.0, "they still spent budget");
    }

    @Test
    void latencyAndFreshnessGoodCountsComeFromTheIntervalHistograms()
    {
        final TelemetryTick tick = new TelemetryTick().interval(SyntheticTicks.START, SyntheticTicks.START + 1000);
        for (int i = 0; i < 985; i++)
        {
            tick.latencies().ingestToPublish().recordValue(1_000_000); // 1 ms
        }
        for (int i = 0; i < 5; i++)
        {
            tick.latencies().ingestToPublish().recordValue(5_000_000); // exactly the threshold: good
        }
        for (int i = 0; i < 10; i++)
        {
            tick.latencies().ingestToPublish().recordValue(50_000_000); // 50 ms
        }
        for (int i = 0; i < 600; i++)
        {
            tick.latencies().freshness().recordValue(200_000_000); // 200 ms
        }
        for (int i = 0; i < 400; i++)
        {
            tick.latencies().freshness().recordValue(3_000_000_000L); // 3 s
        }
        final long[] counts = new long[2];
        Indicators.measure(Objective.latency(Duration.ofMillis(5), 99), tick, counts);
        assertEquals(990, counts[0]);
        assertEquals(1000, counts[1]);
        Indicators.measure(Objective.latency(Duration.ofNanos(500_000), 99), tick, counts);
        assertEquals(0, counts[0], "nothing within 500us");
        Indicators.measure(Objective.freshness(Duration.ofSeconds(1), 99.9), tick, counts);
        assertEquals(600, counts[0]);
        assertEquals(1000, counts[1]);

        final SloEvaluator slo = new SloEvaluator(SloConfig.defaults().withObjectives(List.of(
            Objective.latency(Duration.ofMillis(5), 99), Objective.freshness(Duration.ofSeconds(1), 99.9))));
        slo.onTick(tick);
        final SloReport report = slo.report();
        assertEquals(99.0, report.objectives().get(0).currentPercent(), 1e-9);
        assertEquals(0.0, report.objectives().get(0).errorBudgetLeftPercent(), 1e-6, "1 % slow of 1 % allowed: all spent");
        assertEquals(60.0, report.objectives().get(1).currentPercent(), 1e-9);
        assertEquals(400.0, report.objectives().get(1).windows().get(0).burnRate(), 1e-6, "40 % stale against 0.1 %");
    }

    @Test
    void freshnessCountsLateEventsAsBadAndAddsEventsRefusedAsTooLateToTheTotal()
    {
        final TelemetryTick tick = new TelemetryTick().interval(SyntheticTicks.START, SyntheticTicks.START + 1000);
        for (int i = 0; i < 990; i++)
        {
            tick.latencies().freshness().recordValue(200_000_000); // 200 ms: fresh
        }
        for (int i = 0; i < 10; i++)
        {
            tick.latencies().freshness().recordValue(600_000_000); // 600 ms: within 1 s, but flagged late (allowed 500 ms)
        }
        tick.late(10).refused(ErrorCode.EVENT_TOO_LATE, 5);
        final long[] counts = new long[2];
        Indicators.measure(Objective.freshness(Duration.ofSeconds(1), 99.9), tick, counts);
        assertEquals(990, counts[0], "a late event is never fresh, whatever its freshness");
        assertEquals(1005, counts[1], "events refused as too late are never published, yet count as stale");

        tick.late(0).refused(ErrorCode.EVENT_TOO_LATE, 0);
        Indicators.measure(Objective.freshness(Duration.ofSeconds(1), 99.9), tick, counts);
        assertEquals(1000, counts[0], "without late events the histogram decides alone");
        assertEquals(1000, counts[1]);
    }

    @ParameterizedTest
    @EnumSource(CorrectnessCause.class)
    void correctnessCountsEachConfiguredCauseAndNoOther(final CorrectnessCause cause)
    {
        final TelemetryTick tick = new TelemetryTick().interval(SyntheticTicks.START, SyntheticTicks.START + 1000)
            .accepted(1000).published(990).duplicates(7).fenced(3).late(11).fallbacks(13)
            .refused(ErrorCode.UNKNOWN_TOPIC, 2).refused(ErrorCode.NOT_A_NUMBER, 1)
            .refused(ErrorCode.DISK_FULL, 50) // the server's own reason: availability's, not correctness's
            .refused(ErrorCode.PRODUCER_FENCED, 4); // a connection closed, not an event: the journal counts fenced events
        final long[] counts = new long[2];
        final long total = 990 + 7 + 3 + 2 + 1;
        Indicators.measure(Objective.correctness(99.9, EnumSet.of(cause)), tick, counts);
        final long bad = switch (cause)
        {
            case REJECTED -> 2 + 1 + 3;
            case DUPLICATE -> 7;
            case LATE -> 11;
            case FALLBACK -> 13;
        };
        assertEquals(total, counts[1], "published + duplicates + fenced + rejected");
        assertEquals(total - bad, counts[0], cause + " alone");
        Indicators.measure(Objective.correctness(99.9, null), tick, counts);
        assertEquals(total - (6 + 7 + 11 + 13), counts[0], "all four by default");
    }

    @Test
    void availabilityLosesTheShareRefusedForServerReasonsAndWholeIntervalsNotListening()
    {
        final Objective availability = Objective.availability(99.95);
        final long[] counts = new long[2];
        final TelemetryTick tick = new TelemetryTick().interval(SyntheticTicks.START, SyntheticTicks.START + 1000)
            .gatewayListening(true).accepted(900).refused(ErrorCode.DISK_FULL, 80).refused(ErrorCode.SERVER_SHUTTING_DOWN, 10)
            .refused(ErrorCode.NOT_A_NUMBER, 10);
        Indicators.measure(availability, tick, counts);
        assertEquals(1000, counts[1], "units are milliseconds of the interval");
        assertEquals(910, counts[0], "90 of 1000 received were refused for the server's reasons");

        tick.clearCounts();
        Indicators.measure(availability, tick, counts);
        assertEquals(1000, counts[0], "idle and listening: available");

        tick.gatewayListening(false);
        Indicators.measure(availability, tick, counts);
        assertEquals(0, counts[0], "not listening: the whole interval is lost, though nobody was refused");
        assertEquals(1000, counts[1]);
    }

    @Test
    void beforeTheFirstTickTheReportIsEmptyButComplete()
    {
        final SloReport report = new SloEvaluator(SloConfig.defaults()).report();
        assertNull(report.time());
        assertEquals(List.of("5m", "30m", "1h", "6h", "3d"), report.windows());
        assertEquals(List.of("latency-5ms", "freshness-1s", "correctness", "availability"),
            report.objectives().stream().map(SloReport.ObjectiveStatus::name).toList());
        assertNull(report.objectives().get(0).currentPercent());
        assertEquals(100.0, report.objectives().get(0).errorBudgetLeftPercent());
        assertEquals(EnumSet.allOf(CorrectnessCause.class), SloConfig.defaults().objectives().get(2).count(), "every cause counts");
        assertEquals(AlertsConfig.defaults(), SloConfig.defaults().alerts());
    }
}
