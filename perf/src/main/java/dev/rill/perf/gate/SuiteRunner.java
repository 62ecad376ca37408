package dev.rill.perf.gate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs, with the JMH Runner API, exactly the benchmark and parameter combinations the chosen
 * figures need: one JMH run per benchmark class and parameter combination, holding every method of
 * that class the figures name. JMH's own output goes to a log file per run; the gate prints one line
 * per run. Used by the gate's main thread; the benchmarks run in forked JVMs.
 */
public final class SuiteRunner
{
    private static final long LOCK_WAIT_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(30);

    private final RunOptions options;
    private final List<String> forkJvmArgs;
    private final PrintStream progress;

    /**
     * @param forkJvmArgs arguments put in front of every fork's JVM arguments ({@code jvmArgsPrepend}),
     *     so the benchmarks' own {@code @Fork} flags stay.
     */
    public SuiteRunner(final RunOptions options, final List<String> forkJvmArgs, final PrintStream progress)
    {
        this.options = options;
        this.forkJvmArgs = List.copyOf(forkJvmArgs);
        this.progress = progress;
    }

    /**
     * Runs one group; while another JMH run on this machine holds JMH's lock ({@code /tmp/jmh.lock}),
     * parks and tries again, up to {@link #LOCK_WAIT_NANOS}: two JMH runs at once on a shared box would
     * measure each other.
     */
    private java.util.Collection<RunResult> runWaitingForLock(final ChainedOptionsBuilder builder, final Group g, final Path log)
    {
        final long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
        boolean said = false;
        while (true)
        {
            try
            {
                return new Runner(builder.build()).run();
            }
            catch (final RunnerException e)
            {
                final boolean locked = String.valueOf(e.getMessage()).contains("JMH lock");
                if (!locked || System.nanoTime() > deadline)
                {
                    throw new GateException("JMH could not run " + g.describe() + ": " + e.getMessage() + " (see " + log + ")", e);
                }
                if (!said)
                {
                    progress.println("gate: another JMH run holds /tmp/jmh.lock; waiting for it (up to 30 min)");
                    said = true;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000_000L);
            }
        }
    }

    /** One JMH run: a class, fixed parameters, the methods to run with them. */
    record Group(String className, Map<String, String> params, Set<String> methods)
    {
        String describe()
        {
            final String simple = className.substring(className.lastIndexOf('.') + 1);
            return simple + "." + (methods.size() == 1 ? methods.iterator().next() : "{" + String.join(",", methods) + "}") +
                (params.isEmpty() ? "" : " " + params);
        }
    }

    /** @return the JMH runs the figures need, each benchmark and parameter combination once. */
    static List<Group> groups(final List<Figure> figures)
    {
        final Map<String, Group> groups = new LinkedHashMap<>();
        for (final Figure f : figures)
        {
            for (final BenchmarkRef ref : f.terms())
            {
                groups.computeIfAbsent(ref.className() + ref.params(),
                    k -> new Group(ref.className(), ref.params(), new LinkedHashSet<>())).methods().add(ref.method());
            }
        }
        return List.copyOf(groups.values());
    }

    /**
     * Runs the figures' benchmarks and writes every result into one JMH JSON file.
     *
     * @param logDir where each run's JMH output goes ({@code NN-Class.log}).
     * @throws GateException when JMH cannot start a run.
     */
    public void run(final List<Figure> figures, final Path jsonFile, final Path logDir) throws IOException
    {
        Files.createDirectories(logDir);
        final List<Group> groups = groups(figures);
        final List<RunResult> results = new ArrayList<>();
        int n = 0;
        for (final Group g : groups)
        {
            n++;
            final Path log = logDir.resolve(String.format("%02d-%s.log", n, g.className().substring(g.className().lastIndexOf('.') + 1)));
            progress.printf("gate: [%d/%d] %s (%s)%n", n, groups.size(), g.describe(), options.describe());
            final ChainedOptionsBuilder builder = new OptionsBuilder()
                .forks(options.forks())
                .warmupIterations(options.warmupIterations())
                .warmupTime(TimeValue.seconds(options.warmupSeconds()))
                .measurementIterations(options.iterations())
                .measurementTime(TimeValue.seconds(options.seconds()))
                .shouldFailOnError(false)
                .output(log.toString());
            for (final String method : g.methods())
            {
                builder.include("^" + Pattern.quote(g.className() + "." + method) + "$");
            }
            g.params().forEach(builder::param);
            if (!forkJvmArgs.isEmpty())
            {
                builder.jvmArgsPrepend(forkJvmArgs.toArray(String[]::new));
            }
            results.addAll(runWaitingForLock(builder, g, log));
        }
        try (PrintStream out = new PrintStream(Files.newOutputStream(jsonFile), true, StandardCharsets.UTF_8))
        {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
        }
    }
}
