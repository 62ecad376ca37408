package dev.rill.perf.gate;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The gate tests' fixtures in src/test/resources: a sample suite and a JMH JSON result that match. */
final class GateFixtures
{
    private GateFixtures()
    {
    }

    static Path resource(final String name)
    {
        try
        {
            return Path.of(GateFixtures.class.getResource(name).toURI());
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException(e);
        }
    }

    static GateSuite sampleSuite()
    {
        return GateSuite.load(resource("suite-sample.yaml"));
    }

    static JmhScores sampleScores()
    {
        return JmhScores.read(resource("jmh-sample.json"));
    }

    static Figure figure(final GateSuite suite, final String name)
    {
        return suite.figures().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }
}
