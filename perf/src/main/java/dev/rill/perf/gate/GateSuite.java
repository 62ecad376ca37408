package dev.rill.perf.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The gate's suite file ({@code perf/gate/suite.yaml}): the JMH options of the quick and the long
 * suite, and the figures. Read once by the gate's main thread; immutable.
 */
public record GateSuite(RunOptions quick, RunOptions full, List<Figure> figures)
{
    /** Checks for figures, unique names and both option sets. */
    public GateSuite
    {
        if (quick == null || full == null)
        {
            throw new GateException("the suite needs both 'quick' and 'long' options (forks, warmupIterations, ...)");
        }
        if (figures == null || figures.isEmpty())
        {
            throw new GateException("the suite has no figures");
        }
        final Set<String> names = new HashSet<>();
        for (final Figure f : figures)
        {
            if (!names.add(f.name()))
            {
                throw new GateException("figure " + f.name() + " is defined twice in the suite: names must be unique");
            }
        }
        figures = List.copyOf(figures);
    }

    /** The file as written: {@code long} is a Java keyword, so it is bound here. */
    private record File(Map<String, RunOptions> options, List<Figure> figures)
    {
    }

    /**
     * Reads and checks a suite file.
     *
     * @throws GateException when the file is missing or not a valid suite (the message names the problem).
     */
    public static GateSuite load(final Path path)
    {
        if (!Files.isRegularFile(path))
        {
            throw new GateException("no suite file " + path + ": run from the repository root or pass --suite FILE");
        }
        try
        {
            final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
            final File file = yaml.readValue(path.toFile(), File.class);
            final Map<String, RunOptions> options = file.options() == null ? Map.of() : new LinkedHashMap<>(file.options());
            return new GateSuite(options.get("quick"), options.get("long"), file.figures());
        }
        catch (final IOException e)
        {
            for (Throwable t = e; t != null; t = t.getCause())
            {
                if (t instanceof GateException)
                {
                    throw new GateException("suite " + path + ": " + t.getMessage(), e);
                }
            }
            throw new GateException("suite " + path + " is not a valid suite file: " + firstLine(e.getMessage()), e);
        }
    }

    /** @return the figures of the quick suite, or all of them for the long one, in file order. */
    public List<Figure> figures(final boolean longSuite)
    {
        return longSuite ? figures : figures.stream().filter(Figure::quick).toList();
    }

    /** @return the options of the quick or the long suite. */
    public RunOptions options(final boolean longSuite)
    {
        return longSuite ? full : quick;
    }

    private static String firstLine(final String message)
    {
        if (message == null)
        {
            return "(no detail)";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
