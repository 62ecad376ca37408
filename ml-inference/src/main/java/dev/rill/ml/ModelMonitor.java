package dev.rill.ml;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OrtException;
import dev.rill.bus.EventSlot;
import org.HdrHistogram.Histogram;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Watches the scored events off the acknowledgement path: scores them with a shadow model, if
 * one is set, and reports its agreement with the primary (score deltas, decisions flipped at the
 * primary's threshold) and its latency; and feeds the {@link BatchObserver} (drift) of the
 * primary.
 *
 * <p>The scoring stage copies each scored micro-batch (every event's fields, streaming features
 * included, and its published score) into a single-producer ring buffer ({@link #offer}): one
 * memory copy per batch, no allocation, never a wait. When the ring is full because the shadow
 * is slower than the primary, the batch is skipped and counted ({@link ShadowReport#skipped()}),
 * so a slow shadow never slows the bus; its figures then cover a sample. The monitor's own thread
 * ("rill-model-monitor") reads the ring, parking when it is empty.
 *
 * <p>Shadow scores are never published: they exist only in these figures.
 */
public final class ModelMonitor implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ModelMonitor.class.getName());
    private static final int BATCH_MESSAGE = 1;
    private static final int HEADER = 24;          // generation, count, pad, threshold
    private static final int ROW_HEADER = 16;      // topicId, fieldCount (with features), flags, the event's own field count
    private static final long DELTA_UNITS = 1_000_000; // |delta| recorded in millionths

    /** What the shadow did, since it was set. Deltas are shadow minus primary, absolute. */
    public record ShadowReport(
        String model, long compared, long skipped, double meanAbsDelta, double p99AbsDelta, double maxAbsDelta,
        long flipsPositiveToNegative, long flipsNegativeToPositive, double threshold, double agreement,
        double latencyP50Micros, double latencyP99Micros, long failures)
    {
    }

    /** Receives each scored batch of the primary on the monitor thread (for drift). */
    public interface BatchObserver
    {
        /**
         * @param rows     the primary's input rows, row-major, {@code count * featureCount} floats.
         * @param count    rows.
         * @param scores   the published scores of those rows.
         */
        void observe(FloatBuffer rows, int count, float[] scores);
    }

    private final int maxBatch;
    private final int maxFields;
    private final UnsafeBuffer ringMemory;
    private final OneToOneRingBuffer ring;
    private final AtomicReference<ScoringModel> nextShadow = new AtomicReference<>();
    private final AtomicReference<Object> stopShadow = new AtomicReference<>();
    private final AtomicReference<PrimaryWatch> nextPrimary = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean wanted;
    private volatile long skipped;
    private volatile String activeShadow;

    // monitor thread
    private ScoringModel shadow;
    private PrimaryWatch primary;
    private final float[] primaryScores;
    private final float[] rowScores;
    private final double[] fieldScratch;
    private final int[] rowTopic;
    private final byte[] rowFlags;

    // guarded by this
    private Histogram deltas = new Histogram(DELTA_UNITS, 3);
    private Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private double sumAbsDelta;
    private double maxAbsDelta;
    private long compared;
    private long flipsPosToNeg;
    private long flipsNegToPos;
    private long failures;
    private long skippedAtShadowStart;
    private double threshold = Double.NaN;
    private String shadowLabel;

    /** The primary's drift observer and its input rows, handed over when the primary changes. */
    private record PrimaryWatch(ScoringModel model, BatchObserver observer, FloatBuffer rows)
    {
    }

    /**
     * @param maxBatch   most events per batch the stage hands over.
     * @param maxFields  most fields (topic fields plus streaming features) per event.
     * @param ringBytes  capacity of the hand-over ring (a power of two); batches beyond it are skipped.
     */
    public ModelMonitor(final int maxBatch, final int maxFields, final int ringBytes)
    {
        this.maxBatch = maxBatch;
        this.maxFields = maxFields;
        this.ringMemory = new UnsafeBuffer(ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH));
        this.ring = new OneToOneRingBuffer(ringMemory);
        this.primaryScores = new float[maxBatch];
        this.rowScores = new float[maxBatch];
        this.fieldScratch = new double[maxFields];
        this.rowTopic = new int[maxBatch];
        this.rowFlags = new byte[maxBatch];
        if (ring.maxMsgLength() < messageLength(maxBatch, maxFields))
        {
            throw new IllegalArgumentException("monitor ring of " + ringBytes + " bytes cannot hold one batch of " + maxBatch +
                " events of " + maxFields + " fields (" + messageLength(maxBatch, maxFields) + " bytes); give it more");
        }
        thread = new Thread(this::run, "rill-model-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return a monitor sized for the stage: a ring of 64 batches of the largest size. */
    public static ModelMonitor forBatches(final int maxBatch, final int maxFields)
    {
        final int oneBatch = messageLength(maxBatch, maxFields) + 64;
        final int bytes = Integer.highestOneBit(Math.max(1 << 16, oneBatch * 64) - 1) << 1;
        return new ModelMonitor(maxBatch, maxFields, bytes);
    }

    /**
     * Starts shadowing with a model (replacing any shadow; its figures start from zero). Any thread.
     * The model is owned by the monitor from now on.
     */
    public void startShadow(final ScoringModel model)
    {
        final ScoringModel superseded = nextShadow.getAndSet(model);
        if (superseded != null)
        {
            closeQuietly(superseded);
        }
        wanted = true;
    }

    /** Stops shadowing; the figures so far stay readable until a new shadow starts. Any thread. */
    public void stopShadow()
    {
        final ScoringModel pending = nextShadow.getAndSet(null);
        if (pending != null)
        {
            closeQuietly(pending);
        }
        stopShadow.set(Boolean.TRUE);
        activeShadow = null;
    }

    /**
     * Sets the primary whose batches go to {@code observer} (null for none). Any thread; taken up
     * by the monitor thread before the next batch. The model is not owned by the monitor.
     */
    public void watchPrimary(final ScoringModel model, final BatchObserver observer)
    {
        nextPrimary.set(new PrimaryWatch(model, observer, observer == null ? null :
            ByteBuffer.allocateDirect(maxBatch * model.scorer().featureCount() * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer()));
        wanted = true;
    }

    /** @return true when the stage should hand batches over (a shadow or an observer is set). */
    boolean wanted()
    {
        return wanted;
    }

    /**
     * Hands a scored batch over. Scoring thread only; no allocation; never waits.
     *
     * @param slots     the batch's slots, scored.
     * @param count     slots to take from the start of {@code slots}.
     * @param extraFields streaming features per topic id (fields after the topic's own), or null for none.
     * @param threshold the primary's decision threshold.
     */
    void offer(final EventSlot[] slots, final int count, final int[] extraFields, final double threshold)
    {
        int length = HEADER;
        for (int i = 0; i < count; i++)
        {
            length += ROW_HEADER + Double.BYTES * (1 + fieldsOf(slots[i], extraFields));
        }
        final int index = ring.tryClaim(BATCH_MESSAGE, length);
        if (index < 0)
        {
            skipped += count;
            return;
        }
        final MutableDirectBuffer b = ring.buffer();
        b.putInt(index, 0);
        b.putInt(index + 4, count);
        b.putDouble(index + 8, threshold);
        int at = index + HEADER;
        for (int i = 0; i < count; i++)
        {
            final EventSlot slot = slots[i];
            final int fields = fieldsOf(slot, extraFields);
            b.putInt(at, slot.topicId());
            b.putInt(at + 4, fields);
            b.putInt(at + 8, slot.flags());
            b.putInt(at + 12, slot.fieldCount());
            b.putDouble(at + ROW_HEADER, slot.score());
            at += ROW_HEADER + Double.BYTES;
            final double[] values = slot.fields();
            for (int f = 0; f < fields; f++)
            {
                b.putDouble(at, values[f]);
                at += Double.BYTES;
            }
        }
        ring.commit(index);
    }

    /** @return the shadow's figures since it was set, or null when no shadow was ever set. Any thread. */
    public synchronized ShadowReport shadowReport()
    {
        if (shadowLabel == null)
        {
            return null;
        }
        final long skippedNow = skipped - skippedAtShadowStart;
        final long flips = flipsPosToNeg + flipsNegToPos;
        return new ShadowReport(shadowLabel, compared, skippedNow,
            compared == 0 ? 0 : sumAbsDelta / compared,
            compared == 0 ? 0 : deltas.getValueAtPercentile(99) / (double)DELTA_UNITS,
            maxAbsDelta, flipsPosToNeg, flipsNegToPos, threshold,
            compared == 0 ? 1 : 1 - flips / (double)compared,
            latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(50) / 1000.0,
            latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99) / 1000.0,
            failures);
    }

    /** @return the shadow's name/version (set or about to be), or null when none. Any thread. */
    public String shadowModel()
    {
        final ScoringModel pending = nextShadow.get();
        return pending != null ? pending.toString() : activeShadow;
    }

    /** @return batches' events not handed over because the ring was full. Any thread. */
    public long skipped()
    {
        return skipped;
    }

    /**
     * Waits until every batch handed over so far has been processed (tests and tools).
     *
     * @return false when it did not happen within the timeout.
     */
    public boolean awaitIdle(final long timeoutMillis)
    {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        while (ring.size() > 0 || nextShadow.get() != null || nextPrimary.get() != null || stopShadow.get() != null)
        {
            if (System.currentTimeMillis() > deadline)
            {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        return true;
    }

    @Override
    public void close()
    {
        running = false;
        java.util.concurrent.locks.LockSupport.unpark(thread);
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        if (shadow != null)
        {
            closeQuietly(shadow);
            shadow = null;
        }
        stopShadow();
    }

    private static int fieldsOf(final EventSlot slot, final int[] extraFields)
    {
        final int topicId = slot.topicId();
        return slot.fieldCount() + (extraFields != null && topicId >= 0 && topicId < extraFields.length ? extraFields[topicId] : 0);
    }

    private static int messageLength(final int maxBatch, final int maxFields)
    {
        return HEADER + maxBatch * (ROW_HEADER + Double.BYTES * (1 + maxFields));
    }

    private void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(2));
        while (running)
        {
            takeUpChanges();
            final int read = ring.read(this::onBatch, 16);
            idle.idle(read);
        }
    }

    private void takeUpChanges()
    {
        if (stopShadow.getAndSet(null) != null && shadow != null)
        {
            closeQuietly(shadow);
            synchronized (this)
            {
                shadow = null;
            }
            activeShadow = null;
        }
        final ScoringModel s = nextShadow.getAndSet(null);
        if (s != null)
        {
            if (shadow != null)
            {
                closeQuietly(shadow);
            }
            try
            {
                s.scorer().prepareBatchSizes();
            }
            catch (final OrtException ex)
            {
                LOG.log(System.Logger.Level.WARNING, "shadow " + s + ": cannot pre-create tensors: " + ex.getMessage());
            }
            synchronized (this)
            {
                shadow = s;
                shadowLabel = s.toString();
                deltas = new Histogram(DELTA_UNITS, 3);
                latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                sumAbsDelta = 0;
                maxAbsDelta = 0;
                compared = 0;
                flipsPosToNeg = 0;
                flipsNegToPos = 0;
                failures = 0;
                skippedAtShadowStart = skipped;
            }
            activeShadow = s.toString();
        }
        final PrimaryWatch p = nextPrimary.getAndSet(null);
        if (p != null)
        {
            primary = p.observer() == null ? null : p;
        }
    }

    private void onBatch(final int type, final MutableDirectBuffer b, final int index, final int length)
    {
        final int count = b.getInt(index + 4);
        final double batchThreshold = b.getDouble(index + 8);
        final ScoringModel s = shadow;
        final PrimaryWatch p = primary;
        int shadowRows = 0;
        int primaryRows = 0;
        int at = index + HEADER;
        for (int i = 0; i < count; i++)
        {
            final int topicId = b.getInt(at);
            final int fields = b.getInt(at + 4);
            final byte flags = (byte)b.getInt(at + 8);
            final int eventFields = b.getInt(at + 12);
            final double score = b.getDouble(at + ROW_HEADER);
            at += ROW_HEADER + Double.BYTES;
            for (int f = 0; f < fields && f < fieldScratch.length; f++)
            {
                fieldScratch[f] = b.getDouble(at + f * Double.BYTES);
            }
            at += fields * Double.BYTES;
            final boolean fallback = (flags & ScoringStage.FALLBACK_FLAG) != 0;
            if (s != null && !fallback)
            {
                final FeatureExtractor extractor = s.extractor(topicId);
                if (extractor != null)
                {
                    extractor.extract(fieldScratch, eventFields, s.scorer().inputRows(), shadowRows);
                    primaryScores[shadowRows] = (float)score;
                    rowTopic[shadowRows] = topicId;
                    rowFlags[shadowRows] = flags;
                    shadowRows++;
                }
            }
            if (p != null && !fallback)
            {
                final FeatureExtractor extractor = p.model().extractor(topicId);
                if (extractor != null)
                {
                    extractor.extract(fieldScratch, eventFields, p.rows(), primaryRows);
                    rowScores[primaryRows++] = (float)score;
                }
            }
        }
        if (p != null && primaryRows > 0)
        {
            p.observer().observe(p.rows(), primaryRows, rowScores);
        }
        if (s != null && shadowRows > 0)
        {
            scoreShadow(s, shadowRows, batchThreshold);
        }
    }

    private void scoreShadow(final ScoringModel s, final int n, final double batchThreshold)
    {
        final long start = System.nanoTime();
        try
        {
            s.scorer().run(n);
        }
        catch (final OrtException | RuntimeException ex)
        {
            synchronized (this)
            {
                failures += n;
            }
            return;
        }
        final long took = System.nanoTime() - start;
        synchronized (this)
        {
            threshold = batchThreshold;
            latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(1, took)));
            for (int row = 0; row < n; row++)
            {
                final float shadowScore = s.scorer().score(row);
                if (!Float.isFinite(shadowScore))
                {
                    failures++;
                    continue;
                }
                final double primaryScore = primaryScores[row];
                final double delta = Math.abs(shadowScore - primaryScore);
                compared++;
                sumAbsDelta += delta;
                maxAbsDelta = Math.max(maxAbsDelta, delta);
                deltas.recordValue(Math.min(DELTA_UNITS, Math.round(delta * DELTA_UNITS)));
                final boolean primaryPositive = primaryScore >= batchThreshold;
                final boolean shadowPositive = shadowScore >= batchThreshold;
                if (primaryPositive && !shadowPositive)
                {
                    flipsPosToNeg++;
                }
                else if (!primaryPositive && shadowPositive)
                {
                    flipsNegToPos++;
                }
            }
        }
    }

    private static void closeQuietly(final ScoringModel model)
    {
        try
        {
            model.close();
        }
        catch (final OrtException | RuntimeException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "model " + model + ": closing failed: " + ex.getMessage());
        }
    }
}
