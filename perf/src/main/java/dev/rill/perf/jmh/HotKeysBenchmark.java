package dev.rill.perf.jmh;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import dev.rill.bus.TopicRegistry;
import dev.rill.bus.TopicSchema;
import dev.rill.bus.metrics.HotKeys;
import dev.rill.bus.metrics.HotspotConfig;
import dev.rill.bus.metrics.SpaceSavingSketch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What does counting one event in the hot-key and hot-producer sketches cost the publish stage?
 * {@link HotKeys#record} as the publish stage calls it (topic, key, producer, the publish time),
 * with 64, 128 (the default) and 256 counters, for keys drawn from a Zipf distribution (s = 1.1
 * over 1,000,000 keys: a few keys carry much of the traffic, the rest is a long tail) and
 * uniformly over 1,000,000 keys (no key is heavy, the sketch churns: the worst case), producers
 * Zipf over 64. Time advances 10 µs per event and windows are 10 s, so a window closes every
 * 1,000,000 events (100,000 events/s), and its snapshot, built on this thread, is part of the
 * cost. {@code keySketchOnly} and {@code producerSketchOnly} time one sketch's offer alone. ns
 * per event; {@code -prof gc} shows the bytes per event, which are only the snapshots' (a few
 * kB per window).
 */
@State(Scope.Thread)
public class HotKeysBenchmark extends RillBenchmark
{
    private static final int SEQUENCE = 1 << 20;
    private static final long START_NANOS = 1_700_000_000_000_000_000L;
    private static final long GAP_NANOS = 10_000L;

    @Param({"64", "128", "256"})
    public int counters;

    @Param({"zipf", "uniform"})
    public String keys;

    private HotKeys hotKeys;
    private SpaceSavingSketch keySketch;
    private SpaceSavingSketch producerSketch;
    private final long[] keySequence = new long[SEQUENCE];
    private final long[] producerSequence = new long[SEQUENCE];
    private final int[] topicSequence = new int[SEQUENCE];
    private int next;
    private long now = START_NANOS;

    @Setup(Level.Trial)
    public void setUp()
    {
        final TopicRegistry topics = new TopicRegistry(List.of(
            new TopicSchema("payments", List.of("amount")), new TopicSchema("payment_labels", List.of("fraud"))));
        final HotspotConfig config = new HotspotConfig(true, Duration.ofSeconds(10), 10, counters, 0.2, 1000);
        hotKeys = new HotKeys(config, topics, () -> now);
        keySketch = new SpaceSavingSketch(counters);
        producerSketch = new SpaceSavingSketch(counters);
        final SplittableRandom random = new SplittableRandom(23);
        final double[] keyCdf = zipfCdf(1_000_000, 1.1);
        final double[] producerCdf = zipfCdf(64, 1.1);
        for (int i = 0; i < SEQUENCE; i++)
        {
            final long rank = "zipf".equals(keys) ? draw(keyCdf, random.nextDouble()) : random.nextInt(1_000_000);
            keySequence[i] = (rank + 1) * 0x9E3779B97F4A7C15L; // hashed card numbers spread over the long range
            producerSequence[i] = 1 + draw(producerCdf, random.nextDouble());
            topicSequence[i] = random.nextInt(10) == 0 ? 1 : 0;
        }
    }

    @Benchmark
    public void record()
    {
        final int i = next++ & (SEQUENCE - 1);
        now += GAP_NANOS;
        hotKeys.record(topicSequence[i], keySequence[i], producerSequence[i], now);
    }

    /** The key sketch alone (no window, no producers): where the time goes. */
    @Benchmark
    public void keySketchOnly()
    {
        final int i = next++ & (SEQUENCE - 1);
        keySketch.offer(keySequence[i], topicSequence[i]);
    }

    /** The producer sketch alone. */
    @Benchmark
    public void producerSketchOnly()
    {
        final int i = next++ & (SEQUENCE - 1);
        producerSketch.offer(producerSequence[i], 0);
    }

    private static double[] zipfCdf(final int n, final double s)
    {
        final double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++)
        {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int draw(final double[] cdf, final double u)
    {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}
