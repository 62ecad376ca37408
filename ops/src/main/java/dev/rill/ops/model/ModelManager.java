package dev.rill.ops.model;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.rill.bus.TopicRegistry;
import dev.rill.ml.FallbackReason;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.ModelMonitor;
import dev.rill.ml.ModelRegistry;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.ScoringModel;
import dev.rill.ml.ScoringOptions;
import dev.rill.ml.ScoringStage;
import dev.rill.ml.BatchStats;
import dev.rill.ml.drift.DriftMonitor;
import dev.rill.ml.drift.DriftReport;
import dev.rill.ml.features.FeatureState;
import dev.rill.ml.features.FeatureStateSink;
import dev.rill.ml.train.DeploymentGate;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.admin.ModelAdmin;
import dev.rill.ops.admin.ModelStatus;
import dev.rill.ops.train.ModelGate;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.EpochNanoClock;

/**
 * The server's models: loads the configured version (or falls back when it cannot), opens the
 * fallback and shadow versions from the registry, builds the {@link ScoringStage}, and answers the
 * admin channel's deploy, shadow, rollback and status requests ({@link ModelAdmin}).
 *
 * <p>Every change is loaded and checked here, off the pipeline thread, then handed to the stage,
 * which takes it up at its next batch boundary. A deploy that is not forced must pass the
 * {@link DeploymentGate} (via {@link ModelGate}): the candidate must beat the active version on
 * the candidate's held-out range. Rollback goes back to the version active before the current
 * one, without the gate.
 *
 * <p>Threads: built on the starting thread; admin requests arrive on the admin thread and are
 * serialised here (synchronized); the stage and the monitor run on their own threads.
 */
