package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.rill.journal.JournalCorruptException;
import dev.rill.journal.verify.JournalQuarantine;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.ThreadingProfile;
import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rill serve}: runs a bus until SIGINT/SIGTERM (or, in-process, an interrupt), then drains it
 * and stops. A damaged journal stops the start (exit status 23) unless {@code --quarantine-corrupt}
 * moves the damaged files aside.
 */
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

    @Option(names = "--profile", paramLabel = "latency|efficiency",
        description = "Threading profile: the defaults of gateway.ioThreads, pipeline.threading and pipeline.waitStrategy " +
            "(replaces the file's profile: key; keys the file writes still win)")
    String profile;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "10",
        description = "Seconds between status lines; 0 for none (default: ${DEFAULT-VALUE})")
    int statsInterval;

    @Option(names = "--quarantine-corrupt",
        description = "When the start check finds a damaged journal file, move it to <dataDir>/quarantine/<journal>/ " +
            "and start without it (its records are no longer served; see ops/runbooks/corrupt-journal.md)")
    boolean quarantineCorrupt;

    @Override
    public Integer call() throws Exception
    {
        final ThreadingProfile threadingProfile = ThreadingProfile.parse("--profile", profile);
        RillConfig cfg = config == null ? RillConfig.defaults(RillConfig.DEFAULT_DATA_DIR) : RillConfig.read(config, threadingProfile);
        if (config == null && threadingProfile != null)
        {
            cfg = cfg.withGateway(threadingProfile.gateway(cfg.gateway()))
                .withPipeline(threadingProfile.pipeline(cfg.pipeline(), !cfg.features().isEmpty()));
        }
        if (dataDir != null)
        {
            cfg = cfg.withDataDir(dataDir);
        }
        if (port != null)
        {
            cfg = cfg.withGateway(cfg.gateway().withPort(port));
        }
        final RillServer server = quarantineCorrupt ? startQuarantining(cfg) : RillServer.start(cfg);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread shutdown = new Thread(() ->
        {
            System.out.println("rill: stopping: draining the pipeline");
            server.close();
            System.out.println("rill: stopped; " + server.publish().published() + " results published this run");
            stopped.countDown();
        }, "rill-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        System.out.println("rill: " + server.recoverySummary());
        if (cfg.gateway().partitions() != null)
        {
            System.out.println("rill: partitioned: owns " + cfg.gateway().partitions() +
                "; events of other partitions get Nack 36 WRONG_PARTITION");
        }
        final ThreadingProfile effective = ThreadingProfile.matching(cfg.gateway(), cfg.pipeline());
        System.out.printf("rill: serving on %s:%d, data in %s, model %s, pipeline %s/%s ring %d, io threads %d (%s), durability %s%n",
            server.address().getHostString(), server.address().getPort(), cfg.journal().dataDir().toAbsolutePath(),
            server.scoring(), cfg.pipeline().threading(), cfg.pipeline().waitStrategy(), cfg.pipeline().ringSize(),
            cfg.gateway().ioThreads(), effective == null ? "custom threading" : "threading as profile " + effective.configName(),
            cfg.durability().mode());
        System.out.flush();
        try
        {
            printStatusUntilStopped(server, stopped);
        }
        catch (final InterruptedException e)
        {
            // Interrupted by whoever runs this command in-process: stop as SIGTERM would.
            Runtime.getRuntime().removeShutdownHook(shutdown);
            shutdown.run();
        }
        return 0;
    }

    /**
     * Starts the server; each time its start check finds a damaged journal file, moves that file to
     * the quarantine directory, says so, and tries again. A file that stays damaged after its move
     * (it could not be moved) stops it.
     */
    private static RillServer startQuarantining(final RillConfig cfg)
    {
        final Set<String> moved = new HashSet<>();
        while (true)
        {
            try
            {
                return RillServer.start(cfg);
            }
            catch (final JournalCorruptException e)
            {
                if (!moved.add(e.journal() + "/" + e.file()))
                {
                    throw e;
                }
                final JournalQuarantine.QuarantinedFile q = JournalQuarantine.quarantine(cfg.journal(), e.journal(), e.file());
                System.out.printf("rill: quarantined journal '%s' file %s (index %d: %s)%n  moved to %s;%n  %s%n",
                    e.journal(), e.file(), e.index(), e.reason(), q.to().toAbsolutePath(), lost(q));
                System.out.flush();
            }
        }
    }

    private static String lost(final JournalQuarantine.QuarantinedFile q)
    {
        final String records = q.records() == 0 ? "no readable records" :
            String.format("%,d records (indexes %d to %d)", q.records(), q.firstIndex(), q.lastIndex());
        final String what = RillServer.OUT.equals(q.journal()) ?
            "no longer served: subscribers will not receive these Results, and resuming at one of these indexes continues after them" :
            "no longer in the journal: these events are not journaled any more, and a producer resending one of them has it " +
                "journaled and scored again";
        return "the " + records + " found in it, and any after its damage, are " + what;
    }

    private void printStatusUntilStopped(final RillServer server, final CountDownLatch stopped) throws InterruptedException
    {
        if (statsInterval > 0)
        {
            server.telemetry().addListener(new StatusLine(server, statsInterval));
        }
        stopped.await();
    }

    /** Prints one status line every {@code --stats-interval} seconds, from the telemetry thread's intervals. */
    private static final class StatusLine implements TelemetryListener
    {
        private final RillServer server;
        private final long everyMillis;
        private final Histogram ingestToPublish = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        private long windowStartMillis;
        private long published;

        StatusLine(final RillServer server, final int seconds)
        {
            this.server = server;
            this.everyMillis = TimeUnit.SECONDS.toMillis(seconds);
        }

        @Override
        public void onTick(final TelemetryTick tick)
        {
            if (windowStartMillis == 0)
            {
                windowStartMillis = tick.startMillis();
            }
            ingestToPublish.add(tick.latencies().ingestToPublish());
            published += tick.published();
            if (tick.endMillis() - windowStartMillis < everyMillis)
            {
                return;
            }
            final Histogram h = ingestToPublish;
            System.out.printf("rill: %,d results (+%,d), ingest->publish p50 %s p99 %s max %s, fallbacks %d, ring depth %d, " +
                "checkpoints %d (failed %d)%n",
                server.publish().published(), published, Format.micros(h.getValueAtPercentile(50)),
                Format.micros(h.getValueAtPercentile(99)), Format.micros(h.getMaxValue()),
                server.scoring().fallbackCount(), tick.ringDepth(), server.checkpoints().written(),
                server.checkpoints().failures());
            ingestToPublish.reset();
            published = 0;
            windowStartMillis = tick.endMillis();
        }
    }
}
