package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rill serve}: runs a bus until SIGINT/SIGTERM, then drains it and stops. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the bus: gateway, journals, scoring. Stops cleanly on Ctrl-C or SIGTERM.")
final class ServeCommand implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (default: embedded defaults)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides dataDir of the configuration")
    Path dataDir;

    @Option(names = "--port", description = "Overrides gateway.port")
    Integer port;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "10",
        description = "Seconds between status lines; 0 for none (default: ${DEFAULT-VALUE})")
    int statsInterval;

    @Override
    public Integer call() throws Exception
    {
        RillConfig cfg = config == null ? RillConfig.defaults(RillConfig.DEFAULT_DATA_DIR) : RillConfig.read(config);
        if (dataDir != null)
        {
            cfg = cfg.withDataDir(dataDir);
        }
        if (port != null)
        {
            cfg = cfg.withGateway(cfg.gateway().withPort(port));
        }
        final RillServer server = RillServer.start(cfg);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            System.out.println("rill: stopping: draining the pipeline");
            server.close();
            System.out.println("rill: stopped; " + server.publish().published() + " results published this run");
            stopped.countDown();
        }, "rill-shutdown"));
        System.out.println("rill: " + server.recoverySummary());
        System.out.printf("rill: serving on %s:%d, data in %s, model %s, pipeline %s/%s ring %d, durability %s%n",
            server.address().getHostString(), server.address().getPort(), cfg.journal().dataDir().toAbsolutePath(),
            server.scoring(), cfg.pipeline().threading(), cfg.pipeline().waitStrategy(), cfg.pipeline().ringSize(),
            cfg.durability().mode());
        System.out.flush();
        PipelineLatencies.Interval interval = null;
        long lastPublished = 0;
        while (!stopped.await(statsInterval <= 0 ? 3600 : statsInterval, TimeUnit.SECONDS))
        {
            if (statsInterval > 0)
            {
                interval = server.latencies().interval(interval);
                final Histogram h = interval.ingestToPublish();
                final long published = server.publish().published();
                System.out.printf("rill: %,d results (+%,d), ingest->publish p50 %s p99 %s max %s, fallbacks %d, ring depth %d%n",
                    published, published - lastPublished, Format.micros(h.getValueAtPercentile(50)),
                    Format.micros(h.getValueAtPercentile(99)), Format.micros(h.getMaxValue()),
                    server.scoring().fallbackCount(), server.pipeline().depth());
                lastPublished = published;
            }
        }
        return 0;
    }
}
