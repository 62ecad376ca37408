package dev.rill.ml;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtException.OrtErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Stage;
import dev.rill.bus.codec.ResultFlagsEncoder;
import dev.rill.ml.features.FeatureState;
import dev.rill.ml.features.FeatureStateSink;
import org.agrona.concurrent.EpochNanoClock;

/**
 * The pipeline stage that scores events with the primary model, one ONNX Runtime call per
 * micro-batch, falls back when the model cannot score, keeps the streaming features, and hands
 * scored batches to the {@link ModelMonitor} (shadow and drift).
 *
 * <p><b>Micro-batches.</b> Each event of a scored topic is collected, its streaming features
 * applied ({@link FeatureState}) and its model features written straight into the primary's input
 * row; at {@code endOfBatch}, or when {@code maxBatch} events are collected, the rows are scored
 * with one run. Holding slots until then is safe: the pipeline does not publish a sequence before
 * this stage's batch ends. Sizes and run times are recorded in {@link #batchStats()}.
 *
 * <p><b>Hot swap.</b> {@link #deploy} hands over a new primary and fallback; they are taken up
 * at the next batch boundary on the pipeline thread, so every event of a micro-batch is scored by
 * one model, and each Result names the model and version that scored it. Replaced models are
 * closed later, never while they may be running.
 *
 * <p><b>Fallback.</b> Failures never stop the pipeline nor lose an event. When the primary
 * cannot score a row, because it was not loaded ({@link FallbackReason#LOAD_FAILURE}), its run
 * failed ({@link FallbackReason#INFERENCE_ERROR}), the row's score is NaN or infinite
 * ({@link FallbackReason#NON_FINITE}) or the run went over the batch time budget and was ended
 * ({@link FallbackReason#OVER_BUDGET}), the row is scored by the fallback model (normally the
 * previous version) in one run for all such rows of the batch; if there is none, or it fails too,
 * the row gets the configured default score. Either way the Result carries the FALLBACK flag and
 * the count of its reason rises ({@link #fallbackCount(FallbackReason)}). After three overruns in
 * a row the primary is bypassed for one second, so a model that has become slow costs its budget
 * three times, not on every batch. Each distinct failure is logged once, not per event.
 *
 * <p>Events of a topic the primary does not score are left as the gateway cleared them (score
 * NaN, version 0) and counted in {@link #unscoredCount()}. With {@code journalRunsFirst}, events
 * the journal found duplicate or fenced are neither scored nor applied to the feature state.
 *
 * <p>Threading: one pipeline thread calls {@link #onEvent}, {@link #onStart}, {@link #onShutdown};
 * it owns the models in use and the feature state. Counters are written by that thread and may be
 * read from any. Steady state allocates nothing here; ONNX Runtime's Java layer allocates a few
 * hundred bytes inside each run, and a feature snapshot (every checkpoint interval) allocates its bytes.
 */
public final class ScoringStage implements Stage
{
    /** The FALLBACK bit of the Result flags (bit 0 of {@link ResultFlagsEncoder}). */
    public static final byte FALLBACK_FLAG = ResultFlagsEncoder.fALLBACK((byte)0, true);

