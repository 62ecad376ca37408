package dev.rill.ops.cluster;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Pipeline;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;

/**
 * Rill's state machine in the cluster: applies committed log entries, in log order, to this
 * member's pipeline (journal, score, publish), and turns snapshots into checkpoints.
 *
 * <p>Aeron calls every method on the service container's single thread, with committed entries
 * only; this class is their one owner. The ack to a producer comes from the pipeline of the
 * member whose gateway took the event (see {@link ReplicatedSlot#decode}), so an acknowledged
 * event is committed on a majority of members and journaled on that one. Nothing here
 * allocates per entry.
 *
 * <p>Other threads read {@link #role()}, {@link #leaderMemberId()}, {@link #appliedPosition()}
 * and {@link #loadedSnapshot()} (volatile).
 */
public final class RillClusteredService implements ClusteredService
{
    private final Pipeline pipeline;
    private final long incarnation;
    private final ClusterCheckpoint.Source checkpointSource;
    private final ExpandableArrayBuffer snapshotBuffer = new ExpandableArrayBuffer(4096);
    private Cluster cluster;
    private IdleStrategy idle;

    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile int leaderMemberId = -1;
    private volatile long appliedPosition;
    private volatile ClusterCheckpoint loadedSnapshot;
    private volatile Throwable startFailure;
    private volatile boolean started;
    private volatile long snapshotsTaken;

    /**
     * @param pipeline         this member's pipeline; only this service publishes to it once the cluster runs.
     * @param incarnation      this process's incarnation, as written by its {@link ClusterIngress}.
     * @param checkpointSource what a snapshot holds, and the check of a loaded one against the journals.
     */
    public RillClusteredService(final Pipeline pipeline, final long incarnation, final ClusterCheckpoint.Source checkpointSource)
    {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.incarnation = incarnation;
        this.checkpointSource = Objects.requireNonNull(checkpointSource, "checkpointSource");
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        this.idle = cluster.idleStrategy();
        try
        {
            if (snapshotImage != null)
            {
                final ClusterCheckpoint checkpoint = ClusterCheckpoint.read(snapshotImage, idle);
                checkpointSource.check(checkpoint); // throws when this member's journals are behind it
                loadedSnapshot = checkpoint;
                appliedPosition = checkpoint.logPosition();
            }
            started = true;
        }
        catch (final RuntimeException e)
        {
            startFailure = e;
            throw e;
        }
    }

    @Override
    public void onSessionMessage(
        final ClientSession session, final long timestamp, final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        long sequence;
        while ((sequence = pipeline.tryClaim()) < 0)
        {
            final Throwable failure = pipeline.failure();
            if (failure != null)
            {
                throw new IllegalStateException("the pipeline stopped; this member cannot apply the cluster log: " + failure.getMessage(), failure);
            }
            idle.idle(); // back-pressure from the pipeline holds the log here: nothing is skipped
        }
        idle.reset();
        final EventSlot slot = pipeline.slot(sequence);
        try
        {
            slot.clear();
            ReplicatedSlot.decode(buffer, offset, length, slot, incarnation, header.position());
        }
        finally
        {
            pipeline.publish(sequence);
        }
        appliedPosition = header.position();
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        // The snapshot is at the log position of the last applied entry: wait until the pipeline
        // has journaled and published everything before it, so the checkpoint covers exactly that.
        while (pipeline.depth() > 0 && pipeline.failure() == null)
        {
            idle.idle();
        }
        idle.reset();
        final ClusterCheckpoint checkpoint = checkpointSource.take(cluster.logPosition());
        checkpoint.write(snapshotPublication, snapshotBuffer, idle);
        snapshotsTaken++;
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        System.out.println("rill: cluster member " + cluster.memberId() + " is now " + newRole);
        role = newRole;
        if (newRole == Cluster.Role.LEADER)
        {
            leaderMemberId = cluster.memberId();
        }
    }

    @Override
    public void onNewLeadershipTermEvent(
        final long leadershipTermId, final long logPosition, final long timestamp, final long termBaseLogPosition,
        final int leaderMemberId, final int logSessionId, final TimeUnit timeUnit, final int appVersion)
    {
        this.leaderMemberId = leaderMemberId;
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
        role = Cluster.Role.FOLLOWER;
    }

    /** @return this member's role as the service last heard it. */
    public Cluster.Role role()
    {
        return role;
    }

    /** @return the leader's member id, -1 before the first election completed. */
    public int leaderMemberId()
    {
        return leaderMemberId;
    }

    /** @return log position after the last entry handed to the pipeline (0 before any). */
    public long appliedPosition()
    {
        return appliedPosition;
    }

    /** @return the snapshot this member started from, or null when it started from an empty log. */
    public ClusterCheckpoint loadedSnapshot()
    {
        return loadedSnapshot;
    }

    /** @return snapshots this member wrote since it started. */
    public long snapshotsTaken()
    {
        return snapshotsTaken;
    }

    /** @return true once {@link #onStart} completed (snapshot loaded and checked). */
    public boolean started()
    {
        return started;
    }

    /** @return why {@link #onStart} failed, or null. */
    public Throwable startFailure()
    {
        return startFailure;
    }
}
