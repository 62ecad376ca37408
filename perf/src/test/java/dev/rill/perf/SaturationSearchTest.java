package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.Test;

/** The rates a saturation search chooses, given which steps pass; no server. */
class SaturationSearchTest
{
    private static List<Integer> run(final int first, final SearchSettings settings, final IntPredicate passes, final SaturationSearch search)
    {
        final List<Integer> rates = new ArrayList<>();
        while (!search.done())
        {
            final int rate = search.nextRate();
            rates.add(rate);
            search.record(new SearchStep(rate, rate, 1, 0, 1, 1, 1, 1, Double.NaN, passes.test(rate)));
        }
        return rates;
    }

    @Test
    void risesByTheFactorThenBisectsToTheResolution()
    {
        final SearchSettings settings = new SearchSettings(1, 0, 2, 1000, 0.97, 20, 0.05);
        final SaturationSearch search = new SaturationSearch(10_000, settings);

        final List<Integer> rates = run(10_000, settings, rate -> rate <= 50_000, search);

        assertEquals(List.of(10_000, 20_000, 40_000, 80_000, 60_000, 50_000, 55_000, 52_500), rates);
        assertEquals(50_000, search.bestRate(), "the highest rate that passed");
    }

    @Test
    void stopsAfterMaxSteps()
    {
        final SearchSettings settings = new SearchSettings(1, 0, 1.25, 1000, 0.97, 4, 0.05);
        final SaturationSearch search = new SaturationSearch(1_000, settings);

        final List<Integer> rates = run(1_000, settings, rate -> true, search);

        assertEquals(List.of(1_000, 1_250, 1_563, 1_954), rates);
        assertEquals(1_954, search.bestRate());
    }

    @Test
    void passesOnlyWithEnoughAchievedAndTheP99WithinTheSlo()
    {
        final SaturationSearch search = new SaturationSearch(1_000, SearchSettings.DEFAULTS);

        assertTrue(search.passes(100_000, 97_000, 1000));
        assertFalse(search.passes(100_000, 96_999, 10), "achieved below 97 % of offered");
        assertFalse(search.passes(100_000, 100_000, 1000.1), "p99 above the SLO");
    }
}