    private static final System.Logger LOG = System.getLogger(ScoringStage.class.getName());
    private static final long SUSPEND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int OVERRUNS_BEFORE_SUSPEND = 3;
    private static final int RUN_OK = 0;
    private static final int RUN_FAILED = 1;
    private static final int RUN_OVER_BUDGET = 2;
    private static final VarHandle SCORED_COUNT;
    private static final VarHandle UNSCORED_COUNT;
    private static final VarHandle BATCH_COUNT;
    private static final VarHandle SKIPPED_COUNT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            SCORED_COUNT = lookup.findVarHandle(ScoringStage.class, "scoredCount", long.class);
            UNSCORED_COUNT = lookup.findVarHandle(ScoringStage.class, "unscoredCount", long.class);
            BATCH_COUNT = lookup.findVarHandle(ScoringStage.class, "batchCount", long.class);
            SKIPPED_COUNT = lookup.findVarHandle(ScoringStage.class, "skippedCount", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /**
     * The model the configuration names, when it could not be loaded: named on the Results that get
     * the default score.
     *
     * @param name    model name.
     * @param version model version.
     * @param topicId the topic it scores.
     */
    public record IntendedModel(String name, int version, int topicId)
    {
    }

    /** A primary and its fallback handed over by {@link #deploy}, taken up at the next batch boundary. */
    private record Deployment(
        ScoringModel primary, ScoringModel fallback, boolean currentBecomesFallback, byte[] intendedName, int intendedVersion)
    {
    }

    private final ScoringOptions options;
    private final EpochNanoClock clock;
    private final FeatureState features;
    private final FeatureStateSink featureSink;
    private final ModelMonitor monitor;
    private final RunWatchdog watchdog;
    private final BatchStats batchStats;
    private final int[] extraFields;
    private final int intendedTopicId;
    private final AtomicReference<Deployment> next = new AtomicReference<>();
    private final ConcurrentLinkedQueue<ScoringModel> retired = new ConcurrentLinkedQueue<>();

    // pipeline thread
    private ScoringModel primary;
    private ScoringModel fallback;
    private byte[] intendedName;
    private int intendedVersion;
    private final EventSlot[] pending;
    private int pendingCount;
    private final int[] fallbackRows;
    private boolean batchEnded = true;
    private long nextSnapshotNanos;
    private long snapshotIndex = dev.rill.bus.Journal.NO_INDEX;
    private int overrunsInARow;
    private long primarySuspendedUntilNanos;
    private final boolean[] loggedOrtCodes = new boolean[OrtErrorCode.values().length];
    private final Set<Class<?>> loggedExceptionTypes = new HashSet<>();
    private final boolean[] loggedReasons = new boolean[FallbackReason.values().length];

    // written by the pipeline thread, read by any
    private volatile String primaryLabel;
    private volatile String fallbackLabel;
    private volatile int activeVersion;
    private final AtomicLongArray fallbacks = new AtomicLongArray(FallbackReason.values().length);
    private long scoredCount;
    private long unscoredCount;
    private long batchCount;
    private long skippedCount;

    /**
     * A stage with one model, no fallback model, no streaming features and no monitor (tools, tests
     * and benchmarks).
     *
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
        this(ScoringOptions.of(maxBatch, fallbackScore), new ScoringModel(scorer, extractors), null,
            null, FeatureState.none(java.util.List.of()), null, null, clock);
    }

    /**
     * @param options       batch bound, time budget, default score, threading.
     * @param primary       the model to score with, or null when it could not be loaded (every event then
     *                      falls back with {@link FallbackReason#LOAD_FAILURE}).
     * @param fallback      the model that scores what the primary cannot (normally the previous version), or null.
     * @param intended      the configured model, named on default-scored Results when {@code primary} is
     *                      null; null when the primary is given.
     * @param features      the streaming features, applied to every scored event.
     * @param featureSink   receives feature snapshots for checkpoints (null for none; needs {@code journalRunsFirst}).
     * @param monitor       receives scored batches for shadow and drift (null for none).
     * @param clock         source of the scored time stamps.
     */
    public ScoringStage(
        final ScoringOptions options,
        final ScoringModel primary,
        final ScoringModel fallback,
        final IntendedModel intended,
        final FeatureState features,
        final FeatureStateSink featureSink,
        final ModelMonitor monitor,
        final EpochNanoClock clock)
    {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.features = Objects.requireNonNull(features, "features");
        if (primary == null && intended == null)
        {
            throw new IllegalArgumentException("without a primary model, name the intended one (name/version)");
        }
        check(primary, options.maxBatch());
        check(fallback, options.maxBatch());
        if (featureSink != null && !options.journalRunsFirst())
        {
            throw new IllegalArgumentException("feature snapshots need the journal to run before scoring (fused threading)");
        }
        this.featureSink = featureSink;
        this.monitor = monitor;
        this.pending = new EventSlot[options.maxBatch()];
        this.fallbackRows = new int[options.maxBatch()];
        this.watchdog = new RunWatchdog(options.batchBudgetNanos());
        this.batchStats = new BatchStats(options.maxBatch(), options.batchBudgetNanos());
        this.extraFields = new int[features.topicCount()];
        for (int topicId = 0; topicId < extraFields.length; topicId++)
        {
            extraFields[topicId] = features.featureCount(topicId);
        }
        this.intendedTopicId = intended == null ? -1 : intended.topicId();
        adopt(new Deployment(primary, fallback, false, intended == null ? null : intended.name().getBytes(StandardCharsets.UTF_8),
            primary != null ? primary.version() : intended.version()));
    }

    @Override
    public void onStart()
    {
        prepare(primary);
        prepare(fallback);
        nextSnapshotNanos = clock.nanoTime(); // the first batch boundary hands one over, so the first checkpoint has it
    }

    /**
     * Hands over a new primary model and its fallback (hot swap). The stage takes them up at its
     * next batch boundary, on the pipeline thread: every event of a micro-batch is scored by one
     * model, each Result names the model version that scored it, and nothing is dropped or scored
     * twice. The replaced models are closed by a later {@code deploy} or at shutdown, never while
     * they may be running. Call from any thread; the models must be fully loaded (they are:
     * {@link OnnxScorer#open} checks them).
     *
     * @param newPrimary  the model to score with, owned by this stage from now on.
     * @param newFallback the model that scores what the primary cannot, or null; owned by this stage from now on.
     * @throws IllegalArgumentException when a model cannot take this stage's batch.
     */
    public void deploy(final ScoringModel newPrimary, final ScoringModel newFallback)
    {
        Objects.requireNonNull(newPrimary, "newPrimary");
        check(newPrimary, options.maxBatch());
        check(newFallback, options.maxBatch());
        prepare(newPrimary);
        prepare(newFallback);
        handOver(new Deployment(newPrimary, newFallback, false, null, newPrimary.version()));
    }

    /**
     * Hands over a new primary whose fallback is the model scoring now (the usual deploy: the
     * version being replaced stands by), without loading that version a second time; see
     * {@link #deploy(ScoringModel, ScoringModel)}. With no primary scoring now, the current
     * fallback stays.
     */
    public void deployKeepingCurrentAsFallback(final ScoringModel newPrimary)
    {
        Objects.requireNonNull(newPrimary, "newPrimary");
        check(newPrimary, options.maxBatch());
        prepare(newPrimary);
        handOver(new Deployment(newPrimary, null, true, null, newPrimary.version()));
    }

    /** Leaves a deployment for the next batch boundary; one still waiting is replaced and its models closed. */
    private void handOver(final Deployment deployment)
    {
        final Deployment superseded = next.getAndSet(deployment);
        if (superseded != null) // never taken up
        {
            retireQuietly(superseded.primary());
            retireQuietly(superseded.fallback());
        }
        closeRetired();
    }

    /** Hands over a new model with no fallback model; see {@link #deploy(ScoringModel, ScoringModel)}. */
    public void deploy(final OnnxScorer newScorer, final FeatureExtractor[] newExtractors)
    {
        deploy(new ScoringModel(newScorer, newExtractors), null);
    }

    /** @return true while a deployment waits for the next batch boundary; any thread. */
    public boolean deploymentPending()
    {
        return next.get() != null;
    }

    /** @return the version of the model scoring now (after the last swap taken up); any thread. */
    public int activeModelVersion()
    {
        return activeVersion;
    }

    /** @return the primary as name/version, or the intended one followed by " (not loaded)"; any thread. */
    public String primaryModel()
    {
        return primaryLabel;
    }

    /** @return the fallback model as name/version, or null when fallbacks get the default score; any thread. */
    public String fallbackModel()
    {
        return fallbackLabel;
    }

    /** @return the default score given when no model can score an event. */
    public double fallbackScore()
    {
        return options.fallbackScore();
    }

    @Override
    public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (pendingCount == 0)
        {
            atBoundary();
        }
        final int kind = slot.kind();
        if (kind == EventSlot.HELLO)
        {
            // a producer's Hello on its way to its Welcome: nothing to score
        }
        else if (options.journalRunsFirst() && (slot.duplicate() || slot.fenced()))
        {
            SKIPPED_COUNT.setOpaque(this, skippedCount + 1); // a resend or a fenced event: not journaled, not scored
        }
        else if (kind == EventSlot.WARMUP)
        {
            features.apply(slot); // published before a restart: only its effect on the feature state is wanted
        }
        else
        {
            features.apply(slot);
            final int topicId = slot.topicId();
            final ScoringModel model = primary != null ? primary : fallback;
            // with no model loaded at all, the configured topic's events get the default score
            if (model == null ? topicId != intendedTopicId : model.extractor(topicId) == null)
            {
                UNSCORED_COUNT.setOpaque(this, unscoredCount + 1);
            }
            else
            {
                if (primary != null)
                {
                    primary.extractor(topicId).extract(slot.fields(), slot.fieldCount(), primary.scorer().inputRows(), pendingCount);
                }
                pending[pendingCount++] = slot;
            }
        }

        if (pendingCount == options.maxBatch() || (endOfBatch && pendingCount > 0))
        {
            scorePending();
        }
        if (endOfBatch)
        {
            batchEnded = true;
        }
    }

