package dev.rill.ml.features;

import java.util.SplittableRandom;

import dev.rill.bus.TopicSchema;
import dev.rill.ml.FraudFeatures;

/**
 * A seeded stream of payments for tests: keys drawn with a skew (a few hot cards, many cold ones),
 * event times that advance by {@code meanGapNanos} on average with backwards jitter of up to
 * {@code jitterNanos}, and one event in fifty up to {@code lateNanos} late. Amounts are multiples
 * of 0.25 below 10,000, so sums in any order are exact; one in a hundred is NaN.
 */
final class RandomEventStream
{
    static final TopicSchema TOPIC = FraudFeatures.payments();

    private final SplittableRandom random;
    private final int keys;
    private final long meanGapNanos;
    private final long jitterNanos;
    private final long lateNanos;
    private long clock;
    final double[] fields = new double[TOPIC.fields().size()];
    long key;
    long eventTimeNanos;

    RandomEventStream(final long seed, final int keys, final long startNanos, final long meanGapNanos, final long jitterNanos, final long lateNanos)
    {
        this.random = new SplittableRandom(seed);
        this.keys = keys;
        this.clock = startNanos;
        this.meanGapNanos = meanGapNanos;
        this.jitterNanos = jitterNanos;
        this.lateNanos = lateNanos;
    }

    /** Draws the next event into {@link #key}, {@link #eventTimeNanos} and {@link #fields}. */
    void next()
    {
        clock += random.nextLong(2 * meanGapNanos + 1);
        final double u = random.nextDouble();
        key = 1_000_003L * (long)(keys * u * u) - 17;
        long lateness = jitterNanos == 0 ? 0 : random.nextLong(jitterNanos + 1);
        if (lateNanos > 0 && random.nextInt(50) == 0)
        {
            lateness = random.nextLong(lateNanos + 1);
        }
        eventTimeNanos = clock - lateness;
        fields[FraudFeatures.AMOUNT_INDEX] = random.nextInt(100) == 0 ? Double.NaN : random.nextInt(40_000) * 0.25;
        fields[FraudFeatures.MERCHANT_CATEGORY_INDEX] = 5411;
        fields[FraudFeatures.HOUR_OF_DAY_INDEX] = 12;
    }
}
