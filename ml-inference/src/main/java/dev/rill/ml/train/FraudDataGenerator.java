package dev.rill.ml.train;

import java.util.SplittableRandom;

import dev.rill.ml.FraudFeatures;

/**
 * A deterministic stream of synthetic card payments with fraud labels, for training the fraud
 * model, for the demo and for load generation.
 *
 * <p>The same seed gives the same stream on every JVM (it uses only {@link SplittableRandom}'s
 * integer and double draws and its own Box-Muller normals). Payments have the
 * {@link FraudFeatures#PAYMENT_FIELDS} in wire order. The structure:
 * <ul>
 *   <li><b>Cards.</b> A pool of {@code cardCount} cards, each with a fixed age: one card in 33
 *       is new (0 to 30 days), the rest log-normal around 650 days (capped at 9000).</li>
 *   <li><b>Actor.</b> A hidden variable: 4 % of payments are made by someone other than the
 *       cardholder. It is never emitted; it shifts every field's distribution and the fraud
 *       risk, so the fields carry evidence of it but never prove it.</li>
 *   <li><b>Merchant category.</b> Ten ISO 18245 codes (5411 grocery, 5812 restaurants, 5541 fuel,
 *       5999 misc retail, 4111 transit, 5912 drug stores, 5732 electronics, 4829 money transfer,
 *       7995 gambling, 6051 quasi-cash/crypto). Cardholders mostly buy everyday categories; the
 *       actor favours electronics, money transfer, gambling and quasi-cash.</li>
 *   <li><b>Amount.</b> Log-normal with a median and spread per category (3.50 transit to 210
 *       quasi-cash); the actor's amounts are multiplied by a log-normal factor around 2.2.
 *       Rounded to cents, at least 0.50.</li>
 *   <li><b>Hour.</b> Cardholders follow a diurnal curve (quiet 1 to 5, peaks at lunch and early
 *       evening); the actor's hours are nearly flat with more weight at night.</li>
 *   <li><b>Distance from home.</b> Heavy-tailed: 70 % local (median 4 km), 25 % regional
 *       (median 25 km), 5 % travel (Pareto from 150 km); 45 % of the actor's payments are remote
 *       (Pareto from 80 km). Capped at 18000 km, rounded to 0.1 km.</li>
 *   <li><b>Transactions in the last minute.</b> Mostly 1, sometimes 2 or 3; 40 % of the actor's
 *       payments come in bursts of 2 to 20.</li>
 *   <li><b>Fraud label.</b> Drawn from a latent logit: a strong actor term, plus night and high
 *       amount together, far from home, new card, bursts, high-risk category, high-risk category
 *       on a new card, a little for the amount itself, and Gaussian noise. The interactions and
 *       the noise are what a linear model on the fields cannot fully learn. The base rate is
 *       about 2 to 3 %.</li>
 * </ul>
 *
 * <p>Threading: one owner thread. {@link #next(double[])} does not allocate.
 */
public final class FraudDataGenerator
{
    /** Default number of cards in the pool. */
    public static final int DEFAULT_CARD_COUNT = 100_000;
    /** First card id; card i of the pool has id {@code FIRST_CARD_ID + i}. */
    public static final long FIRST_CARD_ID = 4_000_000_000L;

    private static final int NEW_CARD_EVERY = 33;
    private static final double ACTOR_RATE = 0.04;

    private static final double[] MCC = {5411, 5812, 5541, 5999, 4111, 5912, 5732, 4829, 7995, 6051};
    private static final double[] MCC_LEGIT_WEIGHT = {.24, .18, .12, .15, .08, .07, .06, .04, .03, .03};
    private static final double[] MCC_ACTOR_WEIGHT = {.06, .04, .06, .12, .02, .03, .22, .20, .12, .13};
    private static final double[] AMOUNT_MEDIAN = {38, 27, 48, 30, 3.5, 18, 190, 160, 55, 210};
    private static final double[] AMOUNT_SIGMA = {.7, .6, .4, .9, .5, .7, .9, 1.0, 1.1, 1.0};
    private static final double[] HOUR_LEGIT_WEIGHT = {
        1.0, .6, .4, .3, .3, .5, 1.2, 2.5, 3.5, 4.0, 4.3, 5.0, 5.8, 5.5, 4.8, 4.6, 4.8, 5.5, 6.0, 5.8, 5.0, 4.0, 3.0, 1.8};
    private static final double[] HOUR_ACTOR_WEIGHT = {
        3.5, 3.8, 4.0, 3.8, 3.5, 3.0, 2.5, 2.5, 3.0, 3.0, 3.0, 3.2, 3.5, 3.5, 3.0, 3.0, 3.0, 3.2, 3.4, 3.4, 3.4, 3.4, 3.5, 3.5};

