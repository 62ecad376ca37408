package dev.rill.ml;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtException.OrtErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Stage;
import dev.rill.bus.codec.ResultFlagsEncoder;
import org.agrona.concurrent.EpochNanoClock;

/**
 * The pipeline stage that scores events with one model, one ONNX Runtime call per micro-batch.
 *
 * <p>Each event of a scored topic is collected and its features written straight into the
 * scorer's input row; at {@code endOfBatch}, or as soon as {@code maxBatch} events are collected,
 * the collected rows are scored with a single {@link OnnxScorer#run(int)} and every collected slot
 * gets {@code slot.scored(score, modelVersion, now, 0)}. Holding slots until the end of the batch
 * is safe: the pipeline does not release or publish a sequence before this stage's batch ends.
 *
 * <p>Failures never stop the pipeline: when the run throws, every slot of the batch gets the
 * configured fallback score with the FALLBACK flag; when a row's output is NaN or infinite (for
 * example from a NaN field), that slot alone gets the fallback. Each such slot is counted in
 * {@link #fallbackCount()}, and each distinct kind of failure is logged once, not per event.
 *
 * <p>Events of a topic without an extractor (null entry, or a topic id beyond the array) are not
 * scored: the slot is left as the gateway cleared it (score NaN, model version 0, no flag) and is
 * counted in {@link #unscoredCount()}.
 *
 * <p>Threading: one pipeline thread calls {@link #onEvent}, {@link #onStart} and
 * {@link #onShutdown}; it owns the scorer. The counters are written by that thread only and may
 * be read from any thread (opaque reads). Steady state allocates nothing here; ONNX Runtime's Java
 * layer allocates a few hundred bytes inside each run call. The first failure of a kind allocates
 * its log message.
 */
public final class ScoringStage implements Stage
{
    /** The FALLBACK bit of the Result flags (bit 0 of {@link ResultFlagsEncoder}). */
    public static final byte FALLBACK_FLAG = ResultFlagsEncoder.fALLBACK((byte)0, true);

