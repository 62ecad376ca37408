package dev.rill.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.WaitStrategyKind;
import dev.rill.gateway.GatewayConfig;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code profile:} in rill.yaml (and {@code rill serve --profile}) as RillConfig reads it. */
class ThreadingProfileTest
{
    private static final Path BASE = Path.of("/srv/rill");
    private static final String FEATURES = """
        features:
          - topic: payments
            windows:
              - {name: card_tx_count_1m, aggregate: count, window: 1m}
        """;

    @Test
    void eachProfileSetsTheDefaultsOfIoThreadsThreadingAndWaitStrategy()
    {
        for (final ThreadingProfile p : ThreadingProfile.values())
        {
            for (final String written : new String[]{p.configName(), p.name()})
            {
                final RillConfig config = RillConfig.parse("profile: " + written + "\n", "rill.yaml", BASE);
                assertEquals(p.ioThreads(), config.gateway().ioThreads(), written);
                assertEquals(p.threading(), config.pipeline().threading(), written);
                assertEquals(p.waitStrategy(), config.pipeline().waitStrategy(), written);
                assertEquals(PipelineConfig.DEFAULT_RING_SIZE, config.pipeline().ringSize(), "other keys keep their defaults");
                assertEquals(p, ThreadingProfile.matching(config.gateway(), config.pipeline()), "the startup line names it");
            }
        }
    }

    @Test
    void theProfilesDifferFromEachOtherAndTheEfficiencyProfileFromTheDefaults()
    {
        final RillConfig plain = RillConfig.parse("", "rill.yaml", BASE);
        final RillConfig latency = RillConfig.parse("profile: latency\n", "rill.yaml", BASE);
        final RillConfig efficiency = RillConfig.parse("profile: efficiency\n", "rill.yaml", BASE);
        assertNotEquals(threading(latency), threading(efficiency));
        assertNotEquals(threading(plain), threading(efficiency), "a profile key changes what runs");
        assertEquals(PipelineConfig.defaults(), plain.pipeline(), "no profile: the plain defaults, as before profiles");
        assertEquals(GatewayConfig.defaults().ioThreads(), plain.gateway().ioThreads());
    }

    @Test
    void keysWrittenInTheFileWinOverTheProfile()
    {
        final RillConfig config = RillConfig.parse("""
            profile: efficiency
            gateway:
              ioThreads: 2
            pipeline:
              waitStrategy: PARKING
              ringSize: 1024
            """, "rill.yaml", BASE);
        assertEquals(2, config.gateway().ioThreads());
        assertEquals(WaitStrategyKind.PARKING, config.pipeline().waitStrategy());
        assertEquals(ThreadingProfile.EFFICIENCY.threading(), config.pipeline().threading(), "the key not written: the profile's");
        assertEquals(1024, config.pipeline().ringSize());
        assertNull(ThreadingProfile.matching(config.gateway(), config.pipeline()), "no profile has these three values");
    }

    @Test
    void theCommandLineProfileReplacesTheFilesProfileButNotItsKeys()
    {
        final RillConfig config = RillConfig.parse("profile: latency\n", "rill.yaml", BASE, ThreadingProfile.EFFICIENCY);
        assertEquals(ThreadingProfile.EFFICIENCY.waitStrategy(), config.pipeline().waitStrategy());
        final RillConfig keyed = RillConfig.parse("pipeline:\n  waitStrategy: SLEEPING\n", "rill.yaml", BASE,
            ThreadingProfile.EFFICIENCY);
        assertEquals(WaitStrategyKind.SLEEPING, keyed.pipeline().waitStrategy());
        assertEquals(ThreadingProfile.EFFICIENCY.ioThreads(), keyed.gateway().ioThreads());
    }