    private static final double[] MCC_LEGIT_CDF = cumulative(MCC_LEGIT_WEIGHT);
    private static final double[] MCC_ACTOR_CDF = cumulative(MCC_ACTOR_WEIGHT);
    private static final double[] HOUR_LEGIT_CDF = cumulative(HOUR_LEGIT_WEIGHT);
    private static final double[] HOUR_ACTOR_CDF = cumulative(HOUR_ACTOR_WEIGHT);

    private final SplittableRandom random;
    private final double[] cardAgeDays;
    private boolean hasSpareNormal;
    private double spareNormal;
    private boolean lastWasFraud;
    private long lastCardId;
    private long count;

    /** @param seed the stream's seed; the same seed gives the same payments. */
    public FraudDataGenerator(final long seed)
    {
        this(seed, DEFAULT_CARD_COUNT);
    }

    /**
     * @param seed      the stream's seed.
     * @param cardCount cards in the pool, at least {@value #NEW_CARD_EVERY}.
     */
    public FraudDataGenerator(final long seed, final int cardCount)
    {
        if (cardCount < NEW_CARD_EVERY)
        {
            throw new IllegalArgumentException("cardCount must be at least " + NEW_CARD_EVERY + ", found " + cardCount);
        }
        random = new SplittableRandom(seed);
        cardAgeDays = new double[cardCount];
        for (int i = 0; i < cardCount; i++)
        {
            cardAgeDays[i] = i % NEW_CARD_EVERY == 0 ?
                random.nextInt(31) :
                Math.min(9000.0, Math.rint(31 + logNormal(650, 0.8)));
        }
    }

    /**
     * Generates the next payment.
     *
     * @param fieldsOut receives the {@link FraudFeatures#PAYMENT_FIELDS} values in wire order;
     *                  length at least 6.
     */
    public void next(final double[] fieldsOut)
    {
        final boolean actor = random.nextDouble() < ACTOR_RATE;

        final int card;
        if (actor && random.nextDouble() < 0.3)
        {
            card = NEW_CARD_EVERY * random.nextInt((cardAgeDays.length - 1) / NEW_CARD_EVERY + 1);
        }
        else
        {
            card = random.nextInt(cardAgeDays.length);
        }
        final double cardAge = cardAgeDays[card];

        final int m = pick(actor ? MCC_ACTOR_CDF : MCC_LEGIT_CDF);
        double amount = logNormal(AMOUNT_MEDIAN[m], AMOUNT_SIGMA[m]);
        if (actor)
        {
            amount *= logNormal(2.2, 0.5);
        }
        amount = Math.max(0.5, Math.rint(amount * 100.0) / 100.0);

        final int hour = pick(actor ? HOUR_ACTOR_CDF : HOUR_LEGIT_CDF);

        final double distance;
        if (actor && random.nextDouble() < 0.45)
        {
            distance = pareto(80.0, 0.9);
        }
        else
        {
            final double r = random.nextDouble();
            distance = r < 0.70 ? logNormal(4.0, 0.9) : r < 0.95 ? logNormal(25.0, 0.8) : pareto(150.0, 1.1);
        }

        final int txCount;
        if (actor && random.nextDouble() < 0.4)
        {
            txCount = Math.min(20, 2 + geometric(0.35));
        }
        else
        {
            final double r = random.nextDouble();
            txCount = r < 0.93 ? 1 : r < 0.985 ? 2 : 3;
        }

        final boolean night = hour <= 5;
        final boolean newCard = cardAge <= 30;
        final boolean highRisk = m >= 6;
        final double logit = -5.2
            + (actor ? 3.0 : 0.0)
            + (night && amount > 250 ? 1.4 : 0.0)
            + (distance > 300 ? 0.8 : 0.0)
            + (newCard ? 0.9 : 0.0)
            + (txCount >= 3 ? 0.7 : 0.0)
            + (highRisk ? 0.6 : 0.0)
            + (highRisk && newCard ? 0.9 : 0.0)
            + 0.25 * Math.max(0.0, Math.log(amount / 50.0))
            + 0.7 * normal();
        lastWasFraud = random.nextDouble() < 1.0 / (1.0 + Math.exp(-logit));
        lastCardId = FIRST_CARD_ID + card;
        count++;

        fieldsOut[FraudFeatures.AMOUNT_INDEX] = amount;
        fieldsOut[FraudFeatures.MERCHANT_CATEGORY_INDEX] = MCC[m];
        fieldsOut[FraudFeatures.HOUR_OF_DAY_INDEX] = hour;
        fieldsOut[FraudFeatures.DISTANCE_FROM_HOME_KM_INDEX] = Math.min(18000.0, Math.rint(distance * 10.0) / 10.0);
        fieldsOut[FraudFeatures.CARD_AGE_DAYS_INDEX] = cardAge;
        fieldsOut[FraudFeatures.TX_COUNT_1M_INDEX] = txCount;
    }

