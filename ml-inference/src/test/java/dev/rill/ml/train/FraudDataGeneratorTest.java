package dev.rill.ml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rill.ml.FraudFeatures;
import org.junit.jupiter.api.Test;

class FraudDataGeneratorTest
{
    @Test
    void sameSeedGivesTheSamePaymentsLabelsAndCards()
    {
        final FraudDataGenerator a = new FraudDataGenerator(99);
        final FraudDataGenerator b = new FraudDataGenerator(99);
        final double[] fa = new double[6];
        final double[] fb = new double[6];
        for (int i = 0; i < 10_000; i++)
        {
            a.next(fa);
            b.next(fb);
            assertArrayEquals(fa, fb);
            assertEquals(a.lastWasFraud(), b.lastWasFraud());
            assertEquals(a.lastCardId(), b.lastCardId());
        }
    }

    @Test
    void paymentsHaveValidFieldsAndAFraudRateBetweenOneAndThreePercent()
    {
        final FraudDataGenerator generator = new FraudDataGenerator(5);
        final double[] f = new double[6];
        final int rows = 100_000;
        int fraud = 0;
        int singles = 0;
        double fraudAmount = 0;
        double legitAmount = 0;
        for (int i = 0; i < rows; i++)
        {
            generator.next(f);
            assertTrue(f[FraudFeatures.AMOUNT_INDEX] >= 0.5);
            assertTrue(f[FraudFeatures.HOUR_OF_DAY_INDEX] >= 0 && f[FraudFeatures.HOUR_OF_DAY_INDEX] <= 23);
            assertTrue(f[FraudFeatures.DISTANCE_FROM_HOME_KM_INDEX] >= 0 && f[FraudFeatures.DISTANCE_FROM_HOME_KM_INDEX] <= 18_000);
            assertTrue(f[FraudFeatures.CARD_AGE_DAYS_INDEX] >= 0 && f[FraudFeatures.CARD_AGE_DAYS_INDEX] <= 9000);
            assertTrue(f[FraudFeatures.TX_COUNT_1M_INDEX] >= 1 && f[FraudFeatures.TX_COUNT_1M_INDEX] <= 20);
            singles += f[FraudFeatures.TX_COUNT_1M_INDEX] == 1 ? 1 : 0;
            if (generator.lastWasFraud())
            {
                fraud++;
                fraudAmount += Math.log(f[FraudFeatures.AMOUNT_INDEX]);
            }
            else
            {
                legitAmount += Math.log(f[FraudFeatures.AMOUNT_INDEX]);
            }
        }
        final double rate = (double)fraud / rows;
        assertTrue(rate > 0.01 && rate < 0.03, "fraud rate " + rate);
        assertTrue(singles > 0.85 * rows, "mostly one transaction per minute: " + singles);
        assertTrue(fraudAmount / fraud > legitAmount / (rows - fraud) + 0.5, "fraud amounts are larger");
        assertEquals(rows, generator.count());
    }
}
