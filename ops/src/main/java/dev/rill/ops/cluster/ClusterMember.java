package dev.rill.ops.cluster;

import java.io.File;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * One running member of a Rill cluster, embedded in the Rill process: a media driver, an
 * archive (the recorded log and snapshots), a consensus module, the service container running
 * {@link RillClusteredService}, and the {@link ClusterIngress} agent.
 *
 * <p>Every agent waits with a backoff idle strategy that parks (at most {@value #MAX_PARK_MICROS} µs):
 * nothing spins by default, because on 2 cores spinning agents starve the gateway and the
 * pipeline. Threads: the driver (one, SHARED), the archive (one, SHARED), the consensus
 * module, the service, the ingress.
 *
 * <p>Start with {@link #start}; {@link #status()} may be called from any thread; close once.
 */
public final class ClusterMember implements AutoCloseable
{
    /** Longest park of an idle agent, µs. */
    public static final long MAX_PARK_MICROS = 250;
    /** Term length of the cluster log: entries are a few hundred bytes, so 16 MiB terms are ample. */
    public static final String LOG_TERM_LENGTH = "16m";

    private final ClusterConfig config;
    private final RillClusteredService service;
    private ClusteredMediaDriver driver;
    private ClusteredServiceContainer container;
    private Aeron aeron;
    private AgentRunner ingressRunner;
    private int commitPositionCounterId = -1;
    private final AtomicInteger errors = new AtomicInteger();

    private ClusterMember(final ClusterConfig config, final RillClusteredService service)
    {
        this.config = config;
        this.service = service;
    }

    /**
     * Launches the member. The pipeline behind {@code service} must be started already: the log
     * after the newest snapshot is applied to it as soon as the container starts.
     */
    public static ClusterMember start(final ClusterConfig config, final RillClusteredService service)
    {
        final ClusterMember member = new ClusterMember(Objects.requireNonNull(config, "config"), Objects.requireNonNull(service, "service"));
        try
        {
            member.launch();
            return member;
        }
        catch (final RuntimeException e)
        {
            member.close();
            throw e;
        }
    }

    private static Supplier<IdleStrategy> idle()
    {
        return () -> new BackoffIdleStrategy(10, 5, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(MAX_PARK_MICROS));
    }

    private void launch()
    {
        final ClusterConfig.Member self = config.self();
        final String host = self.host();
        final String aeronDir = config.aeronDir().toString();
        final File clusterDir = config.dir().resolve("consensus").toFile();
        final ErrorHandler errorHandler = this::onError;

        final MediaDriver.Context driverContext = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idle().get())
            .dirDeleteOnStart(true) // a killed member leaves its driver directory behind
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler);

        final Archive.Context archiveContext = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(config.dir().resolve("archive").toFile())
            .archiveId(self.id())
            .controlChannel("aeron:udp?endpoint=" + host + ":" + self.port(4))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idle())
            .errorHandler(errorHandler);

        final AeronArchive.Context archiveClient = new AeronArchive.Context()
            .controlRequestChannel(archiveContext.localControlChannel())
            .controlRequestStreamId(archiveContext.localControlStreamId())
            .controlResponseChannel(archiveContext.localControlChannel())
            .aeronDirectoryName(aeronDir);

        final ConsensusModule.Context consensusContext = new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(self.id())
            .clusterMembers(config.aeronMembers())
            .clusterDir(clusterDir)
            .archiveContext(archiveClient.clone())
            .serviceCount(1)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .ingressChannel("aeron:udp")
            .logChannel("aeron:udp?term-length=" + LOG_TERM_LENGTH)
            .isIpcIngressAllowed(true)
            .leaderHeartbeatTimeoutNs(config.leaderHeartbeatTimeout().toNanos())
            .idleStrategySupplier(idle())
            .errorHandler(errorHandler);

        driver = ClusteredMediaDriver.launch(driverContext, archiveContext, consensusContext);

        container = ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(clusterDir)
            .clusteredService(service)
            .serviceId(0)
            .idleStrategySupplier(idle())
            .errorHandler(errorHandler));

        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir).errorHandler(errorHandler));
    }

    /** @return the member's Aeron client, for its ingress (not to be closed by the caller). */
    public Aeron aeron()
    {
        return aeron;
    }

    /** Starts the ingress agent on its own thread (after the gateway exists, before it binds). */
    public void startIngress(final ClusterIngress ingress)
    {
        ingressRunner = new AgentRunner(idle().get(), this::onError, null, ingress);
        AgentRunner.startOnThread(ingressRunner);
    }

    /** @return what this member knows of itself now. */
    public MemberStatus status()
    {
        final ClusterCheckpoint loaded = service.loadedSnapshot();
        return new MemberStatus(config.memberId(), service.role().name(), service.leaderMemberId(), commitPosition(),
            service.appliedPosition(), service.snapshotsTaken(), loaded == null ? -1 : loaded.logPosition(), errors.get());
    }

    /** @return the consensus module's commit position as this member knows it, -1 before it is known. */
    public long commitPosition()
    {
        if (aeron == null)
        {
            return -1;
        }
        final CountersReader counters = aeron.countersReader();
        if (commitPositionCounterId < 0 || counters.getCounterTypeId(commitPositionCounterId) != ConsensusModule.Configuration.COMMIT_POSITION_TYPE_ID)
        {
            commitPositionCounterId = -1;
            counters.forEach((counterId, typeId, keyBuffer, label) ->
            {
                if (typeId == ConsensusModule.Configuration.COMMIT_POSITION_TYPE_ID)
                {
                    commitPositionCounterId = counterId;
                }
            });
        }
        return commitPositionCounterId < 0 ? -1 : counters.getCounterValue(commitPositionCounterId);
    }

    /**
     * Asks the cluster for a snapshot now (Aeron's control toggle, as {@code ClusterTool snapshot}
     * does): every member writes its {@link ClusterCheckpoint} at the same log position. Acts only
     * on the leader.
     *
     * @return false when this member does not lead, or another control action is in progress.
     */
    public boolean snapshot()
    {
        if (!isLeader())
        {
            return false;
        }
        final AtomicCounter toggle = ClusterControl.findControlToggle(aeron.countersReader(), 0);
        return toggle != null && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    /** @return the service: role, leader, applied position, the snapshot it started from. */
    public RillClusteredService service()
    {
        return service;
    }

    /** @return the member's configuration. */
    public ClusterConfig config()
    {
        return config;
    }

    /** @return whether this member leads now. */
    public boolean isLeader()
    {
        return service.role() == Cluster.Role.LEADER;
    }

    private void onError(final Throwable t)
    {
        errors.incrementAndGet();
        // Elections and lost members raise timeouts and closed publications: one line each, no trace.
        System.err.println("rill: cluster member " + config.memberId() + ": " + t);
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(ingressRunner);
        CloseHelper.quietClose(aeron);
        CloseHelper.quietClose(container);
        CloseHelper.quietClose(driver);
    }

    /**
     * One member's state, as {@code rill cluster status} prints it.
     *
     * @param memberId        the member.
     * @param role            LEADER, FOLLOWER or CANDIDATE.
     * @param leaderMemberId  the leader it knows, -1 for none.
     * @param commitPosition  the log position committed by a majority, as it knows it.
     * @param appliedPosition the log position its pipeline has been handed up to.
     * @param snapshotsTaken  snapshots it wrote since start.
     * @param startedFromSnapshot log position of the snapshot it started from, -1 for none.
     * @param errors          errors its Aeron agents reported since start.
     */
    public record MemberStatus(
        int memberId, String role, int leaderMemberId, long commitPosition, long appliedPosition, long snapshotsTaken,
        long startedFromSnapshot, int errors)
    {
    }
}
