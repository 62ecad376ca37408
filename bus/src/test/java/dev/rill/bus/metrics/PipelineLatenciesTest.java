package dev.rill.bus.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PipelineLatenciesTest
{
    @Test
    void eachIntervalHoldsExactlyWhatWasRecordedSinceThePreviousOne()
    {
        final PipelineLatencies latencies = new PipelineLatencies();
        latencies.record(1_000, 1_500, 3_000, 4_000, 500);
        latencies.record(2_000, 2_100, 2_200, 12_000, 0);
        final PipelineLatencies.Interval first = latencies.interval(null);
        assertEquals(2, first.ingestToPublish().getTotalCount());
        assertEquals(10_000, first.ingestToPublish().getMaxValue(), 10);
        assertEquals(100, first.ingestToJournal().getMinValue(), 1);
        assertEquals(500, first.ingestToJournal().getMaxValue(), 1);
        assertEquals(2_000, first.ingestToScored().getMaxValue(), 2);
        assertEquals(12_000, first.freshness().getMaxValue(), 12);

        latencies.record(0, 7, 8, 9, 0);
        final PipelineLatencies.Interval second = latencies.interval(first);
        assertEquals(1, second.ingestToPublish().getTotalCount(), "the previous interval is not counted again");
        assertEquals(9, second.ingestToPublish().getMaxValue());
        assertEquals(0, latencies.interval(null).ingestToPublish().getTotalCount());
    }

    @Test
    void aClockStepBackwardsIsClampedToZeroNotAnError()
    {
        final PipelineLatencies latencies = new PipelineLatencies();
        latencies.record(5_000, 4_000, 4_000, 4_000, 9_000);
        final PipelineLatencies.Interval interval = latencies.interval(null);
        assertEquals(0, interval.ingestToPublish().getMaxValue());
        assertEquals(0, interval.freshness().getMaxValue());
    }
}
