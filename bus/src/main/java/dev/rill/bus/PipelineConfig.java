package dev.rill.bus;

/**
 * Configuration of the ring-buffer pipeline ({@code pipeline:} in rill.yaml).
 *
 * @param ringSize      slots in the ring; a power of two. A full ring pauses producing connections.
 * @param maxBatch      most events handed to a stage at once; bounds one ONNX call.
 * @param threading     {@link Threading#FUSED} (one consumer thread) or {@link Threading#DIAMOND}.
 * @param waitStrategy  how consumer threads wait for events.
 * @param maxEventBytes largest encoded Event (header included) a slot holds.
 * @param maxFields     most fields an event may carry.
 */
public record PipelineConfig(
    int ringSize,
    int maxBatch,
    Threading threading,
    WaitStrategyKind waitStrategy,
    int maxEventBytes,
    int maxFields)
{
    /** How stages are mapped onto threads. */
    public enum Threading
    {
        /** Journal, score and publish run in turn on one consumer thread, batch by batch. */
        FUSED,
        /** Journal and score run in parallel on two threads; publish waits for both on a third. */
        DIAMOND
    }

    public static final int DEFAULT_RING_SIZE = 16 * 1024;
    public static final int DEFAULT_MAX_BATCH = 128;
    public static final int DEFAULT_MAX_EVENT_BYTES = 512;
    public static final int DEFAULT_MAX_FIELDS = 32;

    /** Validates every value, naming the offending key. */
    public PipelineConfig
    {
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1)
        {
            throw ConfigException.invalid("pipeline.ringSize", ringSize, "a power of two, at least 2");
        }
        if (maxBatch < 1 || maxBatch > 4096)
        {
            throw ConfigException.invalid("pipeline.maxBatch", maxBatch, "1 to 4096");
        }
        if (threading == null)
        {
            throw ConfigException.invalid("pipeline.threading", null, "FUSED or DIAMOND");
        }
        if (waitStrategy == null)
        {
            throw ConfigException.invalid("pipeline.waitStrategy", null, "one of PARKING, BLOCKING, LITE_BLOCKING, SLEEPING, PHASED_BACKOFF, YIELDING, BUSY_SPIN");
        }
        if (maxEventBytes < 64 || maxEventBytes > 1024 * 1024)
        {
            throw ConfigException.invalid("pipeline.maxEventBytes", maxEventBytes, "64 to 1048576");
        }
        if (maxFields < 1 || maxFields > 4096)
        {
            throw ConfigException.invalid("pipeline.maxFields", maxFields, "1 to 4096");
        }
    }

    /** @return the defaults: 16384 slots, batches of 128, fused, parking wait, 512-byte events, 32 fields. */
    public static PipelineConfig defaults()
    {
        return new PipelineConfig(
            DEFAULT_RING_SIZE, DEFAULT_MAX_BATCH, Threading.FUSED, WaitStrategyKind.PARKING,
            DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_FIELDS);
    }

    public PipelineConfig withRingSize(final int ringSize)
    {
        return new PipelineConfig(ringSize, maxBatch, threading, waitStrategy, maxEventBytes, maxFields);
    }

    public PipelineConfig withMaxBatch(final int maxBatch)
    {
        return new PipelineConfig(ringSize, maxBatch, threading, waitStrategy, maxEventBytes, maxFields);
    }

    public PipelineConfig withThreading(final Threading threading)
    {
        return new PipelineConfig(ringSize, maxBatch, threading, waitStrategy, maxEventBytes, maxFields);
    }

    public PipelineConfig withWaitStrategy(final WaitStrategyKind waitStrategy)
    {
        return new PipelineConfig(ringSize, maxBatch, threading, waitStrategy, maxEventBytes, maxFields);
    }
}
