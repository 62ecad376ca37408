package dev.rill.ml.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import dev.rill.ml.FraudFeatures;
import org.junit.jupiter.api.Test;

class StreamingFeaturesTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * SECOND;
    private static final int COUNT_1M = 0;
    private static final int SPEND_1H = 1;
    private static final int RATE_1H = 2;

    private final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
    private final double[] out = new double[3];

    @Test
    void defaultsNameTheirFeaturesInWindowOrder()
    {
        final StreamingFeatures features = defaults();
        assertEquals(List.of("card_tx_count_1m", "card_spend_1h", "card_tx_rate_1h"), features.featureNames());
        assertEquals(3, features.featureCount());
        assertEquals(FraudFeatures.PAYMENTS_TOPIC, features.config().topic());
    }

    @Test
    void firstEventOfAKeyHasCountOneAndSumOfItsAmount()
    {
        final StreamingFeatures features = defaults();
        update(features, 42, T0, 42.5);
        assertArrayEquals(new double[]{1, 42.5, 1 / 3600.0}, out);
        assertEquals(1, features.keyCount());
    }

    @Test
    void eventsOfTheSameKeyAccumulateAndOtherKeysStaySeparate()
    {
        final StreamingFeatures features = defaults();
        update(features, 1, T0, 10);
        update(features, 2, T0 + SECOND, 1000);
        update(features, 1, T0 + 2 * SECOND, 5.25);
        assertArrayEquals(new double[]{2, 15.25, 2 / 3600.0}, out);
        update(features, 2, T0 + 3 * SECOND, 1);
        assertArrayEquals(new double[]{2, 1001, 2 / 3600.0}, out);
    }

    @Test
    void eventsExactlyAtBucketAndWindowEdgesCountByBucket()
    {
        // 1 min in 12 buckets of 5 s. An event at 0 s sits in bucket 0.
        final StreamingFeatures features = defaults();
        final long t = 0;
        update(features, 7, t, 1);
        assertEquals(1, out[COUNT_1M]);
        // 59.999999999 s is bucket 11: buckets 0 to 11 still include the first event.
        update(features, 7, t + 60 * SECOND - 1, 1);
        assertEquals(2, out[COUNT_1M]);
        // 60 s exactly is bucket 12: bucket 0 has left the window, the 59.99 s event has not.
        update(features, 7, t + 60 * SECOND, 1);
        assertEquals(2, out[COUNT_1M]);
        // Bucket granularity: the 60 s event (bucket 12) still counts at 119.999999999 s (bucket 23),
        // while the 59.99 s event (bucket 11) does not, though it is only 60 s old.
        update(features, 7, t + 120 * SECOND - 1, 1);
        assertEquals(2, out[COUNT_1M]);
    }

    @Test
    void aWindowCountsBetweenFiftyFiveAndSixtySecondsOfHistory()
    {
        final StreamingFeatures features = defaults();
        update(features, 7, 5 * SECOND - 1, 1);        // last nanosecond of bucket 0
        update(features, 7, 60 * SECOND, 1);           // bucket 12: 55 s + 1 ns later, already out
        assertEquals(1, out[COUNT_1M]);

        final StreamingFeatures other = defaults();
        update(other, 7, 5 * SECOND, 1);               // first nanosecond of bucket 1
        update(other, 7, 65 * SECOND - 1, 1);          // bucket 12: 60 s - 1 ns later, still in
        assertEquals(2, out[COUNT_1M]);
    }

    @Test
    void singleBucketWindowIsTumbling()
    {
        final StreamingFeatures features = new StreamingFeatures(config(new WindowSpec("c", Aggregate.COUNT, null, Duration.ofSeconds(10), 1)),
            FraudFeatures.payments());
        final double[] one = new double[1];
        features.update(1, 9 * SECOND, fields, one, 0);
        features.update(1, 10 * SECOND - 1, fields, one, 0);
        assertEquals(2, one[0]);
        features.update(1, 10 * SECOND, fields, one, 0);
        assertEquals(1, one[0]);
    }

    @Test
    void outOfOrderEventInsideTheWindowIsAddedToItsOwnBucket()
    {
        final StreamingFeatures features = defaults();
        update(features, 7, 100 * SECOND, 10);   // bucket 20
        // Bucket 18, 10 s late: added. Its 1 min window (buckets 7..18) excludes the newer event; in
        // the 1 h window (5 min buckets) both share bucket 0, so there it sees the newer one.
        update(features, 7, 90 * SECOND, 20);
        assertArrayEquals(new double[]{1, 30, 2 / 3600.0}, out);
        update(features, 7, 101 * SECOND, 30);   // sees all three
        assertArrayEquals(new double[]{3, 60, 3 / 3600.0}, out);
    }

    @Test
    void eventLaterInTheSameBucketAlreadyCountsForAnEarlierOneArrivingAfterIt()
    {
        final StreamingFeatures features = defaults();
        update(features, 7, 104 * SECOND, 10);   // bucket 20
        update(features, 7, 101 * SECOND, 20);   // bucket 20 too: bucket granularity includes the later event
        assertEquals(2, out[COUNT_1M]);
    }

    @Test
    void tooLateEventIsNotAddedButGetsFeaturesFromWhatIsKept()
    {
        final StreamingFeatures features = defaults();
        update(features, 7, 100 * SECOND, 10);   // 1 min window: bucket 20, ring position 8
        update(features, 7, 170 * SECOND, 20);   // bucket 34, position 10: bucket 20 stays in the ring
        // 105 s is bucket 21 <= 34 - 12: too late for the 1 min window, not added. Its own window
        // (buckets 10..21) still finds the 100 s event. The 1 h window (one 5 min bucket so far) takes it.
        update(features, 7, 105 * SECOND, 40);
        assertArrayEquals(new double[]{1, 70, 3 / 3600.0}, out);
        update(features, 7, 171 * SECOND, 80);   // the too-late event is not in the 1 min window
        assertArrayEquals(new double[]{2, 150, 4 / 3600.0}, out);
    }

    @Test
    void tooLateEventDoesNotSeeABucketWrittenOver()
    {
        final StreamingFeatures features = defaults();
        update(features, 7, 100 * SECOND, 10);   // bucket 20, ring position 8
        update(features, 7, 160 * SECOND, 20);   // bucket 32, ring position 8: replaces bucket 20
        update(features, 7, 104 * SECOND, 40);   // bucket 20 <= 32 - 12: too late; bucket 20 is gone
        assertEquals(0, out[COUNT_1M]);
        assertEquals(70, out[SPEND_1H]);
    }

    @Test
    void nanAmountAddsNothingToTheSumButStillCounts()
    {
        final StreamingFeatures features = defaults();
        update(features, 7, T0, 12.5);
        update(features, 7, T0 + SECOND, Double.NaN);
        assertArrayEquals(new double[]{2, 12.5, 2 / 3600.0}, out);
    }

    @Test
    void windowsForgetEventsAsEventTimeMovesOn()
    {
        final StreamingFeatures features = defaults();
        for (int i = 0; i < 10; i++)
        {
            update(features, 7, T0 + i * SECOND, 1);
        }
        assertArrayEquals(new double[]{10, 10, 10 / 3600.0}, out);
        update(features, 7, T0 + 30 * 60 * SECOND, 1);
        assertArrayEquals(new double[]{1, 11, 11 / 3600.0}, out);
        update(features, 7, T0 + 2 * 3600 * SECOND, 1);
        assertArrayEquals(new double[]{1, 1, 1 / 3600.0}, out);
    }

    @Test
    void peekReadsWithoutApplyingAnEvent()
    {
        final StreamingFeatures features = defaults();
        final double[] peeked = new double[4];
        features.peek(7, T0, peeked, 1);
        assertArrayEquals(new double[]{0, 0, 0, 0}, peeked, "unknown key");

        update(features, 7, T0, 10);
        update(features, 7, T0 + SECOND, 20);
        features.peek(7, T0 + SECOND, peeked, 1);
        assertArrayEquals(new double[]{0, 2, 30, 2 / 3600.0}, peeked);
        features.peek(7, T0 + 10 * 60 * SECOND, peeked, 1);
        assertArrayEquals(new double[]{0, 0, 30, 2 / 3600.0}, peeked, "1 min window has moved past both events");
        features.peek(7, T0 + 10 * 60 * SECOND, peeked, 1);

        update(features, 7, T0 + 2 * SECOND, 5);
        assertArrayEquals(new double[]{3, 35, 3 / 3600.0}, out, "peeking added nothing");
        assertEquals(1, features.keyCount());
    }

    @Test
    void peekDoesNotChangeWhichKeyIsLeastRecentlyUpdated()
    {
        final StreamingFeatures features = new StreamingFeatures(
            new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, defaults().config().windows(), 2, Duration.ofHours(2)),
            FraudFeatures.payments());
        update(features, 1, T0, 1);
        update(features, 2, T0, 1);
        features.peek(1, T0, new double[3], 0);
        update(features, 3, T0, 1);              // evicts 1, the least recently updated, peeked or not
        final double[] peeked = new double[3];
        features.peek(1, T0, peeked, 0);
        assertArrayEquals(new double[]{0, 0, 0}, peeked);
        features.peek(2, T0, peeked, 0);
        assertEquals(1, peeked[COUNT_1M]);
    }

    @Test
    void keyBoundHoldsAndTheLeastRecentlyUpdatedKeyIsEvicted()
    {
        final StreamingFeatures features = new StreamingFeatures(
            new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, defaults().config().windows(), 3, Duration.ofHours(2)),
            FraudFeatures.payments());
        update(features, 1, T0, 1);
        update(features, 2, T0 + 1, 1);
        update(features, 3, T0 + 2, 1);
        update(features, 1, T0 + 3, 1);          // 1 is now the most recent; 2 the least
        assertEquals(3, features.keyCount());
        assertEquals(0, features.evictedKeys());

        update(features, 4, T0 + 4, 1);
        assertEquals(3, features.keyCount());
        assertEquals(1, features.evictedKeys());
        final double[] peeked = new double[3];
        features.peek(2, T0 + 4, peeked, 0);
        assertEquals(0, peeked[COUNT_1M], "key 2 was evicted");
        features.peek(1, T0 + 4, peeked, 0);
        assertEquals(2, peeked[COUNT_1M], "key 1 was kept");
        features.peek(3, T0 + 4, peeked, 0);
        assertEquals(1, peeked[COUNT_1M], "key 3 was kept");

        update(features, 2, T0 + 5, 1);          // comes back empty, evicting 3
        assertEquals(1, out[COUNT_1M]);
        assertEquals(2, features.evictedKeys());
        features.peek(3, T0 + 5, peeked, 0);
        assertEquals(0, peeked[COUNT_1M]);
        assertEquals(3, features.keyCount());
    }

    @Test
    void idleKeysAreEvictedOnceIdleTimeoutOfEventTimePasses()
    {
        final StreamingFeatures features = defaults();   // idle timeout 2 h
        update(features, 1, T0, 1);
        update(features, 2, T0, 1);
        update(features, 3, T0 + 7200 * SECOND, 1);     // exactly 2 h: not yet idle
        assertEquals(3, features.keyCount());
        assertEquals(0, features.evictedKeys());

        update(features, 3, T0 + 7200 * SECOND + 1, 1);  // 1 ns more: both are idle
        assertEquals(1, features.keyCount());
        assertEquals(2, features.evictedKeys());
        final double[] peeked = new double[3];
        features.peek(1, T0, peeked, 0);
        assertArrayEquals(new double[]{0, 0, 0}, peeked);
    }

    @Test
    void idleEvictionTakesAtMostTwoKeysPerUpdate()
    {
        final StreamingFeatures features = defaults();
        for (int key = 1; key <= 5; key++)
        {
            update(features, key, T0, 1);
        }
        update(features, 99, T0 + 3 * 3600 * SECOND, 1);
        assertEquals(2, features.evictedKeys());
        assertEquals(4, features.keyCount());
        update(features, 99, T0 + 3 * 3600 * SECOND, 1);
        assertEquals(4, features.evictedKeys());
        update(features, 99, T0 + 3 * 3600 * SECOND, 1);
        assertEquals(5, features.evictedKeys());
        assertEquals(1, features.keyCount());
    }

    @Test
    void idleEvictionStopsAtTheFirstColdKeyThatIsNotIdle()
    {
        final StreamingFeatures features = defaults();
        update(features, 1, T0 + 3 * 3600 * SECOND, 1);  // coldest, and recent in event time
        update(features, 2, T0, 1);                      // idle, but behind key 1 in update order
        update(features, 3, T0 + 3 * 3600 * SECOND, 1);
        assertEquals(0, features.evictedKeys());
        assertEquals(3, features.keyCount());
    }

    @Test
    void aKeyThatWasIdleStartsFromEmptyWhenItComesBack()
    {
        final StreamingFeatures features = defaults();
        update(features, 1, T0, 100);
        update(features, 1, T0 + 3 * 3600 * SECOND, 1);
        assertEquals(1, features.evictedKeys());
        assertArrayEquals(new double[]{1, 1, 1 / 3600.0}, out);
    }

    @Test
    void clearForgetsEveryKey()
    {
        final StreamingFeatures features = defaults();
        update(features, 1, T0, 100);
        update(features, 2, T0, 100);
        features.clear();
        assertEquals(0, features.keyCount());
        assertEquals(0, features.evictedKeys());
        update(features, 1, T0, 3);
        assertArrayEquals(new double[]{1, 3, 1 / 3600.0}, out);
    }

    private void update(final StreamingFeatures features, final long key, final long t, final double amount)
    {
        fields[FraudFeatures.AMOUNT_INDEX] = amount;
        features.update(key, t, fields, out, 0);
    }

    private static StreamingFeatures defaults()
    {
        return new StreamingFeatures(StreamingFeaturesConfig.defaultsFor(FraudFeatures.PAYMENTS_TOPIC), FraudFeatures.payments());
    }

    private static StreamingFeaturesConfig config(final WindowSpec... windows)
    {
        return new StreamingFeaturesConfig(FraudFeatures.PAYMENTS_TOPIC, List.of(windows), 16, Duration.ofHours(1));
    }
}