    @Test
    void anUnknownProfileIsRefusedNamingTheKeyTheValueAndTheAllowedNames()
    {
        final ConfigException e = assertThrows(ConfigException.class,
            () -> RillConfig.parse("gateway:\n  port: 7301\nprofile: fast\n", "rill.yaml", BASE));
        assertTrue(e.getMessage().startsWith("rill.yaml: profile: value 'fast' is invalid: latency or efficiency"), e.getMessage());
        assertTrue(e.getMessage().contains("(line 3)"), "names the line: " + e.getMessage());
        final ConfigException cli = assertThrows(ConfigException.class, () -> ThreadingProfile.parse("--profile", "turbo"));
        assertTrue(cli.getMessage().startsWith("--profile: value 'turbo' is invalid: latency or efficiency"), cli.getMessage());
        assertThrows(ConfigException.class, () -> RillConfig.parse("profile: [latency]\n", "rill.yaml", BASE));
    }

    @Test
    void withFeaturesAProfileKeepsTheFusedConsumerAndAnExplicitDiamondIsStillRefused()
    {
        for (final ThreadingProfile p : ThreadingProfile.values())
        {
            final RillConfig config = RillConfig.parse("profile: " + p.configName() + "\n" + FEATURES, "rill.yaml", BASE);
            assertEquals(PipelineConfig.Threading.FUSED, config.pipeline().threading(), p.configName());
            assertEquals(p.waitStrategy(), config.pipeline().waitStrategy(), "the rest of the profile still applies");
            assertEquals(PipelineConfig.Threading.FUSED,
                p.pipeline(PipelineConfig.defaults().withThreading(PipelineConfig.Threading.DIAMOND), true).threading(),
                "features replace whatever topology the profile would pick");
        }
        final ConfigException e = assertThrows(ConfigException.class, () -> RillConfig.parse(
            "profile: latency\npipeline:\n  threading: DIAMOND\n" + FEATURES, "rill.yaml", BASE));
        assertTrue(e.getMessage().contains("pipeline.threading") && e.getMessage().contains("FUSED when features: are configured"),
            e.getMessage());
    }

    @Test
    void neitherProfileSpinsOrYields()
    {
        for (final ThreadingProfile p : ThreadingProfile.values())
        {
            assertNotEquals(WaitStrategyKind.BUSY_SPIN, p.waitStrategy(), p.configName());
            assertNotEquals(WaitStrategyKind.YIELDING, p.waitStrategy(), p.configName());
        }
    }

    @Test
    void eachProfilesServerAcknowledgesBurstsThatArriveAfterItsConsumerWentIdle(@TempDir final Path dir) throws Exception
    {
        for (final ThreadingProfile p : ThreadingProfile.values())
        {
            final RillConfig parsed = RillConfig.parse("profile: " + p.configName() + "\n", "rill.yaml", dir);
            final RillConfig config = parsed.withGateway(parsed.gateway().withPort(0)).withAdmin(parsed.admin().withPort(0))
                .withDataDir(dir.resolve(p.configName())).withModel(new ModelConfig(EndToEndTest.MODEL, "payments", 0.0));
            assertEquals(p.waitStrategy(), config.pipeline().waitStrategy());
            final AtomicInteger refused = new AtomicInteger();
            try (RillServer server = RillServer.start(config);
                RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(7, 1),
                    new AckListener()
                    {
                        @Override
                        public void onAck(final long seq)
                        {
                        }

                        @Override
                        public void onNack(final long seq, final ErrorCode code, final String message)
                        {
                            refused.incrementAndGet();
                        }
                    }))
            {
                for (int burst = 0; burst < 5; burst++)
                {
                    // Long enough for the consumer to stop spinning and block or park: the next burst must wake it.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    for (int i = 0; i < 40; i++)
                    {
                        producer.send("payments", 1000 + i, System.currentTimeMillis() * 1_000_000L, 25.0 + i, 5411, 14, 3.0, 400, 1);
                    }
                    assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)), p.configName() + ": burst " + burst + " acknowledged");
                }
                assertEquals(200, server.publish().published(), p.configName() + ": every event scored and published");
            }
            assertEquals(0, refused.get(), p.configName());
        }
    }

    private static String threading(final RillConfig config)
    {
        return config.gateway().ioThreads() + "/" + config.pipeline().threading() + "/" + config.pipeline().waitStrategy();
    }
}