    /** @return whether the last payment from {@link #next(double[])} is fraud. */
    public boolean lastWasFraud()
    {
        return lastWasFraud;
    }

    /** @return the card id of the last payment (use it as the event key). */
    public long lastCardId()
    {
        return lastCardId;
    }

    /** @return payments generated so far. */
    public long count()
    {
        return count;
    }

    /**
     * The payments {@code from} to {@code to - 1} of the stream of a seed (the default card pool),
     * with their labels: the rows a generator-trained model was trained or evaluated on. Allocates.
     *
     * @param seed the stream's seed.
     * @param from first payment, inclusive (the ones before it are generated and dropped).
     * @param to   last payment, exclusive.
     * @return the rows, described as "generator seed S rows [from, to)".
     */
    public static LabelledRows labelledRows(final long seed, final int from, final int to)
    {
        if (from < 0 || to < from)
        {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") is not a range of the stream");
        }
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final double[] skipped = new double[FraudFeatures.PAYMENT_FIELDS.size()];
        for (int i = 0; i < from; i++)
        {
            generator.next(skipped);
        }
        final double[][] fields = new double[to - from][FraudFeatures.PAYMENT_FIELDS.size()];
        final boolean[] fraud = new boolean[to - from];
        for (int i = 0; i < fields.length; i++)
        {
            generator.next(fields[i]);
            fraud[i] = generator.lastWasFraud();
        }
        return new LabelledRows(FraudFeatures.payments(), fields, fraud,
            "generator seed " + seed + " rows [" + from + ", " + to + ")");
    }

    private int pick(final double[] cdf)
    {
        final double u = random.nextDouble() * cdf[cdf.length - 1];
        for (int i = 0; i < cdf.length - 1; i++)
        {
            if (u < cdf[i])
            {
                return i;
            }
        }
        return cdf.length - 1;
    }

    private double logNormal(final double median, final double sigma)
    {
        return median * Math.exp(sigma * normal());
    }

    private double pareto(final double scale, final double alpha)
    {
        return scale / Math.pow(1.0 - random.nextDouble(), 1.0 / alpha);
    }

    private int geometric(final double p)
    {
        return (int)Math.floor(Math.log(1.0 - random.nextDouble()) / Math.log(1.0 - p));
    }

    private double normal()
    {
        if (hasSpareNormal)
        {
            hasSpareNormal = false;
            return spareNormal;
        }
        final double u1 = 1.0 - random.nextDouble();
        final double u2 = random.nextDouble();
        final double r = Math.sqrt(-2.0 * Math.log(u1));
        spareNormal = r * Math.sin(2.0 * Math.PI * u2);
        hasSpareNormal = true;
        return r * Math.cos(2.0 * Math.PI * u2);
    }

    private static double[] cumulative(final double[] weights)
    {
        final double[] cdf = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++)
        {
            sum += weights[i];
            cdf[i] = sum;
        }
        return cdf;
    }
}
