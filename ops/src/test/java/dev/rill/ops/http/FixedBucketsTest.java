package dev.rill.ops.http;

import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FixedBucketsTest
{
    @Test
    void eachValueLandsInTheFirstBucketWhoseBoundIsAtOrAboveItAndValuesBeyondTheLastBoundInInf()
    {
        final Histogram h = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        h.recordValueWithCount(TimeUnit.MICROSECONDS.toNanos(5), 10);     // le 10 µs
        h.recordValueWithCount(TimeUnit.MICROSECONDS.toNanos(30), 20);    // le 50 µs
        h.recordValueWithCount(TimeUnit.MILLISECONDS.toNanos(1), 5);      // exactly on the 1 ms bound: le 1 ms
        h.recordValueWithCount(TimeUnit.MICROSECONDS.toNanos(1010), 3);   // 1 % above it: le 2.5 ms
        h.recordValue(TimeUnit.SECONDS.toNanos(2));                       // le 2.5 s
        h.recordValue(TimeUnit.SECONDS.toNanos(70));                      // beyond 60 s: +Inf

        final FixedBuckets buckets = new FixedBuckets(PipelineMetrics.LATENCY_BUCKETS, 1e9);
        final ClassicHistogramBuckets b = buckets.of(h);

        assertEquals(PipelineMetrics.LATENCY_BUCKETS.length + 1, b.size());
        assertEquals(10, countAt(b, 0.00001));
        assertEquals(0, countAt(b, 0.000025));
        assertEquals(20, countAt(b, 0.00005));
        assertEquals(5, countAt(b, 0.001));
        assertEquals(3, countAt(b, 0.0025));
        assertEquals(1, countAt(b, 2.5));
        assertEquals(1, countAt(b, Double.POSITIVE_INFINITY));
        long total = 0;
        for (int i = 0; i < b.size(); i++)
        {
            total += b.getCount(i);
        }
        assertEquals(h.getTotalCount(), total, "every value in exactly one bucket");
        assertEquals(h.getMean() * h.getTotalCount() / 1e9, buckets.sum(h), 1e-9, "sum in seconds");
    }

    @Test
    void anEmptyHistogramHasEmptyBucketsAndSumZero()
    {
        final Histogram h = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        final FixedBuckets buckets = new FixedBuckets(PipelineMetrics.LATENCY_BUCKETS, 1e9);
        final ClassicHistogramBuckets b = buckets.of(h);
        for (int i = 0; i < b.size(); i++)
        {
            assertEquals(0, b.getCount(i));
        }
        assertEquals(0, buckets.sum(h));
    }

    private static long countAt(final ClassicHistogramBuckets b, final double bound)
    {
        for (int i = 0; i < b.size(); i++)
        {
            if (b.getUpperBound(i) == bound)
            {
                return b.getCount(i);
            }
        }
        throw new AssertionError("no bucket " + bound);
    }
}
