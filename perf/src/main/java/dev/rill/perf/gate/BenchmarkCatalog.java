package dev.rill.perf.gate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmarks a jar holds and the values of each one's parameters, to check a suite before any
 * benchmark runs: a misspelt method or parameter fails at once with a clear message, not after
 * minutes of JMH. Immutable.
 */
public final class BenchmarkCatalog
{
    private final Map<String, Map<String, List<String>>> benchmarks;

    /** @param benchmarks JMH benchmark name → parameter name → allowed values. */
    public BenchmarkCatalog(final Map<String, Map<String, List<String>>> benchmarks)
    {
        this.benchmarks = java.util.Collections.unmodifiableMap(new TreeMap<>(benchmarks));
    }

    /** @return the benchmarks of the JMH list on the class path ({@code META-INF/BenchmarkList} of benchmarks.jar). */
    public static BenchmarkCatalog fromClassPath()
    {
        final Map<String, Map<String, List<String>>> benchmarks = new TreeMap<>();
        try
        {
            final OutputFormat silent = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
            for (final BenchmarkListEntry e : BenchmarkList.defaultList().getAll(silent, List.of()))
            {
                final Map<String, List<String>> params = new TreeMap<>();
                if (e.getParams().hasValue())
                {
                    e.getParams().get().forEach((name, values) -> params.put(name, Arrays.asList(values)));
                }
                benchmarks.put(e.getUsername(), params);
            }
        }
        catch (final RuntimeException e)
        {
            throw new GateException("cannot read the JMH benchmark list: run the gate from perf/target/benchmarks.jar " +
                "(build it with mvn -B -q -DskipTests package): " + e.getMessage(), e);
        }
        return new BenchmarkCatalog(benchmarks);
    }

    /**
     * Checks that every term of every figure names a benchmark of this jar and a value for each of its
     * parameters that has more than one (a value the benchmark lists, or any value for a parameter JMH
     * accepts from the command line).
     *
     * @throws GateException naming the first figure and term that is wrong, and what the jar has.
     */
    public void check(final List<Figure> figures)
    {
        for (final Figure f : figures)
        {
            for (final BenchmarkRef ref : f.terms())
            {
                final Map<String, List<String>> params = benchmarks.get(ref.id());
                if (params == null)
                {
                    throw new GateException("figure " + f.name() + ": benchmark " + ref.benchmark() + " not found in the jar" +
                        similar(ref) + "; rebuild with mvn -B -q -DskipTests package or fix the suite");
                }
                for (final String name : ref.params().keySet())
                {
                    if (!params.containsKey(name))
                    {
                        throw new GateException("figure " + f.name() + ": " + ref.benchmark() + " has no parameter '" + name +
                            "' (it has " + params.keySet() + ")");
                    }
                }
                for (final Map.Entry<String, List<String>> p : params.entrySet())
                {
                    if (p.getValue().size() > 1 && !ref.params().containsKey(p.getKey()))
                    {
                        throw new GateException("figure " + f.name() + ": " + ref.benchmark() + " has parameter '" + p.getKey() +
                            "' " + p.getValue() + ": name one value in the suite");
                    }
                }
            }
        }
    }

    /** @return whether the jar has any benchmark of this class (fully qualified). */
    public boolean hasClass(final String className)
    {
        return benchmarks.keySet().stream().anyMatch(id -> id.startsWith(className + ".") && id.lastIndexOf('.') == className.length());
    }

    private String similar(final BenchmarkRef ref)
    {
        final List<String> same = new ArrayList<>();
        for (final String id : benchmarks.keySet())
        {
            if (id.startsWith(ref.className() + "."))
            {
                same.add(id.substring(ref.className().length() + 1));
            }
        }
        return same.isEmpty() ? " (no benchmark of class " + ref.className() + ")" : " (" + ref.className() + " has " + same + ")";
    }
}
