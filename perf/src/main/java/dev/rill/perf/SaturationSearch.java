package dev.rill.perf;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the rates of a saturation search and keeps its steps: start at the first rate, multiply
 * by {@link SearchSettings#stepFactor()} while steps pass, and once one fails bisect between the
 * highest passing and the lowest failing rate until they are within
 * {@link SearchSettings#resolution()} of each other (or {@link SearchSettings#maxSteps()} ran). When
 * the first step fails, the lower bound is 0: the search halves down towards a rate that passes.
 *
 * <p>The decision of one step ({@link #passes}) and the choice of the next rate are here; running a
 * step is {@link LoadGenerator}'s. One thread; allocates a step record per step.
 */
final class SaturationSearch
{
    private final SearchSettings settings;
    private final List<SearchStep> steps = new ArrayList<>();
    private int next;
    private int highestPass = -1;
    private int lowestFail = -1;
    private boolean done;

    SaturationSearch(final int firstRate, final SearchSettings settings)
    {
        this.settings = settings;
        this.next = firstRate;
    }

    /** @return whether a step at {@code rate} with these outcomes meets the SLO. */
    boolean passes(final int rate, final double achievedRate, final double p99Micros)
    {
        return achievedRate >= settings.minAchievedRatio() * rate && p99Micros <= settings.sloP99Micros();
    }

    /** @return true when no further step is needed. */
    boolean done()
    {
        return done;
    }

    /** @return the rate of the next step. */
    int nextRate()
    {
        return next;
    }

    /** Takes the outcome of the step at {@link #nextRate()} and chooses the next rate (or ends). */
    void record(final SearchStep step)
    {
        steps.add(step);
        if (step.passed())
        {
            highestPass = Math.max(highestPass, step.rate());
        }
        else
        {
            lowestFail = lowestFail < 0 ? step.rate() : Math.min(lowestFail, step.rate());
        }
        final int candidate;
        if (lowestFail < 0)
        {
            candidate = (int)Math.min(10_000_000L, Math.round(step.rate() * settings.stepFactor()));
        }
        else
        {
            final int low = Math.max(highestPass, 0);
            candidate = (int)(((long)low + lowestFail) / 2);
            if (lowestFail - low <= Math.max(1, low * settings.resolution()))
            {
                done = true;
            }
        }
        if (steps.size() >= settings.maxSteps() || candidate < 1 || candidate == step.rate() || candidate == highestPass ||
            candidate == lowestFail)
        {
            done = true;
        }
        next = candidate;
    }

    /** @return the highest rate whose step passed, or -1 when none did. */
    int bestRate()
    {
        return highestPass;
    }

    /** @return every step so far, in the order run. */
    List<SearchStep> steps()
    {
        return List.copyOf(steps);
    }
}
