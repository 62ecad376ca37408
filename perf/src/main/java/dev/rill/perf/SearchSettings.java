package dev.rill.perf;

/**
 * How {@link LoadSettings.Mode#SEARCH} looks for the highest rate a server sustains within an SLO.
 *
 * <p>Each step is an open-loop run at one rate: {@code settleSeconds} sent and not measured, then
 * {@code stepSeconds} measured. A step passes when the acknowledgements that arrived in the measured
 * period are at least {@code minAchievedRatio} of the offered rate and its p99 ack latency (from the
 * intended send time) is at most {@code sloP99Micros}. Rates rise by {@code stepFactor} until a step
 * fails, then bisect between the highest passing and the lowest failing rate until they are within
 * {@code resolution} of each other, or {@code maxSteps} steps ran.
 *
 * @param stepSeconds      seconds measured per step.
 * @param settleSeconds    seconds sent at the step's rate before measuring (the first step settles for
 *                         the run's warm-up instead, when that is longer).
 * @param stepFactor       rate multiplier between passing steps, above 1.
 * @param sloP99Micros     the p99 a passing step must not exceed, in microseconds.
 * @param minAchievedRatio achieved / offered a passing step must reach (0.97).
 * @param maxSteps         the most steps the search runs.
 * @param resolution       stop bisecting when the lowest failing rate is within this fraction above the
 *                         highest passing one (0.05: 5 %).
 */
public record SearchSettings(
    double stepSeconds, double settleSeconds, double stepFactor, double sloP99Micros, double minAchievedRatio, int maxSteps,
    double resolution)
{
    /** 3 s steps after 1 s settling, ×1.25, p99 ≤ 1 ms, ≥ 97 % achieved, at most 20 steps, 5 % resolution. */
    public static final SearchSettings DEFAULTS = new SearchSettings(3, 1, 1.25, 1000, 0.97, 20, 0.05);

    public SearchSettings
    {
        if (!(stepSeconds > 0) || stepSeconds > 600)
        {
            throw new IllegalArgumentException("--step-seconds must be above 0 and at most 600, found " + stepSeconds);
        }
        if (!(settleSeconds >= 0) || settleSeconds > 600)
        {
            throw new IllegalArgumentException("--settle-seconds must be 0 to 600, found " + settleSeconds);
        }
        if (!(stepFactor > 1) || stepFactor > 10)
        {
            throw new IllegalArgumentException("--step-factor must be above 1 and at most 10, found " + stepFactor);
        }
        if (!(sloP99Micros > 0))
        {
            throw new IllegalArgumentException("--slo-p99-micros must be above 0, found " + sloP99Micros);
        }
        if (!(minAchievedRatio > 0) || minAchievedRatio > 1)
        {
            throw new IllegalArgumentException("the minimum achieved ratio must be above 0 and at most 1, found " + minAchievedRatio);
        }
        if (maxSteps < 1 || maxSteps > 100)
        {
            throw new IllegalArgumentException("--max-steps must be 1 to 100, found " + maxSteps);
        }
        if (!(resolution > 0) || resolution >= 1)
        {
            throw new IllegalArgumentException("the search resolution must be above 0 and below 1, found " + resolution);
        }
    }
}
