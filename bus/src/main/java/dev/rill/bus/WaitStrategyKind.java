package dev.rill.bus;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.TimeUnit;

/**
 * How pipeline threads wait for events, chosen by configuration ({@code pipeline.waitStrategy}).
 *
 * <p>The default, {@link #PARKING}, parks idle threads: on a 2-core machine a spinning consumer
 * takes a whole core from the I/O thread and the load generator, which costs more than the
 * wake-up it saves (measured: see perf/README.md).
 */
public enum WaitStrategyKind
{
    /**
     * Spin a few microseconds, then park; a publish signals only a consumer that parked. The
     * default: no CPU when idle, and the cheapest publish (see {@link ParkingWaitStrategy}).
     */
    PARKING,
    /** Lock and condition: no CPU when idle, a few microseconds to wake; every publish signals. */
    BLOCKING,
    /** As BLOCKING, but a publish signals only when a consumer is actually waiting. */
    LITE_BLOCKING,
    /** Spins, then yields, then parks for 100 µs: low CPU, coarse wake-up. */
    SLEEPING,
    /** Spins for 10 µs, yields for 100 µs, then blocks: fast when busy, idle when quiet. */
    PHASED_BACKOFF,
    /** Yields in a loop: burns a core; only for machines with cores to spare. */
    YIELDING,
    /** Spins: burns a core; only for isolated cores. */
    BUSY_SPIN;

    /** @return a new Disruptor wait strategy of this kind. */
    public WaitStrategy newWaitStrategy()
    {
        switch (this)
        {
            case LITE_BLOCKING:
                return new LiteBlockingWaitStrategy();
            case SLEEPING:
                return new SleepingWaitStrategy();
            case PHASED_BACKOFF:
                return PhasedBackoffWaitStrategy.withLock(10, 100, TimeUnit.MICROSECONDS);
            case YIELDING:
                return new YieldingWaitStrategy();
            case BUSY_SPIN:
                return new BusySpinWaitStrategy();
            case BLOCKING:
                return new BlockingWaitStrategy();
            case PARKING:
            default:
                return new ParkingWaitStrategy();
        }
    }
}