    private static final System.Logger LOG = System.getLogger(ScoringStage.class.getName());
    private static final VarHandle FALLBACK_COUNT;
    private static final VarHandle SCORED_COUNT;
    private static final VarHandle UNSCORED_COUNT;
    private static final VarHandle BATCH_COUNT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            FALLBACK_COUNT = lookup.findVarHandle(ScoringStage.class, "fallbackCount", long.class);
            SCORED_COUNT = lookup.findVarHandle(ScoringStage.class, "scoredCount", long.class);
            UNSCORED_COUNT = lookup.findVarHandle(ScoringStage.class, "unscoredCount", long.class);
            BATCH_COUNT = lookup.findVarHandle(ScoringStage.class, "batchCount", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private OnnxScorer scorer;
    private FeatureExtractor[] extractors;
    private final EpochNanoClock clock;
    private final int maxBatch;
    private final double fallbackScore;
    private int modelVersion;
    private volatile String modelName;
    private byte[] modelNameUtf8;
    private final AtomicReference<Deployment> next = new AtomicReference<>();
    private final ConcurrentLinkedQueue<OnnxScorer> retired = new ConcurrentLinkedQueue<>();
    private volatile int activeVersion;

    /** A model handed over by {@link #deploy}, taken up at the next batch boundary. */
    private record Deployment(OnnxScorer scorer, FeatureExtractor[] extractors)
    {
    }
    private final EventSlot[] pending;
    private int pendingCount;

    private final boolean[] loggedOrtCodes = new boolean[OrtErrorCode.values().length];
    private final Set<Class<?>> loggedExceptionTypes = new HashSet<>();
    private boolean loggedNonFinite;

    private long fallbackCount;
    private long scoredCount;
    private long unscoredCount;
    private long batchCount;

    /**
     * @param scorer        the model, owned by this stage from now on.
     * @param extractors    extractor per topic id; a null entry means the topic is not scored.
     * @param clock         source of the scored time stamps.
     * @param maxBatch      most events per run; at most {@code scorer.maxBatch()}.
     * @param fallbackScore score written when the model fails (for fraud: the base rate, or 0).
     */
    public ScoringStage(
        final OnnxScorer scorer,
        final FeatureExtractor[] extractors,
        final EpochNanoClock clock,
        final int maxBatch,
        final double fallbackScore)
    {
        Objects.requireNonNull(scorer, "scorer");
        this.clock = Objects.requireNonNull(clock, "clock");
        check(scorer, extractors, maxBatch);
        this.maxBatch = maxBatch;
        this.fallbackScore = fallbackScore;
        adopt(scorer, extractors.clone());
        this.pending = new EventSlot[maxBatch];
    }

    @Override
    public void onStart()
    {
        try
        {
            scorer.prepareBatchSizes();
        }
        catch (final OrtException ex)
        {
            // Not fatal: tensors are made lazily at the first run of each size, which then falls
            // back if ORT still cannot make them.
            LOG.log(System.Logger.Level.WARNING, "model " + modelName + ": cannot pre-create tensors: " + ex.getMessage());
        }
    }

    /**
     * Hands over a new model (hot swap). The stage takes it up at its next batch boundary, on the
     * pipeline thread: every event of a micro-batch is scored by one model, each Result names the
     * model version that scored it, and nothing is dropped or scored twice. The previous model's
     * session is closed by a later {@code deploy} or at shutdown, never while it may be running.
     * Call from any thread; the scorer must be fully loaded (it is: {@link OnnxScorer#open} checks it).
     *
     * @param newScorer     the model, owned by this stage from now on.
     * @param newExtractors extractor per topic id, built from the new model's descriptor.
     * @throws IllegalArgumentException when it cannot take this stage's batch or its extractors do not fit it.
     */
    public void deploy(final OnnxScorer newScorer, final FeatureExtractor[] newExtractors)
    {
        check(newScorer, newExtractors, maxBatch);
        try
        {
            newScorer.prepareBatchSizes();
        }
        catch (final OrtException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "model " + newScorer + ": cannot pre-create tensors: " + ex.getMessage());
        }
        final Deployment superseded = next.getAndSet(new Deployment(newScorer, newExtractors.clone()));
        if (superseded != null)
        {
            retired.add(superseded.scorer()); // never taken up
        }
        closeRetired();
    }

    /** @return the version of the model scoring now (after the last swap taken up); any thread. */
    public int activeModelVersion()
    {
        return activeVersion;
    }

    @Override
    public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (pendingCount == 0)
        {
            final Deployment d = next.get(); // a batch boundary: the only place a model changes
            if (d != null && next.compareAndSet(d, null))
            {
                retired.add(scorer);
                adopt(d.scorer(), d.extractors());
            }
        }
        final int topicId = slot.topicId();
        final FeatureExtractor extractor = topicId >= 0 && topicId < extractors.length ? extractors[topicId] : null;
        if (slot.kind() == EventSlot.HELLO)
        {
            // a producer's Hello on its way to its Welcome: nothing to score
        }
        else if (extractor == null)
        {
            UNSCORED_COUNT.setOpaque(this, unscoredCount + 1);
        }
        else
        {
            extractor.extract(slot.fields(), scorer.inputRows(), pendingCount);
            pending[pendingCount++] = slot;
        }

