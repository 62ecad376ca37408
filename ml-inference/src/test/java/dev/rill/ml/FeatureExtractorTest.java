package dev.rill.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;

import dev.rill.bus.ConfigException;
import dev.rill.bus.TopicSchema;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest
{
    private static ModelDescriptor descriptorWith(final List<FeatureSpec> features)
    {
        return new ModelDescriptor("t", 1, "payments", "input", "output", 2, 0, "fraud", features, 0.5,
            null, null, null, "0".repeat(64));
    }

    @Test
    void refusesATopicThatLacksAFieldAFeatureNeedsAndNamesTheField()
    {
        final TopicSchema noTxCount = new TopicSchema("payments",
            List.of("amount", "merchant_category", "hour_of_day", "distance_from_home_km", "card_age_days"));
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> new FeatureExtractor(descriptorWith(FraudFeatures.fraudModelFeatures()), noTxCount));
        assertTrue(ex.getMessage().contains("'tx_count_1m'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("tx_count_log"), ex.getMessage());
    }

    @Test
    void writesEachTransformInTheDescriptorsColumnOrderAtTheRequestedRow()
    {
        final ModelDescriptor descriptor = descriptorWith(List.of(
            FeatureSpec.of("tx", FraudFeatures.TX_COUNT_1M, FeatureTransform.IDENTITY),
            FeatureSpec.of("amount_log", FraudFeatures.AMOUNT, FeatureTransform.LOG1P),
            FeatureSpec.of("risky", FraudFeatures.MERCHANT_CATEGORY, FeatureTransform.IN_SET, 4829, 6051),
            FeatureSpec.of("night", FraudFeatures.HOUR_OF_DAY, FeatureTransform.IN_RANGE, 0, 5),
            FeatureSpec.of("sin", FraudFeatures.HOUR_OF_DAY, FeatureTransform.CYCLIC_SIN, 24),
            FeatureSpec.of("cos", FraudFeatures.HOUR_OF_DAY, FeatureTransform.CYCLIC_COS, 24)));
        final FeatureExtractor extractor = new FeatureExtractor(descriptor, FraudFeatures.payments());
        final FloatBuffer rows = FloatBuffer.allocate(2 * extractor.featureCount());

        extractor.extract(new double[]{99.0, 6051, 6, 12.5, 400, 3}, rows, 1);

        final float[] second = new float[6];
        rows.get(6, second);
        assertArrayEquals(new float[]{3f, (float)Math.log(100.0), 1f, 0f, 1f, (float)Math.cos(Math.PI / 2)}, second, 1e-6f);
        assertEquals(0f, rows.get(0), "row 0 untouched");
        assertEquals(0, rows.position(), "absolute puts only");
    }

    @Test
    void cyclicFeaturesOfWholeHoursComeFromTheTableWithExactlyTheComputedValues()
    {
        final ModelDescriptor descriptor = descriptorWith(List.of(
            FeatureSpec.of("sin", FraudFeatures.HOUR_OF_DAY, FeatureTransform.CYCLIC_SIN, 24),
            FeatureSpec.of("cos", FraudFeatures.HOUR_OF_DAY, FeatureTransform.CYCLIC_COS, 24)));
        final FeatureExtractor extractor = new FeatureExtractor(descriptor, FraudFeatures.payments());
        for (final double hour : new double[] {0, 1, 7, 13.5, 23, 24, 30, -1})
        {
            final float[] row = extractor.extractToArray(new double[] {1, 5411, hour, 1, 1, 1});
            assertEquals((float)FeatureTransform.CYCLIC_SIN.apply(hour, new double[] {24}), row[0], "sin of " + hour);
            assertEquals((float)FeatureTransform.CYCLIC_COS.apply(hour, new double[] {24}), row[1], "cos of " + hour);
        }
    }

    @Test
    void log1pTreatsNegativeAsZeroButPassesNaNThrough()
    {
        assertEquals(0.0, FeatureTransform.LOG1P.apply(-5.0, new double[0]));
        assertTrue(Double.isNaN(FeatureTransform.LOG1P.apply(Double.NaN, new double[0])));
    }
}
