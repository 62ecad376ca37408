package dev.rill.ml;

import java.util.List;

import dev.rill.bus.TopicSchema;

/**
 * The card-payment fraud use case in one place: the {@code payments} topic's fields in wire
 * order, their positions, and the input features the fraud model computes from them.
 *
 * <p>Constants only; any thread. Ops configuration, the demo, the load generator, the trainer and
 * tests all take the names from here.
 */
public final class FraudFeatures
{
    /** Topic the fraud model scores. */
    public static final String PAYMENTS_TOPIC = "payments";

    /** Amount in the card's currency, for example 42.50. */
    public static final String AMOUNT = "amount";
    /** ISO 18245 merchant category code, for example 5411 (grocery). */
    public static final String MERCHANT_CATEGORY = "merchant_category";
    /** Hour of day in the cardholder's local time, 0 to 23. */
    public static final String HOUR_OF_DAY = "hour_of_day";
    /** Distance of the merchant from the cardholder's home, kilometres. */
    public static final String DISTANCE_FROM_HOME_KM = "distance_from_home_km";
    /** Days since the card was issued. */
    public static final String CARD_AGE_DAYS = "card_age_days";
    /** The card's transactions in the last minute, this one included (1 or more). */
    public static final String TX_COUNT_1M = "tx_count_1m";

    /** Fields of the payments topic, in wire order. */
    public static final List<String> PAYMENT_FIELDS =
        List.of(AMOUNT, MERCHANT_CATEGORY, HOUR_OF_DAY, DISTANCE_FROM_HOME_KM, CARD_AGE_DAYS, TX_COUNT_1M);

    /** Position of {@link #AMOUNT} in {@link #PAYMENT_FIELDS}. */
    public static final int AMOUNT_INDEX = 0;
    /** Position of {@link #MERCHANT_CATEGORY}. */
    public static final int MERCHANT_CATEGORY_INDEX = 1;
    /** Position of {@link #HOUR_OF_DAY}. */
    public static final int HOUR_OF_DAY_INDEX = 2;
    /** Position of {@link #DISTANCE_FROM_HOME_KM}. */
    public static final int DISTANCE_FROM_HOME_KM_INDEX = 3;
    /** Position of {@link #CARD_AGE_DAYS}. */
    public static final int CARD_AGE_DAYS_INDEX = 4;
    /** Position of {@link #TX_COUNT_1M}. */
    public static final int TX_COUNT_1M_INDEX = 5;

    /** MCCs with high fraud exposure: money transfer, gambling, electronics, quasi-cash/crypto. */
    public static final double[] HIGH_RISK_MCCS = {4829, 7995, 5732, 6051};
    /** MCCs where stolen value is cashed out at once: money transfer and quasi-cash/crypto. */
    public static final double[] CASH_LIKE_MCCS = {4829, 6051};
    /** Everyday MCCs: grocery, restaurants, fuel, transit, drug stores. */
    public static final double[] EVERYDAY_MCCS = {5411, 5812, 5541, 4111, 5912};

    /** Class label of a fraudulent payment in the trained model. */
    public static final String FRAUD_LABEL = "fraud";
    /** Class label of a legitimate payment in the trained model. */
    public static final String LEGIT_LABEL = "legit";

    private FraudFeatures()
    {
    }

    /** @return the payments topic schema. */
    public static TopicSchema payments()
    {
        return new TopicSchema(PAYMENTS_TOPIC, PAYMENT_FIELDS);
    }

    /**
     * The fraud model's input features, in declaration order. The trained model fixes its own
     * column order (Tribuo sorts feature names); {@code model.json} records that order.
     *
     * @return the feature specs.
     */
    public static List<FeatureSpec> fraudModelFeatures()
    {
        return List.of(
            FeatureSpec.of("amount_log", AMOUNT, FeatureTransform.LOG1P),
            FeatureSpec.of("mcc_high_risk", MERCHANT_CATEGORY, FeatureTransform.IN_SET, HIGH_RISK_MCCS),
            FeatureSpec.of("mcc_cash_like", MERCHANT_CATEGORY, FeatureTransform.IN_SET, CASH_LIKE_MCCS),
            FeatureSpec.of("mcc_everyday", MERCHANT_CATEGORY, FeatureTransform.IN_SET, EVERYDAY_MCCS),
            FeatureSpec.of("hour_night", HOUR_OF_DAY, FeatureTransform.IN_RANGE, 0, 5),
            FeatureSpec.of("hour_sin", HOUR_OF_DAY, FeatureTransform.CYCLIC_SIN, 24),
            FeatureSpec.of("hour_cos", HOUR_OF_DAY, FeatureTransform.CYCLIC_COS, 24),
            FeatureSpec.of("distance_log", DISTANCE_FROM_HOME_KM, FeatureTransform.LOG1P),
            FeatureSpec.of("card_age_log", CARD_AGE_DAYS, FeatureTransform.LOG1P),
            FeatureSpec.of("card_new", CARD_AGE_DAYS, FeatureTransform.IN_RANGE, 0, 30),
            FeatureSpec.of("tx_count_log", TX_COUNT_1M, FeatureTransform.LOG1P));
    }
}
