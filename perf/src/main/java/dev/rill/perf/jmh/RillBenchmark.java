package dev.rill.perf.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every Rill benchmark shares, inherited through JMH's annotation inheritance: one fork with
 * the project's JVM flags ({@link RillJvmFlags}), 3 warm-up and 5 measured iterations of 1 s,
 * average time in nanoseconds. A benchmark class annotates only what it does differently.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    RillJvmFlags.ADD_EXPORTS_MISC, RillJvmFlags.ADD_OPENS_NIO_CH, RillJvmFlags.ADD_OPENS_REFLECT,
    RillJvmFlags.ADD_EXPORTS_REF, RillJvmFlags.ADD_OPENS_NIO, RillJvmFlags.ADD_OPENS_LANG,
    RillJvmFlags.NO_ANALYTICS, RillJvmFlags.NO_ANNOUNCER, RillJvmFlags.NO_THREAD_CHECK})
public abstract class RillBenchmark
{
}
