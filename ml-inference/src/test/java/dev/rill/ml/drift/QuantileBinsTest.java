package dev.rill.ml.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.rill.ml.ModelDescriptor.Distribution;
import org.junit.jupiter.api.Test;

class QuantileBinsTest
{
    @Test
    void valuesOneToHundredGetTenEqualBinsCutAtEveryTenth()
    {
        final float[] values = new float[100];
        for (int i = 0; i < 100; i++)
        {
            values[i] = 100 - i; // order does not matter
        }
        final Distribution d = QuantileBins.of("v", values, 10);
        assertEquals(List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0), d.edges());
        assertEquals(List.of(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1), d.proportions());
    }

    @Test
    void aZeroOneFeatureGetsOneEdgeAtZeroAndTwoBins()
    {
        final float[] values = new float[40];
        for (int i = 0; i < 3; i++)
        {
            values[i] = 1f;
        }
        final Distribution d = QuantileBins.of("flag", values, 10);
        assertEquals(List.of(0.0), d.edges());
        assertEquals(List.of(0.925, 0.075), d.proportions());
    }

    @Test
    void aConstantFeatureHasOneBinHoldingEveryRow()
    {
        final Distribution d = QuantileBins.of("c", new float[]{2f, 2f, 2f}, 10);
        assertEquals(List.of(), d.edges());
        assertEquals(List.of(1.0), d.proportions());
    }

    @Test
    void binOfPutsAnEdgeValueInTheBinBelowItAndNanInTheLast()
    {
        final double[] edges = {1.0, 2.0, 3.0};
        assertEquals(0, QuantileBins.binOf(edges, -5));
        assertEquals(0, QuantileBins.binOf(edges, 1.0));
        assertEquals(1, QuantileBins.binOf(edges, 1.5));
        assertEquals(1, QuantileBins.binOf(edges, 2.0));
        assertEquals(3, QuantileBins.binOf(edges, 3.5));
        assertEquals(3, QuantileBins.binOf(edges, Double.NaN));
        assertEquals(0, QuantileBins.binOf(new double[0], 7));
    }
}
