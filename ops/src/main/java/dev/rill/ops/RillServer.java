package dev.rill.ops;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.Pipeline;
import dev.rill.bus.DeadLetterBuffer;
import dev.rill.bus.TopicCatalog;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.metrics.HotKeys;
import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.gateway.Gateway;
import dev.rill.gateway.GatewaySecurity;
import dev.rill.gateway.tls.PemTls;
import io.netty.handler.ssl.SslContext;
import dev.rill.ops.security.TokensWatcher;
import dev.rill.bus.Journal;
import dev.rill.journal.Checkpoint;
import dev.rill.journal.CheckpointStore;
import dev.rill.journal.CheckpointWriter;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.Durability;
import dev.rill.journal.DurabilityConfig;
import dev.rill.journal.JournalRecovery;
import dev.rill.bus.SubscriberPositions;
import dev.rill.journal.DiskSpaceMonitor;
import dev.rill.journal.DeadLetterJournal;
import dev.rill.journal.JournalRetention;
import dev.rill.journal.LastResultInIndex;
import dev.rill.journal.SubscriberPositionStore;
import dev.rill.journal.JournalStage;
import dev.rill.journal.ProducerTable;
import dev.rill.ops.cluster.ClusterCheckpoint;
import dev.rill.ops.cluster.ClusterIngress;
import dev.rill.ops.cluster.ClusterMember;
import dev.rill.ops.cluster.JournalCheckpointSource;
import dev.rill.ops.cluster.RillClusteredService;
import dev.rill.journal.PublishStage;
import dev.rill.journal.verify.JournalStartCheck;
import dev.rill.ml.ScoringStage;
import dev.rill.ml.features.FeatureState;
import dev.rill.ops.admin.AdminServer;
import dev.rill.ops.admin.ReadOnlyRoute;
import dev.rill.ops.topic.TopicChanges;
import dev.rill.ops.topic.TopicStore;
import dev.rill.ops.http.OperatorPages;
import dev.rill.ops.telemetry.ServerTelemetry;
import dev.rill.ops.telemetry.TelemetryTick;
import dev.rill.ops.model.ModelManager;
import dev.rill.ops.alert.HotKeyRule;
import dev.rill.ops.slo.SloAlerting;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * A running bus: journals "in" and "out", the ONNX scorer, the Disruptor pipeline and the Netty
 * gateway, assembled from one {@link RillConfig}.
 *
 * <p>{@link #start} opens everything or nothing (a failure closes what was opened and throws with
 * a message for the operator). Before the gateway binds, it recovers: the producer table from the
 * newest intact checkpoint and the rest of "in", and every event of "in" without a Result goes
 * through the pipeline again (see {@link JournalRecovery}). {@link #close} stops taking events, drains the pipeline so every
 * accepted event is journaled, scored, published and acknowledged, writes a last checkpoint, then
 * closes in reverse order.
 */
public final class RillServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(RillServer.class.getName());

    /** Journal names under the data directory. */
    public static final String IN = "in";
    public static final String OUT = "out";

    /** The heavy-hitters report of the last closed window, JSON ({@link dev.rill.bus.metrics.HotspotSnapshot}). */
    public static final String HOTKEYS_PATH = "/hotkeys";

    /** This member's role, leader and log positions, JSON ({@link ClusterMember.MemberStatus}); cluster mode only. */
    public static final String CLUSTER_PATH = "/cluster";

    private final RillConfig config;
    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private final PipelineLatencies latencies = new PipelineLatencies();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private ChronicleJournal in;
    private ChronicleJournal out;
    private Gateway gateway;
    private Pipeline pipeline;
    private ScoringStage scoring;
    private PublishStage publish;
    private HotKeys hotKeys;
    private InetSocketAddress address;
    private DiskSpaceMonitor diskMonitor;
    private SubscriberPositionStore positions;
    private JournalRetention retention;
    private volatile LongSupplier safeInIndex;
    private boolean closed;
    private JournalStage journalStage;
    private CheckpointWriter checkpoints;
    private JournalRecovery.Recovered recovery;
    private long resubmitted;
    private long recoveryNanos;
    private ModelManager models;
    private AdminServer admin;
    private TokensWatcher tokens;
    private ServerTelemetry telemetry;
    private SloAlerting alerting;
    private volatile boolean listening;
    private long featureWarmupAfter = Journal.NO_INDEX;
    private String featureRecovery = "no streaming features";
    private TopicCatalog topicCatalog;
    private DeadLetterBuffer deadLetterBuffer;
    private DeadLetterJournal deadLetters;
    private ClusterMember cluster;

    private RillServer(final RillConfig config)
    {
        this.config = config;
    }

    /**
     * Opens the journals, loads the model, starts the pipeline and binds the gateway.
     *
     * @throws ConfigException, JournalException (JournalCorruptException when the start check finds a
     *         damaged journal) or ModelLoadException with a message for the operator.
     */
    public static RillServer start(final RillConfig config)
    {
        // Topic versions applied while the last run was up (rill topic apply) are in force again.
        final TopicStore topicStore = new TopicStore(config.journal().dataDir());
        final RillServer server = new RillServer(
            config.withTopics(topicStore.merge(config.topics(), topicStore.load(), RillServer::warn)));
        try
        {
            server.open();
            return server;
        }
        catch (final RuntimeException e)
        {
            server.close();
            throw e;
        }
    }

    private void open()
    {
        final long openStart = System.nanoTime();
        final SslContext tls = openSecurity(); // PEM files and the tokens file: a bad one stops the start before anything is opened
        // Before Chronicle opens them for writing: it would re-extend a cut file and append after the
        // cut. "in" is checked from the newest checkpoint on (what recovery reads), "out" at its end.
        final CheckpointStore store = new CheckpointStore(
            config.journal().dataDir().resolve(CheckpointStore.DIRECTORY), config.checkpoint().keep());
        final Checkpoint newest = store.loadNewestValid(RillServer::warn); // a damaged newer one is reported here
        JournalStartCheck.requireIntact(config.journal(), IN, newest == null ? JournalStartCheck.FROM_FIRST : newest.inIndex(), OUT);
        final TopicRegistry topics = new TopicRegistry(config.topics());
        topicCatalog = new TopicCatalog(topics);
        final int maxBatch = config.pipeline().maxBatch();
        final FeatureState features = new FeatureState(config.topics(), config.features());

        final DurabilityConfig durability = config.durability();
        in = track(ChronicleJournal.open(config.journal(), IN, durability.anySync() ? Durability.SYNC : Durability.PAGE_CACHE));
        out = track(ChronicleJournal.open(config.journal(), OUT));

        // Recovery: state from the newest intact checkpoint plus the rest of "in"; then the events
        // of "in" without a Result go through the pipeline before anything new is accepted.
        recovery = JournalRecovery.recover(in, out, newest, RillServer::warn);
        checkpoints = track(new CheckpointWriter(store,
            recovery.checkpoint() == null ? Journal.NO_INDEX : recovery.checkpoint().inIndex(), RillServer::warn));
        featureWarmupAfter = restoreFeatures(store, features, recovery.lastPublishedInIndex());
        models = track(new ModelManager(config, topics, features, (index, state) -> checkpoints.offerFeatureState(index, state),
            clock, RillServer::warn));
        scoring = models.stage();

        final Durability[] topicDurability = new Durability[topics.size()];
        for (int i = 0; i < topics.size(); i++)
        {
            topicDurability[i] = durability.modeOf(topics.topic(i).name());
        }
        gateway = new Gateway(config.gateway(), topicCatalog, clock);
        openDeadLetters();
        if (tls != null)
        {
            gateway.tls(tls);
        }
        if (tokens != null)
        {
            gateway.accessPolicy(tokens.policy());
        }
        publish = new PublishStage(out, topics, clock, gateway, gateway, latencies, maxBatch);
        hotKeys = new HotKeys(config.hotspots(), topics, clock);
        if (config.hotspots().enabled())
        {
            publish.hotKeys(hotKeys); // the publish thread is its writer
        }
        journalStage = new JournalStage(in, clock, recovery.producers(), durability.mode(), topicDurability,
            TimeUnit.MICROSECONDS.toNanos(durability.syncIntervalMicros()), checkpoints,
            TimeUnit.SECONDS.toNanos(config.checkpoint().intervalSeconds()));
        pipeline = new Pipeline(config.pipeline(), journalStage, scoring, publish);
        if (config.cluster() == null)
        {
            pipeline.capacityListener(gateway);
            gateway.attach(pipeline, out);
        }
        openStorageGuards(); // before the gateway binds: a full disk is known before the first event
        pipeline.start();
        if (recovery.hasUnpublished() || featureWarmupAfter != recovery.lastPublishedInIndex())
        {
            resubmitted = JournalRecovery.resubmit(in, featureWarmupAfter, recovery.lastPublishedInIndex(), pipeline, topics);
        }
        if (config.cluster() != null)
        {
            openClusterMember(); // after recovery: the log after the newest snapshot is applied on top of it
        }
        recoveryNanos = System.nanoTime() - openStart;
        telemetry = track(new ServerTelemetry(latencies, new TelemetrySources(), Duration.ofSeconds(1)));
        alerting = track(SloAlerting.start(config.slo(), models::driftReport, config.hotspots().enabled() ?
            List.of(new HotKeyRule(hotKeys::snapshot, config.hotspots().keyShareAlert())) : List.of()));
        telemetry.addListener(alerting);
        if (tokens != null)
        {
            telemetry.addListener(tokens); // looks at the tokens file once a second
        }
        if (config.admin().enabled())
        {
            final TopicChanges topicChanges = new TopicChanges(topicCatalog, new TopicStore(config.journal().dataDir()),
                config.pipeline().maxFields(), features::featureCount);
            admin = AdminServer.start(models, topicChanges, config.admin().withTokenFileIn(config.journal().dataDir()), pages(),
                tokens == null ? null : gateway::accessPolicy);
        }
        try
        {
            address = gateway.start();
            listening = true;
            telemetry.start();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the gateway", e);
        }
        catch (final Exception e)
        {
            if (e instanceof BindException || e.getCause() instanceof BindException)
            {
                throw new ConfigException("gateway.port: cannot listen on " + config.gateway().host() + ":" +
                    config.gateway().port() + " (" + e.getMessage() + "); stop whatever uses it or choose another port");
            }
            throw e;
        }
    }

    /**
     * Replicated mode: starts this member (driver, archive, consensus module, service), waits until
     * the service has loaded and checked its snapshot, and puts the member's ingress between the
     * gateway and the cluster log; the pipeline is fed from committed entries only.
     */
    private void openClusterMember()
    {
        final long incarnation = new SecureRandom().nextLong() | 1L; // never 0, never the same twice in practice
        final ProducerTable producers = recovery.producers();
        final ClusterCheckpoint.Source source = new JournalCheckpointSource(in, out, producers);
        final RillClusteredService service = new RillClusteredService(pipeline, incarnation, source);
        cluster = track(ClusterMember.start(config.cluster(), service));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!service.started() && service.startFailure() == null && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        if (service.startFailure() != null)
        {
            throw new IllegalStateException("cluster member " + config.cluster().memberId() + " cannot start: " +
                service.startFailure().getMessage(), service.startFailure());
        }
        if (!service.started())
        {
            throw new IllegalStateException("cluster member " + config.cluster().memberId() + " did not start its service within 60 s: " +
                "check cluster.dir " + config.cluster().dir() + " and that no other process uses cluster.aeronDir " + config.cluster().aeronDir());
        }
        final ClusterIngress ingress = new ClusterIngress(config.pipeline(), config.cluster(), service, gateway, incarnation, cluster.aeron());
        ingress.capacityListener(gateway);
        gateway.attach(ingress, out);
        cluster.startIngress(ingress);
    }

    /** @return this process's cluster member, or null on a single node. */
    public ClusterMember cluster()
    {
        return cluster;
    }

    /**
     * TLS of the gateway ({@code gateway.tls}: the PEM files are read and checked now) and its
     * token authentication ({@code gateway.auth}: the tokens file is read now and watched from the
     * telemetry thread). Throws ConfigException naming the key when a file cannot be used.
     */
    private SslContext openSecurity()
    {
        final GatewaySecurity security = config.gateway().security();
        if (security.auth().enabled())
        {
            // Reloads come from the telemetry thread, started after the gateway exists.
            tokens = TokensWatcher.start(security.auth().tokensFile(), policy ->
            {
                if (gateway != null)
                {
                    gateway.accessPolicy(policy);
                }
            });
        }
        return security.tls() == null ? null : PemTls.server(security.tls(), "gateway.tls");
    }

    /** @return the tokens file watcher, or null when {@code gateway.auth} is off. */
    public TokensWatcher tokens()
    {
        return tokens;
    }

    /**
     * The read-only pages of the HTTP listener (no token): path to page. Built once, before the
     * listener starts; every page reads state that is safe to read from the listener's threads.
     */
    private Map<String, ReadOnlyRoute.Page> pages()
    {
        final Map<String, ReadOnlyRoute.Page> pages = new LinkedHashMap<>();
        pages.putAll(alerting.pages()); // /slo, /alerts
        pages.put(HOTKEYS_PATH, query -> ReadOnlyRoute.Answer.json(hotKeys.snapshot()));
        if (cluster != null)
        {
            pages.put(CLUSTER_PATH, query -> ReadOnlyRoute.Answer.json(cluster.status())); // rill cluster status reads it
        }
        OperatorPages.addTo(pages, this, new TelemetrySources()); // /metrics, /health, /status.json, the status page at /
        return pages;
    }

    /** Counts and gauges of the assembled parts, for the telemetry thread. */
    private final class TelemetrySources implements ServerTelemetry.Sources
    {
        @Override
        public void totals(final ServerTelemetry.Totals into)
        {
            into.accepted = gateway.acceptedEvents();
            into.published = publish.published();
            into.duplicates = journalStage.duplicates();
            into.fenced = journalStage.fenced();
            into.fallbacks = scoring.fallbackCount();
            into.late = gateway.lateEvents();
            into.outOfOrder = gateway.outOfOrderEvents();
            into.replies = gateway.repliesSent();
            for (final ErrorCode code : ErrorCode.values())
            {
                into.refusedByCode[code.ordinal()] = gateway.refusedCount(code);
            }
        }

        @Override
        public void gauges(final TelemetryTick tick)
        {
            tick.gatewayListening(listening)
                .ring(pipeline.depth(), config.pipeline().ringSize())
                .disk(diskMonitor.belowReserve(), diskMonitor.usableBytes(), diskMonitor.reserveBytes())
                .connections(gateway.subscriberCount(), gateway.pausedConnections())
                .maxSubscriberLag(gateway.maxSubscriberLag());
        }
    }

    /** @return the telemetry thread: add a {@link dev.rill.ops.telemetry.TelemetryListener} to hear each interval. */
    public ServerTelemetry telemetry()
    {
        return telemetry;
    }

    /** @return the SLO evaluation and the alerts ({@code /slo}, {@code /alerts}). */
    public SloAlerting sloAlerting()
    {
        return alerting;
    }

    /** @return whether the gateway is bound and taking connections (false before it binds and from close on). */
    public boolean listening()
    {
        return listening;
    }

    /** @return events of "in" without a Result at start, sent through the pipeline again before the gateway bound. */
    public long recoveredEvents()
    {
        return resubmitted;
    }

    /**
     * @return producers the journal stage knows (deduplication and fencing table), any thread: a racy read of a
     *         size owned by the pipeline thread, good for a gauge.
     */
    public int knownProducers()
    {
        return recovery.producers().size();
    }

    /** @return what recovery found at start. */
    public JournalRecovery.Recovered recovery()
    {
        return recovery;
    }

    public JournalStage journalStage()
    {
        return journalStage;
    }

    public CheckpointWriter checkpoints()
    {
        return checkpoints;
    }

    /** @return one line saying how the server recovered, for the operator. */
    public String recoverySummary()
    {
        final JournalRecovery.Recovered r = recovery;
        return "recovered in " + TimeUnit.NANOSECONDS.toMillis(recoveryNanos) + " ms: " +
            (r.checkpoint() == null ? "no checkpoint" : "checkpoint at in index " + r.checkpoint().inIndex()) +
            ", " + r.scannedRecords() + " records of \"in\" read after it, " + r.producers().size() + " producers, " +
            resubmitted + " events without a Result re-scored and published; " + featureRecovery;
    }

    /**
     * Restores the streaming features from the newest checkpoint whose feature state is no newer
     * than the last published event (a state from further on would count the events recovery is
     * about to score again). Without one, the state is rebuilt from the first event of "in".
     *
     * @return the "in" index the state was restored as of: the warm-up replays from after it.
     */
    private long restoreFeatures(final CheckpointStore store, final FeatureState features, final long lastPublished)
    {
        if (!features.any())
        {
            return lastPublished; // nothing to warm up
        }
        for (final Checkpoint c : store.loadAllValid())
        {
            if (c.hasFeatureState() && (lastPublished != Journal.NO_INDEX && c.featureInIndex() <= lastPublished))
            {
                try
                {
                    features.restore(c.featureState());
                    featureRecovery = "streaming features restored from " + c.file().getFileName() + " as of in index " +
                        c.featureInIndex() + " and replayed to " + lastPublished;
                    return c.featureInIndex();
                }
                catch (final IllegalArgumentException e)
                {
                    warn("the streaming-feature state in " + c.file() + " does not fit the configuration (" + e.getMessage() +
                        "); rebuilding it from the first event of journal \"in\"");
                    break;
                }
            }
        }
        featureRecovery = "streaming features rebuilt from the first event of \"in\"";
        return Journal.NO_INDEX;
    }

    // ---- Dead letters (issue 7): refused frames go to <dataDir>/deadletter. Kept apart from open() on purpose. ----

    private void openDeadLetters()
    {
        if (config.deadLetter().enabled())
        {
            deadLetterBuffer = new DeadLetterBuffer(config.deadLetter().bufferBytes(), config.deadLetter().recordBytes());
            deadLetters = track(new DeadLetterJournal(config.journal(), config.deadLetter(), deadLetterBuffer, RillServer::warn));
            gateway.deadLetters(deadLetterBuffer);
        }
    }

    /** @return the dead-letter journal, or null when {@code deadLetter.enabled} is false. */
    public DeadLetterJournal deadLetters()
    {
        return deadLetters;
    }

    /** @return the hand-off of refused frames to the dead-letter journal (its drop counters), or null when disabled. */
    public DeadLetterBuffer deadLetterBuffer()
    {
        return deadLetterBuffer;
    }

    /** @return the topic registry in force (schema versions applied while running included). */
    public TopicCatalog topicCatalog()
    {
        return topicCatalog;
    }

    private static void warn(final String message)
    {
        LOG.log(System.Logger.Level.WARNING, message);
    }

    // ---- Storage guards (issue 4): disk reserve, named positions, retention. Kept apart from open() on purpose. ----

    /**
     * Opens the named subscribers' positions and hands them to the gateway; starts the disk-space
     * monitor (unless {@code journal.diskReserve} is 0) with the gateway as its listener; starts
     * retention when {@code journal.retention} sets a limit. Call after the journals (which create
     * the data directory) and the gateway exist, before the gateway binds. Whatever is started
     * here is closed after the gateway and before the journals (the positions store writes its
     * last changes then).
     */
    private void openStorageGuards()
    {
        positions = track(SubscriberPositionStore.open(config.journal().dataDir(), System.err::println));
        gateway.subscriberPositions(positions);
        gateway.onDiskFull(config.journal().onDiskFull());
        diskMonitor = track(DiskSpaceMonitor.of(config.journal().dataDir(), config.journal().diskReserve(),
            config.journal().onDiskFull(), gateway, System.err::println));
        if (safeInIndex == null)
        {
            // Recovery needs the checkpoint's own record and everything after it, and every event
            // after the last one with a Result; without a checkpoint, all of "in".
            final LastResultInIndex lastResult = new LastResultInIndex(out);
            final CheckpointWriter written = checkpoints;
            safeInIndex = () -> Math.min(written.lastIndex(), lastResult.getAsLong() + 1);
        }
        retention = track(new JournalRetention(config.journal().retention(), List.of(
            new JournalRetention.Retained(in, () -> safeInIndex.getAsLong(), "the safe in index (checkpoint, or the last Result's)"),
            new JournalRetention.Retained(out, this::firstOutIndexNeeded, "the lowest named subscriber position")),
            System.out::println));
    }

    /** @return the first out index some named subscriber has not processed; everything, without names. */
    private long firstOutIndexNeeded()
    {
        final long lowest = positions.lowestCommitted();
        return lowest == SubscriberPositions.NO_NAMES ? Long.MAX_VALUE : lowest + 1;
    }

    /**
     * Sets what retention of journal "in" may delete below: every record of "in" with a lower
     * index is no longer needed (the checkpoint's in index, say). Read on retention's thread at
     * each run, so it may be set after start. Default: the in index of the last Result in "out"
     * ({@link LastResultInIndex}).
     */
    public void safeInIndex(final LongSupplier safeInIndex)
    {
        this.safeInIndex = java.util.Objects.requireNonNull(safeInIndex, "safeInIndex");
    }

    /** @return the retention task (its counters); it deletes nothing unless {@code journal.retention} sets a limit. */
    public JournalRetention retention()
    {
        return retention;
    }

    /** @return the named subscribers' positions (written to {@code <dataDir>/subscriber-positions}). */
    public SubscriberPositionStore positions()
    {
        return positions;
    }

    /** @return the disk-space monitor: its gauge, and a probe that can be swapped (drills, tests). */
    public DiskSpaceMonitor diskMonitor()
    {
        return diskMonitor;
    }

    /** @return the address the gateway listens on. */
    public InetSocketAddress address()
    {
        return address;
    }

    public RillConfig config()
    {
        return config;
    }

    public Gateway gateway()
    {
        return gateway;
    }

    public Pipeline pipeline()
    {
        return pipeline;
    }

    public ScoringStage scoring()
    {
        return scoring;
    }

    /** @return the models: deploy, shadow, rollback, status (what the admin channel calls). */
    public ModelManager models()
    {
        return models;
    }

    /** @return the admin channel, or null when {@code admin.enabled} is false. */
    public AdminServer admin()
    {
        return admin;
    }

    public PublishStage publish()
    {
        return publish;
    }

    /** @return the hot keys and producers of the newest complete window (empty when {@code hotspots.enabled} is false). */
    public HotKeys hotKeys()
    {
        return hotKeys;
    }

    public PipelineLatencies latencies()
    {
        return latencies;
    }

    public EpochNanoClock clock()
    {
        return clock;
    }

    public ChronicleJournal in()
    {
        return in;
    }

    public ChronicleJournal out()
    {
        return out;
    }

    /**
     * Stops taking events, drains the pipeline (every accepted event is published and
     * acknowledged), closes connections with SERVER_SHUTTING_DOWN, then the journals.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        listening = false;
        CloseHelper.quietClose(admin); // no model change while the pipeline drains
        if (gateway != null)
        {
            gateway.beginClose();
        }
        if (cluster != null)
        {
            CloseHelper.quietClose(cluster); // no more committed entries: the pipeline can drain
        }
        if (pipeline != null)
        {
            pipeline.close(); // runs every stage's onShutdown: the scorer's session closes there
        }
        else if (scoring != null)
        {
            scoring.onShutdown();
        }
        CloseHelper.quietClose(gateway);
        for (int i = opened.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(opened.get(i));
        }
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        opened.add(resource);
        return resource;
    }
}
