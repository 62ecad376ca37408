package dev.rill.ml.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import dev.rill.ml.FraudFeatures;
import org.junit.jupiter.api.Test;

class StreamingFeaturesAllocationTest
{
    /** Slack for the measurement itself (the MXBean call); the updates are meant to allocate nothing. */
    private static final long MAX_BYTES = 1024;
    private static final int UPDATES = 100_000;
    private static final long SECOND = 1_000_000_000L;

    private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private final long thread = Thread.currentThread().getId();

    @Test
    void updatesOfExistingKeysAllocateNothing()
    {
        final StreamingFeatures features = new StreamingFeatures(
            StreamingFeaturesConfig.defaultsFor(FraudFeatures.PAYMENTS_TOPIC), FraudFeatures.payments());
        final Updates updates = new Updates(features, 1_000, 1_000_000L);
        updates.run(UPDATES);                    // every key live, every code path compiled

        final long before = threads.getThreadAllocatedBytes(thread);
        updates.run(UPDATES);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(1_000, features.keyCount());
        assertEquals(0, features.evictedKeys());
        assertTrue(updates.checksum > 0);
        assertTrue(allocated < MAX_BYTES, "allocated " + allocated + " B in " + UPDATES + " updates");
    }

    @Test
    void updatesThatEvictAndInsertKeysAllocateNothing()
    {
        final StreamingFeatures features = new StreamingFeatures(new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC,
            StreamingFeaturesConfig.defaultsFor(FraudFeatures.PAYMENTS_TOPIC).windows(), 500, Duration.ofHours(1)), FraudFeatures.payments());
        // 5,000 keys through 500 slots, and 1 h of event time every 36,000 events: both kinds of eviction.
        final Updates updates = new Updates(features, 5_000, 100_000_000L);
        updates.run(UPDATES);

        final long evictedBefore = features.evictedKeys();
        final long before = threads.getThreadAllocatedBytes(thread);
        updates.run(UPDATES);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(features.evictedKeys() - evictedBefore > UPDATES / 2, "evicted " + (features.evictedKeys() - evictedBefore));
        assertTrue(allocated < MAX_BYTES, "allocated " + allocated + " B in " + UPDATES + " updates");
    }

    @Test
    void constructionAllocatesTheDocumentedBytesPerKey()
    {
        final long before = threads.getThreadAllocatedBytes(thread);
        final StreamingFeatures features = new StreamingFeatures(
            StreamingFeaturesConfig.defaultsFor(FraudFeatures.PAYMENTS_TOPIC), FraudFeatures.payments());
        final long perKey = (threads.getThreadAllocatedBytes(thread) - before) / features.config().maxKeys();
        // Class javadoc: 864 B of rings + 28 B of bookkeeping + ~42 B of key map = 934 B per key.
        assertTrue(perKey >= 930 && perKey <= 940, perKey + " B per key");
    }

    /** Round-robin over keys with event time moving forward, a little out of order; no allocation. */
    private static final class Updates
    {
        private final StreamingFeatures features;
        private final int keys;
        private final long gapNanos;
        private final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
        private final double[] out = new double[3];
        private long eventTime = 1_700_000_000L * SECOND;
        private long sequence;
        double checksum;

        Updates(final StreamingFeatures features, final int keys, final long gapNanos)
        {
            this.features = features;
            this.keys = keys;
            this.gapNanos = gapNanos;
        }

        void run(final int count)
        {
            for (int i = 0; i < count; i++)
            {
                sequence++;
                eventTime += gapNanos;
                final long key = (sequence * 7919) % keys;
                fields[FraudFeatures.AMOUNT_INDEX] = sequence % 100;
                final long jitter = (sequence % 3) * gapNanos * 5;
                features.update(key, eventTime - jitter, fields, out, 0);
                checksum += out[0] + out[1] + out[2];
            }
        }
    }
}
