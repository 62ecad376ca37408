package dev.rill.perf.jmh;

import java.time.Duration;
import java.util.SplittableRandom;

import dev.rill.ml.FraudFeatures;
import dev.rill.ml.features.StreamingFeatures;
import dev.rill.ml.features.StreamingFeaturesConfig;
import dev.rill.ml.features.WindowSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What does a streaming-feature update cost per event, for 1k and 100k live keys?
 * {@link StreamingFeatures#update} with the card-payment defaults (count 1 min, spend 1 h, rate
 * 1 h, 12 buckets each), every key already live, keys drawn at random (so with 100k keys most
 * updates miss the CPU caches: about 930 bytes of state per key), event time advancing 1 ms per
 * event. maxKeys equals the live keys and the idle timeout is the longest allowed, so nothing is
 * evicted. ns per event; {@code -prof gc} should show 0 B per operation.
 *
 * <p>With {@code ScoringStageBenchmark.featuresOnly} ({@code FeatureExtractor.extract} of one
 * payment into a model input row, no streaming features) this answers what the feature
 * computation of one payment costs without streaming features (extract) and with them (this
 * update plus the extract, which then writes the streaming columns too).
 */
@State(Scope.Thread)
public class StreamingFeaturesBenchmark extends RillBenchmark
{
    private static final int KEY_SEQUENCE = 1 << 20;
    private static final long START_NANOS = 1_700_000_000_000_000_000L;
    private static final long GAP_NANOS = 1_000_000L;

    @Param({"1000", "100000"})
    public int liveKeys;

    private StreamingFeatures features;
    private final long[] keySequence = new long[KEY_SEQUENCE];
    private final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
    private final double[] out = new double[3];
    private int next;
    private long eventTime = START_NANOS;

    @Setup(Level.Trial)
    public void setUp()
    {
        final StreamingFeaturesConfig defaults = StreamingFeaturesConfig.defaultsFor(FraudFeatures.PAYMENTS_TOPIC);
        final Duration neverIdle = Duration.ofDays(WindowSpec.MAX_WINDOW_DAYS);
        features = new StreamingFeatures(
            new StreamingFeaturesConfig(defaults.topic(), defaults.windows(), liveKeys, neverIdle), FraudFeatures.payments());
        final SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < KEY_SEQUENCE; i++)
        {
            keySequence[i] = cardKey(random.nextInt(liveKeys));
        }
        fields[FraudFeatures.AMOUNT_INDEX] = 42.5;
        for (int k = 0; k < liveKeys; k++)
        {
            eventTime += GAP_NANOS;
            features.update(cardKey(k), eventTime, fields, out, 0);
        }
    }

    @Benchmark
    public double update()
    {
        eventTime += GAP_NANOS;
        final long key = keySequence[next++ & (KEY_SEQUENCE - 1)];
        features.update(key, eventTime, fields, out, 0);
        return out[0];
    }

    /** Spreads small indexes over the long range, as hashed card numbers are. */
    private static long cardKey(final int index)
    {
        return (index + 1) * 0x9E3779B97F4A7C15L;
    }
}
