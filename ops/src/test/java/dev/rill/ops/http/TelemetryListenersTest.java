package dev.rill.ops.http;

import org.HdrHistogram.Histogram;
import dev.rill.ops.telemetry.TelemetryTick;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status history and the latency window, fed synthetic ticks. */
class TelemetryListenersTest
{
    @Test
    void historyKeepsTheLastSixHundredTicksOldestFirstWithTheirRatesAndPercentiles()
    {
        final StatusHistory history = new StatusHistory();
        assertNull(history.latest(), "nothing before the first tick");
        final TelemetryTick tick = new TelemetryTick();
        final int ticks = StatusHistory.CAPACITY + 25;
        for (int i = 0; i < ticks; i++)
        {
            tick.clearCounts().interval(i * 1000L, (i + 1) * 1000L).accepted(i).published(i);
            tick.latencies().ingestToPublish().recordValue(1_000_000L + i); // 1 ms and a bit
            history.onTick(tick);
        }
        final StatusHistory.Series s = history.copy();
        assertEquals(StatusHistory.CAPACITY, s.endMillis().length, "bounded");
        assertEquals(26_000L, s.endMillis()[0], "the oldest kept is tick 25");
        assertEquals((long)ticks * 1000, s.endMillis()[StatusHistory.CAPACITY - 1], "the newest last");
        assertEquals(ticks - 1, s.publishedPerSecond()[StatusHistory.CAPACITY - 1], 1e-9, "events per second of a 1 s tick");
        assertEquals(1000, s.p99Micros()[StatusHistory.CAPACITY - 1], 2, "p99 in µs");
        assertEquals(ticks - 1, history.latest().publishedPerSecond(), 1e-9);
        assertTrue(history.nanosSinceLastTick() < 60_000_000_000L);

        tick.clearCounts().interval(0, 1000);
        history.onTick(tick);
        assertEquals(-1, history.latest().p50Micros(), "a tick without events has no latency (a gap in the plot)");
    }

    @Test
    void theWindowForgetsTicksOlderThanItsSlots()
    {
        final LatencyWindow window = new LatencyWindow();
        final TelemetryTick tick = new TelemetryTick();
        tick.clearCounts();
        tick.latencies().ingestToPublish().recordValue(50_000_000L); // one slow tick: 50 ms
        window.onTick(tick);
        final Histogram merged = LatencyWindow.newHistogram();
        assertEquals(1, window.merge(LatencySpan.PUBLISHED, merged).getTotalCount());

        final int windowTicks = LatencyWindow.SLOTS * LatencyWindow.TICKS_PER_SLOT;
        for (int i = 1; i < windowTicks; i++)
        {
            tick.clearCounts();
            tick.latencies().ingestToPublish().recordValue(100_000L); // then 100 µs
            window.onTick(tick);
        }
        window.merge(LatencySpan.PUBLISHED, merged);
        assertTrue(merged.getTotalCount() < windowTicks, "the oldest slot was emptied when the window turned");
        assertTrue(merged.getMaxValue() < 1_000_000L, "the slow tick is forgotten: max " + merged.getMaxValue());
        assertEquals(100_000L, merged.getValueAtPercentile(99), 1_000, "quantiles of what is left, to 1 %");
    }
}