public final class ModelManager implements ModelAdmin, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ModelManager.class.getName());

    private final RillConfig config;
    private final ModelConfig modelConfig;
    private final TopicRegistry topics;
    private final FeatureState features;
    private final ModelRegistry registry;
    private final ModelMonitor monitor;
    private final ScoringStage stage;
    private final int maxBatch;
    private final int topicId;
    private final Consumer<String> log;
    private final Deque<ModelRegistry.Entry> history = new ArrayDeque<>(); // active on top
    private ModelRegistry.Entry active;
    private ModelRegistry.Entry previous;
    private ModelRegistry.Entry fallback;
    private ModelRegistry.Entry shadow;
    private volatile DriftWatch drift; // volatile: driftReport() reads it without the lock a deploy holds
    private long activeSinceMillis = System.currentTimeMillis();
    private final String loadFailure;
    private volatile long lastSwapNanos = -1;

    /** Drift of the primary: the monitor thread observes, status readers report; serialised here. */
    private static final class DriftWatch implements ModelMonitor.BatchObserver
    {
        private final DriftMonitor drift;

        DriftWatch(final DriftMonitor drift)
        {
            this.drift = drift;
        }

        @Override
        public synchronized void observe(final FloatBuffer rows, final int count, final float[] scores)
        {
            drift.observe(rows, count, drift.featureCount(), scores);
        }

        synchronized DriftReport report()
        {
            return drift.report();
        }
    }

    /**
     * Loads the configured model and its fallback and builds the scoring stage.
     *
     * @param featureSink where feature snapshots go (the checkpoint writer); null for none.
     * @param log         receives one line per notable event (a load failure, a swap).
     */
    public ModelManager(
        final RillConfig config, final TopicRegistry topics, final FeatureState features, final FeatureStateSink featureSink,
        final EpochNanoClock clock, final Consumer<String> log)
    {
        this.config = config;
        this.modelConfig = config.model();
        this.topics = topics;
        this.features = features;
        this.log = log;
        this.maxBatch = config.pipeline().maxBatch();
        this.registry = new ModelRegistry(modelConfig.registryRoot());
        this.topicId = topics.find(modelConfig.topic());
        int maxFields = 0;
        for (int i = 0; i < topics.size(); i++)
        {
            maxFields = Math.max(maxFields, topics.topic(i).fields().size() + features.featureCount(i));
        }
        this.monitor = ModelMonitor.forBatches(maxBatch, Math.max(1, maxFields));

        final ModelRegistry.Entry configured = ModelRegistry.check(modelConfig.name(), modelConfig.version(), modelConfig.directory());
        ScoringModel primary = null;
        ModelLoadException loadError = configured.problem() == null ? null : new ModelLoadException(configured.problem());
        if (loadError == null)
        {
            try
            {
                primary = open(configured);
            }
            catch (final ModelLoadException e)
            {
                loadError = e;
            }
        }
        final String failure = loadError == null ? null : loadError.getMessage();
        loadFailure = failure;
        if (primary != null)
        {
            active = configured;
            history.push(configured);
            drift = (DriftWatch)primary.observer();
        }
        ScoringModel fallbackModel = null;
        if (ModelConfig.FALLBACK_PREVIOUS.equals(modelConfig.fallbackModel()))
        {
            fallback = previousUsable(modelConfig.name(), modelConfig.version()).orElse(null);
            fallbackModel = fallback == null ? null : openQuietly(fallback);
            if (fallbackModel == null)
            {
                fallback = null;
            }
        }
        if (primary == null && fallbackModel != null)
        {
            log.accept("model " + modelConfig.name() + "/" + modelConfig.version() + " cannot be loaded: " + failure +
                "; every event is scored by " + fallback.name() + "/" + fallback.version() + " with the FALLBACK flag until a " +
                "usable version is deployed (`rill model deploy`); see ops/runbooks/model-fallback.md");
        }
        if (primary == null && fallbackModel == null)
        {
            // Nothing can score at all: refuse to start rather than give every event the default score.
            monitor.close();
            throw loadError;
        }
        final boolean journalFirst = config.pipeline().threading() == dev.rill.bus.PipelineConfig.Threading.FUSED;
        final ScoringOptions options = new ScoringOptions(maxBatch, modelConfig.fallbackScore(),
            TimeUnit.MICROSECONDS.toNanos(modelConfig.batchBudgetMicros()), journalFirst,
            TimeUnit.SECONDS.toNanos(config.checkpoint().intervalSeconds()) / 2); // each checkpoint carries a state at most half an interval old
        stage = new ScoringStage(options, primary, fallbackModel,
            primary == null ? new ScoringStage.IntendedModel(modelConfig.name(), modelConfig.version(), topicId) : null,
            features, journalFirst ? featureSink : null, monitor, clock);
        if (modelConfig.shadow() != null)
        {
            final Path dir = modelConfig.shadow().toAbsolutePath().normalize();
            final AdminOutcome outcome = startShadow(ModelRegistry.check(dir.getParent().getFileName().toString(),
                parseVersion(dir.getFileName().toString()), dir));
            if (!outcome.done())
            {
                log.accept("model.shadow: " + outcome.message() + "; the server runs without a shadow");
            }
        }
    }

    /** @return the scoring stage (hand it to the pipeline). */
    public ScoringStage stage()
    {
        return stage;
    }

    /** @return the shadow and drift monitor. */
    public ModelMonitor monitor()
    {
        return monitor;
    }

    /** @return why the configured model could not be loaded at start, or null when it was. */
    public String loadFailure()
    {
        return loadFailure;
    }

    /**
     * @return the drift report of the active model, or null when none is loaded. Any thread; never
     *         waits for a deploy under way (the alert rules call it on the telemetry thread).
     */
    public DriftReport driftReport()
    {
        final DriftWatch watch = drift;
        return watch == null ? null : watch.report();
    }

    /** @return nanoseconds from the last deploy request to its first batch scored, or -1 before any. */
    public long lastSwapNanos()
    {
        return lastSwapNanos;
    }

    @Override
    public synchronized AdminOutcome deploy(final String name, final int version, final boolean force)
    {
        final long requested = System.nanoTime();
        final Optional<ModelRegistry.Entry> found = find(name, version);
        if (found.isEmpty())
        {
            return new AdminOutcome(false, "MODEL_INVALID", "no usable version " + (version == 0 ? "" : version + " ") +
                "of model '" + name + "' under " + registry.root() + "; see `rill model list`");
        }
        final ModelRegistry.Entry candidate = found.get();
        if (!candidate.usable())
        {
            return new AdminOutcome(false, "MODEL_INVALID", candidate.name() + "/" + candidate.version() + " is refused: " +
                candidate.problem());
        }
        if (active != null && candidate.directory().equals(active.directory()))
        {
            return new AdminOutcome(false, "ALREADY_ACTIVE", candidate.name() + "/" + candidate.version() + " is already active");
        }
        if (!force && active != null)
        {
            final DeploymentGate.Verdict verdict;
            try
            {
                verdict = ModelGate.check(config, candidate.directory(), active.directory());
            }
            catch (final RuntimeException e)
            {
                return new AdminOutcome(false, "REFUSED_BY_GATE", "the deployment gate could not compare " + candidate.name() + "/" +
                    candidate.version() + " with " + active.name() + "/" + active.version() + ": " + e.getMessage() +
                    "; fix that, or deploy with --force");
            }
            if (!verdict.passed())
            {
                return new AdminOutcome(false, "REFUSED_BY_GATE", verdict.reason() + "; deploy with --force to override");
            }
        }
        final AdminOutcome outcome = swapTo(candidate, active, force ? requested : System.nanoTime());
        if (outcome.done())
        {
            history.push(candidate);
        }
        return outcome;
    }

    @Override
    public synchronized AdminOutcome rollback()
    {
        if (active == null || history.size() < 2)
        {
            return new AdminOutcome(false, "NOTHING_TO_ROLL_BACK", "no earlier version was active since the server started" +
                (active == null ? "" : " (active: " + active.name() + "/" + active.version() + ")") +
                "; deploy a version by name with `rill model deploy NAME:VERSION`");
        }
        final ModelRegistry.Entry current = history.pop();
        final ModelRegistry.Entry target = history.peek();
        final ModelRegistry.Entry before = history.size() >= 2 ? secondOf(history) : null;
        final AdminOutcome outcome = swapTo(target, before, System.nanoTime());
        if (!outcome.done())
        {
            history.push(current);
            return outcome;
        }
        return new AdminOutcome(true, "ROLLED_BACK", "rolled back from " + current.name() + "/" + current.version() + " to " +
            target.name() + "/" + target.version() + "; it takes over at the next batch boundary");
    }

    @Override
    public synchronized AdminOutcome shadow(final String name, final int version)
    {
        final Optional<ModelRegistry.Entry> found = find(name, version);
        if (found.isEmpty())
        {
            return new AdminOutcome(false, "MODEL_INVALID", "no usable version " + (version == 0 ? "" : version + " ") +
                "of model '" + name + "' under " + registry.root() + "; see `rill model list`");
        }
        return startShadow(found.get());
    }

    @Override
    public synchronized AdminOutcome stopShadow()
    {
        if (shadow == null)
        {
            return new AdminOutcome(false, "NO_SHADOW", "no shadow model is running");
        }
        final String was = shadow.name() + "/" + shadow.version();
        monitor.stopShadow();
        shadow = null;
        return new AdminOutcome(true, "SHADOW_STOPPED", "shadow " + was + " stopped");
    }

    @Override
    public synchronized ModelStatus status()
    {
        final ModelStatus.Fallbacks fallbacks = new ModelStatus.Fallbacks(
            stage.fallbackCount(FallbackReason.LOAD_FAILURE), stage.fallbackCount(FallbackReason.INFERENCE_ERROR),
            stage.fallbackCount(FallbackReason.NON_FINITE), stage.fallbackCount(FallbackReason.OVER_BUDGET));
        final ModelStatus.ActiveModel activeModel = active == null ?
            new ModelStatus.ActiveModel(modelConfig.name(), modelConfig.version(), modelConfig.directory() + " (not loaded: " +
                loadFailure + ")", activeSinceMillis, stage.scoredCount(), fallbacks) :
            new ModelStatus.ActiveModel(active.name(), active.version(), active.directory().toString(), activeSinceMillis,
                stage.scoredCount(), fallbacks);
        final String fallbackMode = active == null ?
            (fallback != null ? "previous version " + fallback.name() + "/" + fallback.version() + " scores everything (load failure)" :
                "default score " + stage.fallbackScore() + " for everything (load failure)") :
            fallback != null ? "on failure: version " + fallback.name() + "/" + fallback.version() + ", then default score " +
                stage.fallbackScore() : "on failure: default score " + stage.fallbackScore();

        ModelStatus.Shadow shadowStatus = null;
        final ModelMonitor.ShadowReport report = monitor.shadowReport();
        if (shadow != null && report != null)
        {
            shadowStatus = new ModelStatus.Shadow(shadow.name(), shadow.version(), report.compared(), report.skipped(),
                report.meanAbsDelta(), report.p99AbsDelta(), report.maxAbsDelta(), report.flipsPositiveToNegative(),
                report.flipsNegativeToPositive(), report.threshold(), report.agreement(),
                Math.round(report.latencyP50Micros()), Math.round(report.latencyP99Micros()));
        }
        final BatchStats.Snapshot batches = stage.batchStats().snapshot();
        final Histogram sizes = batches.sizes();
        final ModelStatus.BatchSizes batchSizes = new ModelStatus.BatchSizes(sizes.getTotalCount(),
            sizes.getTotalCount() == 0 ? 0 : sizes.getMean(), (int)sizes.getValueAtPercentile(50),
            (int)sizes.getValueAtPercentile(99), (int)sizes.getMaxValue(), batches.maxBatch(),
            TimeUnit.NANOSECONDS.toMicros(batches.budgetNanos()), stage.runsOverBudget());

        final List<ModelStatus.FeatureDrift> driftList = new ArrayList<>();
        Double scorePsi = null;
        if (drift != null)
        {
            final DriftReport r = drift.report();
            for (final DriftReport.Entry e : r.features())
            {
                driftList.add(new ModelStatus.FeatureDrift(e.name(), e.psi(), e.level().toString()));
            }
            scorePsi = Double.isNaN(r.score().psi()) ? null : r.score().psi();
        }
        return new ModelStatus(activeModel,
            previous == null ? null : new ModelStatus.ModelRef(previous.name(), previous.version()),
            fallbackMode, shadowStatus, batchSizes, driftList, scorePsi);
    }

    @Override
    public synchronized void close()
    {
        monitor.close();
    }

    /** Opens the target and its fallback, hands both to the stage, and waits (briefly) for the swap. */
    /** @param start when the swap was asked for (after the gate, which is reported on its own). */
    private AdminOutcome swapTo(final ModelRegistry.Entry target, final ModelRegistry.Entry fallbackEntry, final long start)
    {
        final ScoringModel primary;
        try
        {
            primary = open(target);
        }
        catch (final ModelLoadException e)
        {
            return new AdminOutcome(false, "MODEL_INVALID", e.getMessage());
        }
        ScoringModel fallbackModel = null;
        final boolean previousStandsBy = ModelConfig.FALLBACK_PREVIOUS.equals(modelConfig.fallbackModel()) &&
            fallbackEntry != null && active != null && fallbackEntry.directory().equals(active.directory());
        if (!previousStandsBy && ModelConfig.FALLBACK_PREVIOUS.equals(modelConfig.fallbackModel()) && fallbackEntry != null)
        {
            fallbackModel = openQuietly(fallbackEntry);
        }
        try
        {
            if (previousStandsBy)
            {
                stage.deployKeepingCurrentAsFallback(primary); // the replaced version's session stands by: not loaded twice
                fallbackModel = primary; // for the bookkeeping below: a fallback exists
            }
            else
            {
                stage.deploy(primary, fallbackModel);
            }
        }
        catch (final IllegalArgumentException e)
        {
            closeQuietly(primary);
            closeQuietly(fallbackModel);
            return new AdminOutcome(false, "MODEL_INVALID", e.getMessage());
        }
        final ModelRegistry.Entry was = active;
        previous = was;
        active = target;
        drift = (DriftWatch)primary.observer();
        fallback = fallbackModel == null ? null : fallbackEntry;
        activeSinceMillis = System.currentTimeMillis();
        final long handedOver = System.nanoTime();
        // The swap happens at the next batch boundary: under load within a batch; when idle, at the next event.
        final long deadline = handedOver + TimeUnit.SECONDS.toNanos(2);
        while (stage.deploymentPending() && System.nanoTime() < deadline)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000); // no spinning beside the pipeline on 2 cores
        }
        final boolean taken = !stage.deploymentPending();
        if (taken)
        {
            lastSwapNanos = System.nanoTime() - start;
        }
        final String message = target.name() + "/" + target.version() + (was == null ? "" : " replaces " + was.name() + "/" +
            was.version()) + (taken ? " (loaded and taken up in " + TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) +
            " µs)" : " (loaded in " + TimeUnit.NANOSECONDS.toMicros(handedOver - start) +
            " µs; takes over at the next event)");
        log.accept("model " + message);
        return new AdminOutcome(true, "DEPLOYED", message);
    }

    private AdminOutcome startShadow(final ModelRegistry.Entry entry)
    {
        if (!entry.usable())
        {
            return new AdminOutcome(false, "MODEL_INVALID", entry.name() + "/" + entry.version() + " is refused: " + entry.problem());
        }
        final ScoringModel model;
        try
        {
            model = open(entry, false);
        }
        catch (final ModelLoadException e)
        {
            return new AdminOutcome(false, "MODEL_INVALID", e.getMessage());
        }
        monitor.startShadow(model);
        shadow = entry;
        return new AdminOutcome(true, "SHADOW_STARTED", "shadow " + entry.name() + "/" + entry.version() +
            " scores the same events off the acknowledgement path; its scores are not published (see `rill model status`)");
    }

    private ScoringModel open(final ModelRegistry.Entry entry)
    {
        return open(entry, true);
    }

    /** Opens a version with its extractor for the configured topic; the primary's drift watch when asked. */
    private ScoringModel open(final ModelRegistry.Entry entry, final boolean watchDrift)
    {
        final OnnxScorer scorer = OnnxScorer.open(entry.directory(), maxBatch);
        try
        {
            if (!scorer.descriptor().topic().equals(modelConfig.topic()))
            {
                throw new ModelLoadException(entry.directory() + ": model " + entry.name() + "/" + entry.version() + " scores topic '" +
                    scorer.descriptor().topic() + "' but this server scores '" + modelConfig.topic() + "' with its model");
            }
            final FeatureExtractor[] extractors = new FeatureExtractor[topics.size()];
            extractors[topicId] = new FeatureExtractor(scorer.descriptor(), topics.topic(topicId), features.featureNames(topicId));
            return new ScoringModel(scorer, extractors, watchDrift ? new DriftWatch(new DriftMonitor(scorer.descriptor())) : null);
        }
        catch (final RuntimeException e)
        {
            try
            {
                scorer.close();
            }
            catch (final Exception suppressed)
            {
                e.addSuppressed(suppressed);
            }
            throw e instanceof ModelLoadException ? e : new ModelLoadException(entry.directory() + ": " + e.getMessage(), e);
        }
    }

    private ScoringModel openQuietly(final ModelRegistry.Entry entry)
    {
        try
        {
            return open(entry, false);
        }
        catch (final ModelLoadException e)
        {
            log.accept("fallback model " + entry.name() + "/" + entry.version() + " cannot be loaded: " + e.getMessage() +
                "; failures get the default score instead");
            return null;
        }
    }

    private Optional<ModelRegistry.Entry> previousUsable(final String name, final int below)
    {
        ModelRegistry.Entry best = null;
        for (final ModelRegistry.Entry e : registry.versions(name))
        {
            if (e.usable() && (below <= 0 || e.version() < below) && (best == null || e.version() > best.version()))
            {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Checks only the version asked for (each check opens an ONNX Runtime session); 0 means the newest usable. */
    private Optional<ModelRegistry.Entry> find(final String name, final int version)
    {
        if (version == 0)
        {
            return registry.latest(name);
        }
        final Path dir = registry.root().resolve(name).resolve(Integer.toString(version));
        return java.nio.file.Files.isDirectory(dir) ? Optional.of(ModelRegistry.check(name, version, dir)) : Optional.empty();
    }

    private static ModelRegistry.Entry secondOf(final Deque<ModelRegistry.Entry> stack)
    {
        final var it = stack.iterator();
        it.next();
        return it.next();
    }

    private static int parseVersion(final String text)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException e)
        {
            return 0;
        }
    }

    private static void closeQuietly(final ScoringModel model)
    {
        if (model != null)
        {
            try
            {
                model.close();
            }
            catch (final Exception e)
            {
                LOG.log(System.Logger.Level.WARNING, "closing " + model + " failed: " + e.getMessage());
            }
        }
    }
}