        if (pendingCount == maxBatch || (endOfBatch && pendingCount > 0))
        {
            scorePending();
        }
    }

    @Override
    public void onShutdown()
    {
        try
        {
            scorer.close();
            final Deployment pendingDeployment = next.getAndSet(null);
            if (pendingDeployment != null)
            {
                retired.add(pendingDeployment.scorer());
            }
            closeRetired();
        }
        catch (final OrtException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "model " + modelName + ": closing the session failed: " + ex.getMessage());
        }
    }

    @Override
    public String name()
    {
        return "scoring";
    }

    /** @return the model this stage scores with, as name/version. */
    @Override
    public String toString()
    {
        return modelName;
    }

    /** @return slots given the fallback score so far; any thread. */
    public long fallbackCount()
    {
        return (long)FALLBACK_COUNT.getOpaque(this);
    }

    /** @return slots given a model score so far; any thread. */
    public long scoredCount()
    {
        return (long)SCORED_COUNT.getOpaque(this);
    }

    /** @return slots of topics this stage does not score; any thread. */
    public long unscoredCount()
    {
        return (long)UNSCORED_COUNT.getOpaque(this);
    }

    /** @return model runs attempted (one per micro-batch); any thread. */
    public long batchCount()
    {
        return (long)BATCH_COUNT.getOpaque(this);
    }

    private void scorePending()
    {
        final int n = pendingCount;
        pendingCount = 0;
        BATCH_COUNT.setOpaque(this, batchCount + 1);
        boolean ran = false;
        try
        {
            scorer.run(n);
            ran = true;
        }
        catch (final OrtException ex)
        {
            final int code = ex.getCode() == null ? OrtErrorCode.ORT_FAIL.ordinal() : ex.getCode().ordinal();
            if (!loggedOrtCodes[code])
            {
                loggedOrtCodes[code] = true;
                logFailure("session.run failed (" + ex.getCode() + "): " + ex.getMessage());
            }
        }
        catch (final RuntimeException ex)
        {
            if (loggedExceptionTypes.add(ex.getClass()))
            {
                logFailure("session.run threw " + ex);
            }
        }

        final long now = clock.nanoTime();
        long fallbacks = 0;
        for (int row = 0; row < n; row++)
        {
            final EventSlot slot = pending[row];
            pending[row] = null;
            final float score = ran ? scorer.score(row) : Float.NaN;
            slot.modelName(modelNameUtf8);
            if (ran && Float.isFinite(score))
            {
                slot.scored(score, modelVersion, now, (byte)0);
            }
            else
            {
                if (ran && !loggedNonFinite)
                {
                    loggedNonFinite = true;
                    logFailure("model returned a non-finite score (" + score + ") for an event of topic id " +
                        slot.topicId() + "; check the event's fields and the model");
                }
                slot.scored(fallbackScore, modelVersion, now, FALLBACK_FLAG);
                fallbacks++;
            }
        }
        SCORED_COUNT.setOpaque(this, scoredCount + (n - fallbacks));
        FALLBACK_COUNT.setOpaque(this, fallbackCount + fallbacks);
    }

    private void adopt(final OnnxScorer newScorer, final FeatureExtractor[] newExtractors)
    {
        scorer = newScorer;
        extractors = newExtractors;
        modelVersion = newScorer.modelVersion();
        modelName = newScorer.descriptor().name() + "/" + modelVersion;
        modelNameUtf8 = newScorer.descriptor().name().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        activeVersion = modelVersion; // volatile: publishes the swap to readers on other threads
    }

    private void closeRetired()
    {
        OnnxScorer old;
        while ((old = retired.poll()) != null)
        {
            try
            {
                old.close();
            }
            catch (final OrtException | RuntimeException ex)
            {
                LOG.log(System.Logger.Level.WARNING, "model " + old + ": closing the replaced session failed: " + ex.getMessage());
            }
        }
    }

    private static void check(final OnnxScorer scorer, final FeatureExtractor[] extractors, final int maxBatch)
    {
        if (maxBatch < 1 || maxBatch > scorer.maxBatch())
        {
            throw new IllegalArgumentException("maxBatch " + maxBatch + " must be in [1, " + scorer.maxBatch() +
                "] (the scorer's maxBatch); open the scorer with a larger maxBatch or lower the stage's");
        }
        for (int topicId = 0; topicId < extractors.length; topicId++)
        {
            final FeatureExtractor extractor = extractors[topicId];
            if (extractor != null && extractor.featureCount() != scorer.featureCount())
            {
                throw new IllegalArgumentException("extractor for topic id " + topicId + " writes " +
                    extractor.featureCount() + " features but " + scorer + " takes " + scorer.featureCount() +
                    "; build the extractor from the scorer's descriptor");
            }
        }
    }

    private void logFailure(final String what)
    {
        LOG.log(System.Logger.Level.ERROR, "model " + modelName + ": " + what + "; affected events get score " +
            fallbackScore + " with the FALLBACK flag (logged once per failure kind, see fallbackCount())");
    }
}