    @Override
    public void onShutdown()
    {
        if (featureSink != null && features.any() && features.lastAppliedInIndex() != snapshotIndex)
        {
            // the fused handler has published everything by now; the journal stage's last checkpoint follows
            featureSink.offer(features.lastAppliedInIndex(), features.snapshot());
        }
        retireQuietly(primary);
        retireQuietly(fallback);
        primary = null;
        fallback = null;
        final Deployment pendingDeployment = next.getAndSet(null);
        if (pendingDeployment != null)
        {
            retireQuietly(pendingDeployment.primary());
            retireQuietly(pendingDeployment.fallback());
        }
        closeRetired();
        watchdog.close();
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
        return primaryLabel;
    }

    /** @return events given a fallback score so far, for every reason; any thread. */
    public long fallbackCount()
    {
        long total = 0;
        for (int i = 0; i < fallbacks.length(); i++)
        {
            total += fallbacks.get(i);
        }
        return total;
    }

    /** @return events given a fallback score for one reason; any thread. */
    public long fallbackCount(final FallbackReason reason)
    {
        return fallbacks.get(reason.ordinal());
    }

    /** @return events scored by the primary model so far; any thread. */
    public long scoredCount()
    {
        return (long)SCORED_COUNT.getOpaque(this);
    }

    /** @return events of topics the model does not score; any thread. */
    public long unscoredCount()
    {
        return (long)UNSCORED_COUNT.getOpaque(this);
    }

