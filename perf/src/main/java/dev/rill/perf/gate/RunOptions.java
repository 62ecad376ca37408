package dev.rill.perf.gate;

/**
 * The JMH options of one suite (quick or long): forks, warm-up and measured iterations and their
 * length in seconds. Applied to every benchmark the suite runs, over the benchmark's own annotations
 * (the JVM flags of its {@code @Fork} stay). Immutable.
 */
public record RunOptions(int forks, int warmupIterations, int warmupSeconds, int iterations, int seconds)
{
    /** Every count at least 1 (warm-up iterations at least 0). */
    public RunOptions
    {
        if (forks < 1 || warmupIterations < 0 || warmupSeconds < 1 || iterations < 1 || seconds < 1)
        {
            throw new GateException("suite options " + this + ": forks, iterations and seconds must be at least 1, " +
                "warmupIterations at least 0");
        }
    }

    /** @return e.g. {@code 1 fork, 3×1 s warm-up, 5×1 s measured}. */
    public String describe()
    {
        return forks + (forks == 1 ? " fork, " : " forks, ") + warmupIterations + "×" + warmupSeconds + " s warm-up, " +
            iterations + "×" + seconds + " s measured";
    }
}
