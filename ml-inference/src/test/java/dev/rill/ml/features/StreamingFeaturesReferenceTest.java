package dev.rill.ml.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import dev.rill.ml.FraudFeatures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StreamingFeaturesReferenceTest
{
    private static final int EVENTS = 50_000;
    private static final int KEYS = 200;
    private static final long SECOND = 1_000_000_000L;

    static Stream<Arguments> streams()
    {
        final StreamingFeaturesConfig defaults = StreamingFeaturesConfig.defaultsFor(FraudFeatures.PAYMENTS_TOPIC);
        final StreamingFeaturesConfig fine = new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, List.of(
            new WindowSpec("c10s_1", Aggregate.COUNT, null, Duration.ofSeconds(10), 1),
            new WindowSpec("s5s_5", Aggregate.SUM, FraudFeatures.AMOUNT, Duration.ofSeconds(5), 5),
            new WindowSpec("r30s_3", Aggregate.RATE, null, Duration.ofSeconds(30), 3),
            new WindowSpec("c2m_120", Aggregate.COUNT, null, Duration.ofMinutes(2), 120)),
            1_000, Duration.ofHours(1));
        final StreamingFeaturesConfig evicting = new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, List.of(
            new WindowSpec("c1m", Aggregate.COUNT, null, Duration.ofMinutes(1), 12),
            new WindowSpec("s3m", Aggregate.SUM, FraudFeatures.AMOUNT, Duration.ofMinutes(3), 6)),
            60, Duration.ofMinutes(3));
        return Stream.of(
            // 6 h of card payments, jitter up to 30 s, some events up to 2 h late: the defaults.
            Arguments.of("defaults", defaults, 1_700_000_000L * SECOND, 432_000_000L, 30 * SECOND, 7_200 * SECOND),
            // Dense short windows around time zero (negative times too), late by up to 20 s.
            Arguments.of("fine", fine, -600 * SECOND, 20_000_000L, 2 * SECOND, 20 * SECOND),
            // 60 of 200 keys fit: eviction of the least recently updated and of idle keys.
            Arguments.of("evicting", evicting, 0L, 100_000_000L, 5 * SECOND, 5 * 60 * SECOND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void featuresEqualABruteForceReferenceOnARandomOutOfOrderStream(
        final String label,
        final StreamingFeaturesConfig config,
        final long start,
        final long meanGap,
        final long jitter,
        final long late)
    {
        final StreamingFeatures features = new StreamingFeatures(config, RandomEventStream.TOPIC);
        final ReferenceFeatures reference = new ReferenceFeatures(config, RandomEventStream.TOPIC);
        final RandomEventStream events = new RandomEventStream(label.hashCode(), KEYS, start, meanGap, jitter, late);
        final int n = features.featureCount();
        final double[] out = new double[n + 2];
        long nonZeroSums = 0;
        long countsAboveOne = 0;
        for (int i = 0; i < EVENTS; i++)
        {
            events.next();
            features.update(events.key, events.eventTimeNanos, events.fields, out, 1);
            final double[] expected = reference.update(events.key, events.eventTimeNanos, events.fields);
            for (int f = 0; f < n; f++)
            {
                if (out[1 + f] != expected[f])
                {
                    fail("event " + i + " (key " + events.key + ", t " + events.eventTimeNanos + "): feature " +
                        features.featureNames().get(f) + " is " + out[1 + f] + ", reference says " + expected[f] +
                        "; all: " + Arrays.toString(Arrays.copyOfRange(out, 1, n + 1)) + " vs " + Arrays.toString(expected));
                }
                final WindowSpec window = config.windows().get(f);
                nonZeroSums += window.aggregate() == Aggregate.SUM && expected[f] > 0 ? 1 : 0;
                countsAboveOne += window.aggregate() == Aggregate.COUNT && expected[f] > 1 ? 1 : 0;
            }
            assertEquals(0.0, out[0], "wrote before outOffset");
            assertEquals(0.0, out[n + 1], "wrote past the features");
            assertEquals(reference.keyCount(), features.keyCount(), "key count after event " + i);
            assertEquals(reference.evictedKeys(), features.evictedKeys(), "evictions after event " + i);
            assertTrue(features.keyCount() <= config.maxKeys());
        }
        // The stream must exercise what it claims to: windows with several events, sums, evictions.
        assertTrue(countsAboveOne > EVENTS / 10, "few windows held more than one event: " + countsAboveOne);
        assertTrue(nonZeroSums > EVENTS / 2, "few non-zero sums: " + nonZeroSums);
        if (label.equals("evicting"))
        {
            assertTrue(features.evictedKeys() > 1_000, "evicted only " + features.evictedKeys());
        }
    }
}