    /** @return duplicate and fenced events passed over (journal-first threading only); any thread. */
    public long skippedCount()
    {
        return (long)SKIPPED_COUNT.getOpaque(this);
    }

    /** @return micro-batches scored (one primary run each, when there is a primary); any thread. */
    public long batchCount()
    {
        return (long)BATCH_COUNT.getOpaque(this);
    }

    /** @return batch sizes and run times since start; any thread. */
    public BatchStats batchStats()
    {
        return batchStats;
    }

    /** @return model runs ended for going over the time budget; any thread. */
    public long runsOverBudget()
    {
        return watchdog.terminated();
    }

    /** @return the streaming-feature state (owned by the pipeline thread once it runs). */
    public FeatureState features()
    {
        return features;
    }

    private void atBoundary()
    {
        final Deployment d = next.get(); // a batch boundary: the only place a model changes
        if (d != null && next.compareAndSet(d, null))
        {
            // The replaced primary stands by when asked (or, without one, the current fallback stays).
            final ScoringModel kept = !d.currentBecomesFallback() ? d.fallback() : primary != null ? primary : fallback;
            if (primary != kept)
            {
                retireQuietly(primary);
            }
            if (fallback != kept)
            {
                retireQuietly(fallback);
            }
            adopt(new Deployment(d.primary(), kept, false, null, d.intendedVersion()));
        }
        if (batchEnded)
        {
            // the previous batch is published (journal-first threading runs publish before the next batch)
            batchEnded = false;
            if (featureSink != null)
            {
                maybeSnapshotFeatures();
            }
        }
    }

    private void maybeSnapshotFeatures()
    {
        final long now = clock.nanoTime();
        final long index = features.lastAppliedInIndex();
        if (now >= nextSnapshotNanos && index != snapshotIndex && features.any())
        {
            featureSink.offer(index, features.snapshot());
            snapshotIndex = index;
            nextSnapshotNanos = now + options.featureSnapshotIntervalNanos();
        }
    }

