package dev.rill.ops.http;

import java.util.Arrays;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import org.HdrHistogram.Histogram;

/**
 * Fixed Prometheus histogram buckets read from an HdrHistogram: for each upper bound, how many
 * recorded values are at or below it, within the HdrHistogram's resolution (a value up to 0.1 %
 * above a bound, in the bound's sub-bucket, counts as below it at three significant digits).
 *
 * <p>Immutable; {@link #of} may be called from any thread on a histogram no other thread writes,
 * and allocates the bucket arrays of one snapshot.
 */
final class FixedBuckets
{
    private final double[] upperBounds;
    private final long[] boundsInValues;
    private final double valuesPerUnit;

    /**
     * @param upperBounds   finite upper bounds, ascending, in the exposed unit (seconds, events);
     *                      +Inf is added.
     * @param valuesPerUnit recorded values per exposed unit (1e9 for nanoseconds exposed as seconds).
     */
    FixedBuckets(final double[] upperBounds, final double valuesPerUnit)
    {
        this.upperBounds = Arrays.copyOf(upperBounds, upperBounds.length + 1);
        this.upperBounds[upperBounds.length] = Double.POSITIVE_INFINITY;
        this.boundsInValues = new long[upperBounds.length];
        for (int i = 0; i < upperBounds.length; i++)
        {
            boundsInValues[i] = Math.round(upperBounds[i] * valuesPerUnit);
        }
        this.valuesPerUnit = valuesPerUnit;
    }

    /** @return the histogram's counts per bucket (not cumulative, as the Prometheus model wants them). */
    ClassicHistogramBuckets of(final Histogram h)
    {
        final long[] counts = new long[upperBounds.length];
        final long highest = h.getHighestTrackableValue();
        long from = 0;
        long counted = 0;
        // One pass over the counts: each bucket starts in the sub-bucket after the previous bound's.
        for (int i = 0; i < boundsInValues.length && from <= highest; i++)
        {
            final long to = Math.min(boundsInValues[i], highest);
            if (to >= from)
            {
                counts[i] = h.getCountBetweenValues(from, to);
                counted += counts[i];
                from = h.nextNonEquivalentValue(to);
            }
        }
        counts[counts.length - 1] = h.getTotalCount() - counted;
        return ClassicHistogramBuckets.of(upperBounds, counts);
    }

    /**
     * @return the sum of the recorded values in the exposed unit, estimated from the histogram (each
     *         value at its sub-bucket's middle: within the histogram's precision). HdrHistogram keeps
     *         no exact sum.
     */
    double sum(final Histogram h)
    {
        final long count = h.getTotalCount();
        return count == 0 ? 0 : h.getMean() * count / valuesPerUnit;
    }

    /** @return a value in the exposed unit. */
    double toUnit(final long value)
    {
        return value / valuesPerUnit;
    }
}
