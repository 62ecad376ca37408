package dev.rill.ops.alert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.rill.bus.ErrorCode;
import dev.rill.ml.drift.DriftLevel;
import dev.rill.ml.drift.DriftReport;
import dev.rill.ops.telemetry.TelemetryTick;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConditionRulesTest
{
    private static final long START = 1_800_000_000_000L;

    private final List<Notification> sent = new ArrayList<>();
    private final TelemetryTick tick = new TelemetryTick();
    private long now = START;

    private void tick(final AlertEvaluator alerts)
    {
        tick.interval(now, now + 1000);
        now += 1000;
        alerts.onTick(tick);
        tick.clearCounts();
    }

    private List<String> firing(final AlertEvaluator alerts)
    {
        return alerts.firing().stream().map(AlertEvaluator.Firing::alert).toList();
    }

    @Test
    void diskBelowItsReservePagesAndResolvesWhenSpaceIsBack()
    {
        final AlertEvaluator alerts = new AlertEvaluator(List.of(new DiskReserveRule(DiskReserveRule.Config.defaults())),
            Duration.ofHours(1), 10, sent::add);
        tick.disk(true, 400L << 20, 512L << 20);
        tick(alerts);
        assertEquals(List.of("disk-full"), firing(alerts));
        assertEquals(Severity.PAGE, sent.get(0).severity());
        assertTrue(sent.get(0).summary().contains("400 MiB") && sent.get(0).summary().contains("512 MiB"), sent.get(0).summary());
        tick.disk(false, 2048L << 20, 512L << 20);
        tick(alerts);
        assertEquals(Notification.RESOLVED, sent.get(1).state());
    }

    @Test
    void aSubscriberLagAboveTheLimitFiresOnlyAfterItsHoldTime()
    {
        final AlertEvaluator alerts = new AlertEvaluator(List.of(new SubscriberLagRule(
            new SubscriberLagRule.Config(true, Severity.TICKET, Duration.ofSeconds(5), 1000))), Duration.ofHours(1), 10, sent::add);
        tick.maxSubscriberLag(1000);
        tick(alerts);
        assertTrue(firing(alerts).isEmpty(), "at the limit is not above it");
        tick.maxSubscriberLag(5000);
        for (int i = 0; i < 5; i++)
        {
            tick(alerts);
        }
        assertTrue(sent.isEmpty(), "4 s above the limit of a 5 s hold");
        tick(alerts);
        assertEquals(List.of("subscriber-lag"), firing(alerts));
        assertEquals(5000L, sent.get(0).values().get("maxSubscriberLag"));
    }

    @Test
    void fallbacksAboveTheRatioOverTheWindowFireOnceThereAreEnoughEvents()
    {
        final AlertEvaluator alerts = new AlertEvaluator(List.of(new ModelFallbackRule(
            new ModelFallbackRule.Config(true, Severity.TICKET, Duration.ZERO, 0.01, Duration.ofSeconds(10), 500))),
            Duration.ofHours(1), 10, sent::add);
        tick.published(100).fallbacks(50);
        tick(alerts);
        assertTrue(firing(alerts).isEmpty(), "50 % of 100 events: too few to judge");
        for (int i = 0; i < 9; i++)
        {
            tick.published(100).fallbacks(i < 4 ? 0 : 1);
            tick(alerts);
        }
        assertEquals(List.of("model-fallback"), firing(alerts), "55 of 1000 in the window");
        for (int i = 0; i < 10; i++)
        {
            tick.published(100).fallbacks(0);
            tick(alerts);
        }
        assertTrue(firing(alerts).isEmpty(), "the window has moved past them");
    }

    @Test
    void significantDriftOfTheActiveModelFiresWithItsWorstFeature()
    {
        final AtomicReference<DriftReport> report = new AtomicReference<>();
        final AlertEvaluator alerts = new AlertEvaluator(List.of(new ModelDriftRule(
            new ModelDriftRule.Config(true, Severity.TICKET, Duration.ZERO, 0.25, 1000), report::get)), Duration.ofHours(1), 10, sent::add);
        tick(alerts);
        assertTrue(firing(alerts).isEmpty(), "no model, no finding");
        final DriftReport.Entry score = new DriftReport.Entry("score", 0.05, DriftLevel.STABLE);
        report.set(new DriftReport("fraud/2", 5000, List.of(new DriftReport.Entry("amount", 0.6, DriftLevel.SIGNIFICANT),
            new DriftReport.Entry("hour_of_day", 0.12, DriftLevel.MODERATE)), score));
        tick(alerts);
        assertEquals(List.of("model-drift"), firing(alerts));
        assertEquals("fraud/2", sent.get(0).subject());
        assertEquals("amount", sent.get(0).values().get("feature"));
        report.set(new DriftReport("fraud/2", 500, List.of(new DriftReport.Entry("amount", 0.6, DriftLevel.SIGNIFICANT)), score));
        tick(alerts);
        assertTrue(firing(alerts).isEmpty(), "too few observed events to judge");
    }

    @Test
    void aFencingStormAboveTheLimitFires()
    {
        final AlertEvaluator alerts = new AlertEvaluator(List.of(new ProducerFencedRule(
            new ProducerFencedRule.Config(true, Severity.TICKET, Duration.ZERO, 10, Duration.ofMinutes(1)))), Duration.ofHours(1), 10,
            sent::add);
        tick.fenced(6);
        tick(alerts);
        tick.refused(ErrorCode.PRODUCER_FENCED, 4);
        tick(alerts);
        assertTrue(firing(alerts).isEmpty(), "10 in the window is the limit");
        tick.fenced(1);
        tick(alerts);
        assertEquals(List.of("producer-fenced"), firing(alerts));
        assertEquals(11L, sent.get(0).values().get("fenced"));
    }
}