    private void scorePending()
    {
        final int n = pendingCount;
        pendingCount = 0;
        BATCH_COUNT.setOpaque(this, batchCount + 1);
        final long now = clock.nanoTime();

        int runResult = RUN_FAILED;
        FallbackReason batchReason = FallbackReason.LOAD_FAILURE;
        if (primary != null)
        {
            if (primarySuspendedUntilNanos != 0 && System.nanoTime() - primarySuspendedUntilNanos < 0)
            {
                batchReason = FallbackReason.OVER_BUDGET;
            }
            else
            {
                primarySuspendedUntilNanos = 0;
                final long start = System.nanoTime();
                runResult = run(primary, n);
                batchStats.record(n, System.nanoTime() - start);
                batchReason = runResult == RUN_OVER_BUDGET ? FallbackReason.OVER_BUDGET : FallbackReason.INFERENCE_ERROR;
                noteOverrun(runResult == RUN_OVER_BUDGET);
            }
        }

        int fallbackCount = 0;
        long scored = 0;
        for (int row = 0; row < n; row++)
        {
            final EventSlot slot = pending[row];
            if (runResult == RUN_OK)
            {
                final float score = primary.scorer().score(row);
                if (Float.isFinite(score))
                {
                    slot.modelName(primary.nameUtf8());
                    slot.scored(score, primary.version(), now, (byte)0);
                    scored++;
                    continue;
                }
                fallbackRows[fallbackCount++] = row | (FallbackReason.NON_FINITE.ordinal() << 24);
                if (!loggedReasons[FallbackReason.NON_FINITE.ordinal()])
                {
                    loggedReasons[FallbackReason.NON_FINITE.ordinal()] = true;
                    logFailure("returned a non-finite score (" + score + ") for an event of topic id " + slot.topicId() +
                        "; check the event's fields and the model");
                }
            }
            else
            {
                fallbackRows[fallbackCount++] = row | (batchReason.ordinal() << 24);
            }
        }
        if (fallbackCount > 0)
        {
            scoreFallbacks(fallbackCount, now);
        }
        SCORED_COUNT.setOpaque(this, scoredCount + scored);
        if (monitor != null && monitor.wanted())
        {
            monitor.offer(pending, n, extraFields, primary == null ? Double.NaN : primary.descriptor().threshold());
        }
        for (int row = 0; row < n; row++)
        {
            pending[row] = null;
        }
    }

    /** Scores the rows listed in {@link #fallbackRows} (row in the low 24 bits, reason above) by the fallback model or the default. */
    private void scoreFallbacks(final int count, final long now)
    {
        final ScoringModel model = fallback;
        int extracted = 0;
        if (model != null)
        {
            for (int i = 0; i < count; i++)
            {
                final EventSlot slot = pending[fallbackRows[i] & 0xFF_FFFF];
                final FeatureExtractor extractor = model.extractor(slot.topicId());
                if (extractor != null)
                {
                    extractor.extract(slot.fields(), slot.fieldCount(), model.scorer().inputRows(), extracted++);
                }
            }
        }
        final boolean ran = extracted > 0 && run(model, extracted) == RUN_OK;
        int fallbackRow = 0;
        for (int i = 0; i < count; i++)
        {
            final int row = fallbackRows[i] & 0xFF_FFFF;
            final int reason = fallbackRows[i] >>> 24;
            final EventSlot slot = pending[row];
            final boolean byModel = model != null && model.extractor(slot.topicId()) != null;
            final float score = ran && byModel ? model.scorer().score(fallbackRow) : Float.NaN;
            if (byModel)
            {
                fallbackRow++;
            }
            if (Float.isFinite(score))
            {
                slot.modelName(model.nameUtf8());
                slot.scored(score, model.version(), now, FALLBACK_FLAG);
            }
            else
            {
                slot.modelName(intendedName);
                slot.scored(options.fallbackScore(), intendedVersion, now, FALLBACK_FLAG);
            }
            fallbacks.lazySet(reason, fallbacks.get(reason) + 1);
            if (!loggedReasons[reason] && reason != FallbackReason.NON_FINITE.ordinal())
            {
                loggedReasons[reason] = true;
                logFailure("cannot score (" + FallbackReason.values()[reason] + ")");
            }
        }
    }

