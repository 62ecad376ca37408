package dev.rill.ml.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import dev.rill.bus.ConfigException;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FraudFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class StreamingFeaturesConfigTest
{
    private static final String TOPIC = FraudFeatures.PAYMENTS_TOPIC;
    private static final WindowSpec COUNT_1M = new WindowSpec("card_tx_count_1m", Aggregate.COUNT, null, Duration.ofMinutes(1), 12);

    @Test
    void defaultsAreTheCardPaymentWindows()
    {
        final StreamingFeaturesConfig defaults = StreamingFeaturesConfig.defaultsFor(TOPIC);
        assertEquals(TOPIC, defaults.topic());
        assertEquals(List.of(
            new WindowSpec("card_tx_count_1m", Aggregate.COUNT, null, Duration.ofMinutes(1), 12),
            new WindowSpec("card_spend_1h", Aggregate.SUM, "amount", Duration.ofHours(1), 12),
            new WindowSpec("card_tx_rate_1h", Aggregate.RATE, null, Duration.ofHours(1), 12)), defaults.windows());
        assertEquals(100_000, defaults.maxKeys());
        assertEquals(Duration.ofHours(2), defaults.idleTimeout());
    }

    @Test
    void sumOfAFieldTheTopicLacksIsRefusedNamingTheWindowAndTheFields()
    {
        final StreamingFeaturesConfig config = new StreamingFeaturesConfig(TOPIC, List.of(COUNT_1M,
            new WindowSpec("card_spend_1h", Aggregate.SUM, "amout", Duration.ofHours(1), 12)), 10, Duration.ofHours(2));
        assertRefused("features.windows[1].field: value 'amout' is invalid: one of the fields of topic 'payments': " +
            FraudFeatures.PAYMENT_FIELDS, () -> new StreamingFeatures(config, FraudFeatures.payments()));
    }

    @Test
    void sumWithoutAFieldIsRefused()
    {
        assertRefused("features.windows['spend'].field: value 'null' is invalid: SUM needs the name of the topic field to sum",
            () -> new WindowSpec("spend", Aggregate.SUM, null, Duration.ofHours(1), 12));
    }

    @Test
    void countOrRateWithAFieldIsRefused()
    {
        assertRefused("features.windows['tx_count'].field: value 'amount' is invalid: COUNT reads no field; remove 'field' or use SUM",
            () -> new WindowSpec("tx_count", Aggregate.COUNT, "amount", Duration.ofMinutes(1), 12));
        assertRefused("features.windows['tx_rate'].field: value '' is invalid: RATE reads no field",
            () -> new WindowSpec("tx_rate", Aggregate.RATE, "", Duration.ofMinutes(1), 12));
    }

    @Test
    void zeroBucketsAreRefused()
    {
        assertRefused("features.windows['tx_count'].buckets: value '0' is invalid: 1 to 1024",
            () -> new WindowSpec("tx_count", Aggregate.COUNT, null, Duration.ofMinutes(1), 0));
    }

    @Test
    void windowThatDoesNotSplitIntoWholeMillisecondBucketsIsRefused()
    {
        assertRefused("features.windows['tx_count'].window: value 'PT1M' is invalid: it must split into 7 buckets of whole " +
            "milliseconds, and 60000 ms / 7 does not",
            () -> new WindowSpec("tx_count", Aggregate.COUNT, null, Duration.ofMinutes(1), 7));
        assertRefused("features.windows['tx_count'].window: value 'PT0.0015S' is invalid",
            () -> new WindowSpec("tx_count", Aggregate.COUNT, null, Duration.ofNanos(1_500_000), 1));
        assertRefused("features.windows['tx_count'].window: value 'PT0S' is invalid",
            () -> new WindowSpec("tx_count", Aggregate.COUNT, null, Duration.ZERO, 1));
    }

    @Test
    void badNamesAndMissingAggregateAreRefused()
    {
        assertRefused("features.windows[].name: value 'tx count' is invalid: 1 to 64 letters, digits or underscores",
            () -> new WindowSpec("tx count", Aggregate.COUNT, null, Duration.ofMinutes(1), 12));
        assertRefused("features.windows['tx_count'].aggregate: value 'null' is invalid: one of COUNT, SUM, RATE",
            () -> new WindowSpec("tx_count", null, null, Duration.ofMinutes(1), 12));
    }

    @Test
    void duplicateFeatureNamesAreRefused()
    {
        assertRefused("features.windows[2].name: value 'card_tx_count_1m' is invalid: names must be unique and " +
            "features.windows[0] already uses it",
            () -> new StreamingFeaturesConfig(TOPIC, List.of(COUNT_1M,
                new WindowSpec("other", Aggregate.RATE, null, Duration.ofMinutes(1), 12), COUNT_1M), 10, Duration.ofHours(2)));
    }

    @Test
    void featureNamedLikeATopicFieldIsRefused()
    {
        final StreamingFeaturesConfig config = new StreamingFeaturesConfig(TOPIC, List.of(COUNT_1M,
            new WindowSpec(FraudFeatures.TX_COUNT_1M, Aggregate.COUNT, null, Duration.ofMinutes(1), 12)), 10, Duration.ofHours(2));
        assertRefused("features.windows[1].name: value 'tx_count_1m' is invalid: it is already a field of topic 'payments'",
            () -> new StreamingFeatures(config, FraudFeatures.payments()));
    }

    @Test
    void configForAnotherTopicIsRefused()
    {
        assertRefused("features.topic: value 'payments' is invalid: the features are being built for topic 'logins'",
            () -> new StreamingFeatures(StreamingFeaturesConfig.defaultsFor(TOPIC), new TopicSchema("logins", List.of("amount"))));
    }

    @Test
    void boundsOfTheWholeConfigAreChecked()
    {
        assertRefused("features.windows: value '[]' is invalid: at least one window",
            () -> new StreamingFeaturesConfig(TOPIC, List.of(), 10, Duration.ofHours(2)));
        assertRefused("features.maxKeys: value '0' is invalid: 1 to 100000000",
            () -> new StreamingFeaturesConfig(TOPIC, List.of(COUNT_1M), 0, Duration.ofHours(2)));
        assertRefused("features.maxKeys: value '100000000' is invalid: maxKeys x buckets of all windows (1000) must be at most",
            () -> new StreamingFeaturesConfig(TOPIC, List.of(new WindowSpec("c", Aggregate.COUNT, null, Duration.ofSeconds(1), 1000)),
                100_000_000, Duration.ofHours(2)));
        assertRefused("features.idleTimeout: value 'PT30M' is invalid: a duration at least the longest window (PT1H)",
            () -> new StreamingFeaturesConfig(TOPIC, List.of(COUNT_1M,
                new WindowSpec("rate", Aggregate.RATE, null, Duration.ofHours(1), 12)), 10, Duration.ofMinutes(30)));
        assertRefused("features.topic: value 'null' is invalid",
            () -> new StreamingFeaturesConfig(null, List.of(COUNT_1M), 10, Duration.ofHours(2)));
    }

    private static void assertRefused(final String messageStart, final Executable construction)
    {
        final ConfigException refused = assertThrows(ConfigException.class, construction);
        assertTrue(refused.getMessage().startsWith(messageStart), "message was: " + refused.getMessage());
    }
}
