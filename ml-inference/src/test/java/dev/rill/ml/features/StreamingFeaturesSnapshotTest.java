package dev.rill.ml.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.rill.ml.FraudFeatures;
import org.junit.jupiter.api.Test;

class StreamingFeaturesSnapshotTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final int EVENTS = 30_000;

    /** Few enough keys that the stream evicts, so the restored eviction order matters. */
    private static final StreamingFeaturesConfig CONFIG = new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, List.of(
        new WindowSpec("card_tx_count_1m", Aggregate.COUNT, null, Duration.ofMinutes(1), 12),
        new WindowSpec("card_spend_10m", Aggregate.SUM, FraudFeatures.AMOUNT, Duration.ofMinutes(10), 12),
        new WindowSpec("card_tx_rate_10m", Aggregate.RATE, null, Duration.ofMinutes(10), 5)),
        64, Duration.ofMinutes(15));

    @Test
    void restoredInstanceContinuesWithIdenticalFeatures()
    {
        for (long seed = 1; seed <= 5; seed++)
        {
            final int cut = new SplittableRandom(seed).nextInt(1, EVENTS);
            final StreamingFeatures original = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC);
            final RandomEventStream events = stream(seed);
            final double[] expected = new double[3];
            final double[] actual = new double[3];
            for (int i = 0; i < cut; i++)
            {
                events.next();
                original.update(events.key, events.eventTimeNanos, events.fields, expected, 0);
            }
            final byte[] snapshot = original.snapshot();
            final StreamingFeatures restored = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC);
            restored.update(123, 0, events.fields, actual, 0);   // whatever it held is replaced
            restored.restore(snapshot);
            assertEquals(original.keyCount(), restored.keyCount());
            assertEquals(original.evictedKeys(), restored.evictedKeys());
            assertArrayEquals(snapshot, restored.snapshot(), "a restored state snapshots to the same bytes");

            for (int i = cut; i < EVENTS; i++)
            {
                events.next();
                original.update(events.key, events.eventTimeNanos, events.fields, expected, 0);
                restored.update(events.key, events.eventTimeNanos, events.fields, actual, 0);
                for (int f = 0; f < 3; f++)
                {
                    if (expected[f] != actual[f])
                    {
                        throw new AssertionError("seed " + seed + ", cut at " + cut + ", event " + i + ": feature " + f +
                            " is " + actual[f] + " after restore but " + expected[f] + " without");
                    }
                }
                assertEquals(original.keyCount(), restored.keyCount(), "keys at event " + i);
                assertEquals(original.evictedKeys(), restored.evictedKeys(), "evictions at event " + i);
            }
            assertTrue(original.evictedKeys() > 100, "the stream should evict, evicted " + original.evictedKeys());
            assertArrayEquals(original.snapshot(), restored.snapshot());
        }
    }

    @Test
    void sameEventsGiveTheSameSnapshotBytes()
    {
        final StreamingFeatures a = run(new StreamingFeatures(CONFIG, RandomEventStream.TOPIC), 7, 10_000);
        final StreamingFeatures b = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC);
        run(b, 99, 5_000);
        b.clear();
        run(b, 7, 10_000);
        assertArrayEquals(a.snapshot(), b.snapshot(), "history before clear() must not show in the bytes");
    }

    @Test
    void snapshotOfAnEmptyInstanceRestoresToEmpty()
    {
        final StreamingFeatures features = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC);
        final byte[] empty = features.snapshot();
        run(features, 3, 1_000);
        features.restore(empty);
        assertEquals(0, features.keyCount());
        assertEquals(0, features.evictedKeys());
    }

    @Test
    void snapshotFromAnotherConfigurationIsRefusedNamingTheDifference()
    {
        final byte[] snapshot = run(new StreamingFeatures(CONFIG, RandomEventStream.TOPIC), 5, 2_000).snapshot();
        final List<WindowSpec> windows = List.of(CONFIG.windows().get(0),
            new WindowSpec("card_spend_10m", Aggregate.SUM, FraudFeatures.AMOUNT, Duration.ofMinutes(10), 6),
            CONFIG.windows().get(2));
        final StreamingFeatures other = run(new StreamingFeatures(
            new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, windows, 64, Duration.ofMinutes(15)), RandomEventStream.TOPIC), 5, 2_000);

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> other.restore(snapshot));
        assertTrue(refused.getMessage().contains("different configuration"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'windows[1]=card_spend_10m SUM amount window=PT10M buckets=12'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'windows[1]=card_spend_10m SUM amount window=PT10M buckets=6'"), refused.getMessage());
        assertLeftEmpty(other);

        final StreamingFeatures moreKeys = new StreamingFeatures(
            new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, CONFIG.windows(), 65, Duration.ofMinutes(15)), RandomEventStream.TOPIC);
        final IllegalArgumentException refusedKeys = assertThrows(IllegalArgumentException.class, () -> moreKeys.restore(snapshot));
        assertTrue(refusedKeys.getMessage().contains("'maxKeys=64' where this instance has 'maxKeys=65'"), refusedKeys.getMessage());
    }

    @Test
    void truncatedSnapshotIsRefusedAndLeavesTheStateEmpty()
    {
        final byte[] snapshot = run(new StreamingFeatures(CONFIG, RandomEventStream.TOPIC), 5, 2_000).snapshot();
        final StreamingFeatures features = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC);
        for (final int length : new int[]{0, 3, 12, 30, 200, snapshot.length / 2, snapshot.length - 1})
        {
            run(features, 6, 500);
            final byte[] truncated = Arrays.copyOf(snapshot, length);
            final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> features.restore(truncated));
            assertTrue(refused.getMessage().contains("truncated"), length + " bytes: " + refused.getMessage());
            assertLeftEmpty(features);
        }
    }

    @Test
    void corruptSnapshotIsRefusedByItsChecksum()
    {
        final byte[] snapshot = run(new StreamingFeatures(CONFIG, RandomEventStream.TOPIC), 5, 2_000).snapshot();
        final byte[] corrupt = snapshot.clone();
        corrupt[corrupt.length / 2] ^= 0x10;
        final StreamingFeatures features = run(new StreamingFeatures(CONFIG, RandomEventStream.TOPIC), 6, 500);
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> features.restore(corrupt));
        assertTrue(refused.getMessage().contains("checksum does not match"), refused.getMessage());
        assertLeftEmpty(features);

        final byte[] longer = Arrays.copyOf(snapshot, snapshot.length + 1);
        final IllegalArgumentException refusedLonger = assertThrows(IllegalArgumentException.class, () -> features.restore(longer));
        assertTrue(refusedLonger.getMessage().contains("1 bytes after its end"), refusedLonger.getMessage());
    }

    @Test
    void snapshotOfAnotherFormatOrKindIsRefused()
    {
        final byte[] snapshot = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC).snapshot();
        final StreamingFeatures features = new StreamingFeatures(CONFIG, RandomEventStream.TOPIC);

        final byte[] nextVersion = snapshot.clone();
        ByteBuffer.wrap(nextVersion).putInt(4, StreamingFeaturesSnapshot.FORMAT_VERSION + 1);
        final IllegalArgumentException refusedVersion = assertThrows(IllegalArgumentException.class, () -> features.restore(nextVersion));
        assertTrue(refusedVersion.getMessage().contains("format version 2 and this build reads version 1"), refusedVersion.getMessage());

        final byte[] notOurs = "{\"not\": \"a snapshot at all\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final IllegalArgumentException refusedKind = assertThrows(IllegalArgumentException.class, () -> features.restore(notOurs));
        assertTrue(refusedKind.getMessage().contains("magic number"), refusedKind.getMessage());
        assertLeftEmpty(features);
    }

    private static void assertLeftEmpty(final StreamingFeatures features)
    {
        assertEquals(0, features.keyCount());
        assertEquals(0, features.evictedKeys());
        final double[] out = new double[3];
        final double[] fields = new double[RandomEventStream.TOPIC.fields().size()];
        fields[FraudFeatures.AMOUNT_INDEX] = 2.5;
        features.update(1, 0, fields, out, 0);
        assertArrayEquals(new double[]{1, 2.5, 1 / 600.0}, out, "a refused restore leaves no keys behind");
        features.clear();
    }

    private static StreamingFeatures run(final StreamingFeatures features, final long seed, final int events)
    {
        final RandomEventStream stream = stream(seed);
        final double[] out = new double[features.featureCount()];
        for (int i = 0; i < events; i++)
        {
            stream.next();
            features.update(stream.key, stream.eventTimeNanos, stream.fields, out, 0);
        }
        return features;
    }

    private static RandomEventStream stream(final long seed)
    {
        return new RandomEventStream(seed, 200, 1_700_000_000L * SECOND, 200_000_000L, 5 * SECOND, 20 * 60 * SECOND);
    }
}
