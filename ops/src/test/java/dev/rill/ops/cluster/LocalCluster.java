package dev.rill.ops.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;

/**
 * Configurations of a three-member cluster on loopback for tests: free-ish UDP port bases, one
 * data directory and one Aeron directory per member under a temporary directory.
 */
final class LocalCluster
{
    static final Path MODEL = Path.of("..", "models", "fraud", "1");
    static final int MEMBERS = 3;

    private LocalCluster()
    {
    }

    /** Gateways on fixed free ports (so NOT_LEADER can name them), UDP bases spaced per member. */
    static List<RillConfig> configs(final Path dir, final int[] gatewayPorts)
    {
        final int base = 21_000 + ThreadLocalRandom.current().nextInt(400) * 50;
        final List<ClusterConfig.Member> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++)
        {
            members.add(new ClusterConfig.Member(i, "127.0.0.1", base + i * 10, "127.0.0.1:" + gatewayPorts[i]));
        }
        final List<RillConfig> configs = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++)
        {
            final Path data = dir.resolve("member-" + i);
            final RillConfig defaults = RillConfig.defaults(data);
            configs.add(new RillConfig(defaults.gateway().withPort(gatewayPorts[i]), defaults.pipeline(), defaults.journal(),
                new ModelConfig(MODEL, "payments", 0.0), defaults.topics())
                .withAdmin(defaults.admin().withPort(0))
                .withCluster(new ClusterConfig(i, members, data.resolve("cluster"), dir.resolve("aeron-" + i), Duration.ofMillis(1000))));
        }
        return configs;
    }

    static boolean await(final BooleanSupplier condition, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }
}