    private int run(final ScoringModel model, final int n)
    {
        watchdog.begin();
        try
        {
            model.scorer().run(n, watchdog.runOptions());
            return watchdog.end() ? RUN_OVER_BUDGET : RUN_OK;
        }
        catch (final OrtException ex)
        {
            if (watchdog.end())
            {
                return RUN_OVER_BUDGET;
            }
            final int code = ex.getCode() == null ? OrtErrorCode.ORT_FAIL.ordinal() : ex.getCode().ordinal();
            if (!loggedOrtCodes[code])
            {
                loggedOrtCodes[code] = true;
                LOG.log(System.Logger.Level.ERROR, "model " + model + ": session.run failed (" + ex.getCode() + "): " +
                    ex.getMessage() + "; the batch falls back (logged once per error code)");
            }
            return RUN_FAILED;
        }
        catch (final RuntimeException ex)
        {
            watchdog.end();
            if (loggedExceptionTypes.add(ex.getClass()))
            {
                LOG.log(System.Logger.Level.ERROR, "model " + model + ": session.run threw " + ex +
                    "; the batch falls back (logged once per exception type)");
            }
            return RUN_FAILED;
        }
    }

    private void noteOverrun(final boolean overBudget)
    {
        if (!overBudget)
        {
            overrunsInARow = 0;
            return;
        }
        if (++overrunsInARow >= OVERRUNS_BEFORE_SUSPEND)
        {
            overrunsInARow = 0;
            primarySuspendedUntilNanos = System.nanoTime() + SUSPEND_NANOS;
            LOG.log(System.Logger.Level.WARNING, "model " + primaryLabel + ": " + OVERRUNS_BEFORE_SUSPEND +
                " runs in a row over the batch budget of " + TimeUnit.NANOSECONDS.toMicros(options.batchBudgetNanos()) +
                " µs; the fallback scores for the next second (roll back with `rill model rollback` if it persists)");
        }
    }

    private void adopt(final Deployment d)
    {
        primary = d.primary();
        fallback = d.fallback();
        intendedName = d.intendedName() != null ? d.intendedName() : primary.nameUtf8();
        intendedVersion = d.intendedVersion();
        primaryLabel = primary != null ? primary.toString() :
            new String(intendedName, StandardCharsets.UTF_8) + "/" + intendedVersion + " (not loaded)";
        fallbackLabel = fallback == null ? null : fallback.toString();
        overrunsInARow = 0;
        primarySuspendedUntilNanos = 0;
        java.util.Arrays.fill(loggedReasons, false);
        if (monitor != null && primary != null)
        {
            monitor.watchPrimary(primary, primary.observer());
        }
        activeVersion = primary != null ? primary.version() : intendedVersion; // volatile: publishes the swap
    }

    private void prepare(final ScoringModel model)
    {
        if (model == null)
        {
            return;
        }
        try
        {
            model.scorer().prepareBatchSizes();
        }
        catch (final OrtException ex)
        {
            // Not fatal: tensors are made lazily at the first run of each size, which then falls back if ORT still cannot.
            LOG.log(System.Logger.Level.WARNING, "model " + model + ": cannot pre-create tensors: " + ex.getMessage());
        }
    }

    private void retireQuietly(final ScoringModel model)
    {
        if (model != null)
        {
            retired.add(model);
        }
    }

    private void closeRetired()
    {
        ScoringModel old;
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

    private static void check(final ScoringModel model, final int maxBatch)
    {
        if (model != null && (maxBatch > model.scorer().maxBatch()))
        {
            throw new IllegalArgumentException("maxBatch " + maxBatch + " must be in [1, " + model.scorer().maxBatch() +
                "] (the scorer's maxBatch); open the scorer with a larger maxBatch or lower the stage's");
        }
    }

    private void logFailure(final String what)
    {
        LOG.log(System.Logger.Level.ERROR, "model " + primaryLabel + ": " + what + "; affected events are scored by " +
            (fallbackLabel != null ? fallbackLabel : "nothing") + " or get score " + options.fallbackScore() +
            ", with the FALLBACK flag (logged once per failure kind and deployment; see the fallback counters)");
    }
}
