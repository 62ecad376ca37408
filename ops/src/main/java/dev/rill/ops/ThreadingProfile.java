package dev.rill.ops;

import java.util.Locale;

import dev.rill.bus.ConfigException;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.WaitStrategyKind;
import dev.rill.gateway.GatewayConfig;

/**
 * A named set of defaults for how the bus uses its threads ({@code profile:} in rill.yaml,
 * {@code rill serve --profile}): the Netty event-loop count ({@code gateway.ioThreads}), the consumer
 * topology ({@code pipeline.threading}) and how consumer threads wait ({@code pipeline.waitStrategy}).
 * A profile only changes defaults: any of the three keys written in the file wins over it. Without a
 * profile the plain defaults apply ({@link GatewayConfig#defaults()}, {@link PipelineConfig#defaults()}).
 *
 * <p>The values were chosen on a 2-core machine from {@code perf/run-threading.sh} (perf/README.md,
 * "Threading on two cores"). Neither profile spins or yields: on 2 cores a thread that never sleeps
 * takes a core from the I/O thread and the producers. When {@code features:} are configured a profile
 * never picks {@link PipelineConfig.Threading#DIAMOND} (streaming features need the fused consumer); it
 * falls back to {@link PipelineConfig.Threading#FUSED}.
 *
 * <p>Immutable; any thread. {@link #gateway} and {@link #pipeline} allocate the new config records.
 */
public enum ThreadingProfile
{
    /**
     * The lowest tail latency at a steady 100k events/s on 2 cores: one event loop, the fused consumer
     * (one pipeline thread, no hand-off between stages), and {@link WaitStrategyKind#PARKING}: the consumer
     * spins a few microseconds before parking, so a batch that arrives soon after the last is taken without a
     * wake-up, and a publish costs one volatile read unless the consumer parked. The same three values as the
     * plain defaults. Idle cost: the parked consumer wakes once a millisecond (its safety-net timeout).
     */
    LATENCY(1, PipelineConfig.Threading.FUSED, WaitStrategyKind.PARKING),
    /**
     * The least CPU per event and when idle: one event loop, the fused consumer, and
     * {@link WaitStrategyKind#BLOCKING}: the consumer waits on a lock and condition at once (no spin) with
     * no timeout, so an idle bus never wakes it; each publish takes the lock to signal it. Measured on 2
     * cores at 100k events/s (perf/README.md, "Threading on two cores"): 76 % of a core against PARKING's
     * 83 %, 2.8 % idle, with p50/p99 as PARKING's. Not {@link WaitStrategyKind#LITE_BLOCKING}, although it
     * measured as well: the Disruptor's authors call it experimental, and a wake-up it lost would leave an
     * event unprocessed until the next publish, which on an idle bus may never come.
     */
    EFFICIENCY(1, PipelineConfig.Threading.FUSED, WaitStrategyKind.BLOCKING);

    /** The configuration key. */
    public static final String KEY = "profile";

    private final int ioThreads;
    private final PipelineConfig.Threading threading;
    private final WaitStrategyKind waitStrategy;

    ThreadingProfile(final int ioThreads, final PipelineConfig.Threading threading, final WaitStrategyKind waitStrategy)
    {
        this.ioThreads = ioThreads;
        this.threading = threading;
        this.waitStrategy = waitStrategy;
    }

    /** @return the default of {@code gateway.ioThreads} under this profile. */
    public int ioThreads()
    {
        return ioThreads;
    }

    /** @return the default of {@code pipeline.threading} under this profile (without {@code features:}). */
    public PipelineConfig.Threading threading()
    {
        return threading;
    }

    /** @return the default of {@code pipeline.waitStrategy} under this profile. */
    public WaitStrategyKind waitStrategy()
    {
        return waitStrategy;
    }

    /** @return the name written in rill.yaml and on the command line: {@code latency} or {@code efficiency}. */
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return {@code d} with this profile's {@code ioThreads}. */
    public GatewayConfig gateway(final GatewayConfig d)
    {
        return d.withIoThreads(ioThreads);
    }

    /**
     * @param features whether {@code features:} are configured: they need {@link PipelineConfig.Threading#FUSED},
     *                 which then replaces this profile's topology.
     * @return {@code d} with this profile's threading and wait strategy.
     */
    public PipelineConfig pipeline(final PipelineConfig d, final boolean features)
    {
        return d.withThreading(features ? PipelineConfig.Threading.FUSED : threading).withWaitStrategy(waitStrategy);
    }

    /**
     * @param key   where the value was written, for the message ({@code profile}, {@code --profile}).
     * @param value a profile's name in any case; null for none.
     * @return the profile, or null for a null value.
     * @throws ConfigException naming the key, the value and the allowed names.
     */
    public static ThreadingProfile parse(final String key, final String value)
    {
        if (value == null)
        {
            return null;
        }
        for (final ThreadingProfile p : values())
        {
            if (p.configName().equalsIgnoreCase(value.strip()))
            {
                return p;
            }
        }
        throw ConfigException.invalid(key, value, "latency or efficiency (or leave it out for the plain defaults: " +
            "see perf/README.md, \"Threading on two cores\")");
    }

    /**
     * @return the profile whose three values these are, or null when none has them all; for the startup line, which
     *         says what the threading amounts to whether it came from a profile or from keys.
     */
    public static ThreadingProfile matching(final GatewayConfig gateway, final PipelineConfig pipeline)
    {
        for (final ThreadingProfile p : values())
        {
            if (p.ioThreads == gateway.ioThreads() && p.threading == pipeline.threading() &&
                p.waitStrategy == pipeline.waitStrategy())
            {
                return p;
            }
        }
        return null;
    }
}
