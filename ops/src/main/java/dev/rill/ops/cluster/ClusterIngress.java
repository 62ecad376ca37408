package dev.rill.ops.cluster;

import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.agrona.CloseHelper;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;

import dev.rill.bus.AckSink;
import dev.rill.bus.CapacityListener;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventRing;
import dev.rill.bus.EventSlot;
import dev.rill.bus.PipelineConfig;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.service.Cluster;

/**
 * A member's ingress: the ring the gateway writes accepted events and Hellos to in cluster mode,
 * and the agent that offers each to the cluster log while this member leads.
 *
 * <p>The gateway's I/O threads claim and publish slots exactly as on the pipeline (a claim never
 * blocks; -1 pauses the connection until {@link CapacityListener#onCapacityFreed()}). This agent,
 * on its own thread, is the ring's only consumer and the only user of the {@link AeronCluster}
 * client, which it connects over IPC to the local consensus module when the member becomes
 * leader. Entries reach the pipelines of all members from the committed log, never from here.
 *
 * <p>While the member is not the leader, a producer's Hello or Event that reaches the ring is
 * refused with {@link ErrorCode#NOT_LEADER} (the message names the leader's gateway), and when
 * it stops leading every producer connection it took is closed that way: the producers resend
 * what was not acknowledged to the new leader. Subscribers' Hellos (producer id 0, no events)
 * are welcomed on every member. Allocates nothing per event.
 */
public final class ClusterIngress implements EventRing, Agent
{
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PipelineConfig config;
    private final ClusterConfig cluster;
    private final RillClusteredService service;
    private final AckSink ackSink;
    private final long incarnation;
    private final Aeron aeron;
    private final RingBuffer<EventSlot> ring;
    private final EventPoller<EventSlot> poller;
    private final EventPoller.Handler<EventSlot> handler = this::onSlot;
    private final ExpandableDirectByteBuffer entry;
    private final IntHashSet producerConnections = new IntHashSet();
    private final IdleStrategy offerIdle = new BackoffIdleStrategy(1, 1, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    private volatile CapacityListener capacityListener = CapacityListener.NONE;

    private AeronCluster.AsyncConnect connecting;
    private AeronCluster client;
    private boolean leading;
    private long lastKeepAliveNanos;
    private volatile long offered;
    private volatile long refused;

    /**
     * @param config      ring size and slot limits, the same as the pipeline's.
     * @param cluster     the members, to name the leader's gateway in NOT_LEADER.
     * @param service     this member's service: its role says whether to offer.
     * @param ackSink     the gateway: Welcome of subscribers, refusals.
     * @param incarnation this process's incarnation, written into each entry.
     * @param aeron       the member's Aeron client (shared, not owned).
     */
    public ClusterIngress(final PipelineConfig config, final ClusterConfig cluster, final RillClusteredService service,
        final AckSink ackSink, final long incarnation, final Aeron aeron)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.service = Objects.requireNonNull(service, "service");
        this.ackSink = Objects.requireNonNull(ackSink, "ackSink");
        this.incarnation = incarnation;
        this.aeron = Objects.requireNonNull(aeron, "aeron");
        final int maxEventBytes = config.maxEventBytes();
        final int maxFields = config.maxFields();
        // Nobody waits on this ring (the agent polls it), so the wait strategy only has to make
        // publish cheap: BusySpinWaitStrategy's signal is a no-op; nothing spins.
        ring = RingBuffer.createMultiProducer(() -> new EventSlot(maxEventBytes, maxFields), config.ringSize(), new BusySpinWaitStrategy());
        poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
        entry = new ExpandableDirectByteBuffer(ReplicatedSlot.maxLength(maxEventBytes, maxFields));
    }

    /** Must be set before the gateway starts; told when slots free up. */
    public ClusterIngress capacityListener(final CapacityListener listener)
    {
        this.capacityListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public long tryClaim()
    {
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ignore)
        {
            return -1;
        }
    }

    @Override
    public EventSlot slot(final long sequence)
    {
        return ring.get(sequence);
    }

    @Override
    public void publish(final long sequence)
    {
        ring.publish(sequence);
    }

    @Override
    public long depth()
    {
        return config.ringSize() - ring.remainingCapacity();
    }

    @Override
    public PipelineConfig config()
    {
        return config;
    }

    /** @return entries offered to the cluster log by this member. */
    public long offered()
    {
        return offered;
    }

    /** @return Hellos and events refused with NOT_LEADER by this member. */
    public long refused()
    {
        return refused;
    }

    @Override
    public int doWork() throws Exception
    {
        int work = 0;
        final boolean leaderNow = service.role() == Cluster.Role.LEADER;
        if (leading && !leaderNow)
        {
            stopLeading();
            work++;
        }
        leading = leaderNow;
        if (leaderNow && client == null)
        {
            work += connect();
        }
        if (!leaderNow || client != null)
        {
            // A leader still connecting leaves the ring alone: it fills and the gateway pauses.
            final long before = poller.getSequence().get();
            poller.poll(handler);
            if (poller.getSequence().get() != before)
            {
                work++;
                VarHandle.fullFence(); // pairs with a pausing producer's fence (see Pipeline.afterLastStageBatch)
                capacityListener.onCapacityFreed();
            }
        }
        if (client != null)
        {
            work += client.pollEgress();
            final long now = System.nanoTime();
            if (now - lastKeepAliveNanos > KEEP_ALIVE_NANOS)
            {
                lastKeepAliveNanos = now;
                if (!client.sendKeepAlive() && client.isClosed())
                {
                    stopLeading();
                }
            }
        }
        return work;
    }

    private int connect()
    {
        try
        {
            if (connecting == null)
            {
                connecting = AeronCluster.asyncConnect(new AeronCluster.Context()
                    .aeron(aeron)
                    .ownsAeronClient(false)
                    .ingressChannel("aeron:ipc")
                    .egressChannel("aeron:ipc")
                    .egressListener((clusterSessionId, timestamp, buffer, offset, length, header) -> { }));
            }
            final AeronCluster connected = connecting.poll();
            if (connected != null)
            {
                connecting = null;
                client = connected;
                lastKeepAliveNanos = System.nanoTime();
                return 1;
            }
            return 0;
        }
        catch (final RuntimeException e)
        {
            // Not accepted yet (the election is still finishing) or timed out: try again.
            CloseHelper.quietClose(connecting);
            connecting = null;
            return 0;
        }
    }

    private boolean onSlot(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (slot.kind() == EventSlot.HELLO && slot.producerId() == 0)
        {
            ackSink.welcome(slot.connectionId(), -1); // a subscriber (or an anonymous producer): nothing to replicate
            return true;
        }
        if (client == null)
        {
            refuse(slot.connectionId());
            return true;
        }
        if (slot.kind() == EventSlot.HELLO)
        {
            producerConnections.add(slot.connectionId());
        }
        final int length = ReplicatedSlot.encode(slot, incarnation, entry, 0);
        offerIdle.reset();
        while (true)
        {
            final long result = client.offer(entry, 0, length);
            if (result > 0)
            {
                offered++;
                return true;
            }
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                client.pollEgress();
                offerIdle.idle();
                continue;
            }
            // NOT_CONNECTED, CLOSED, MAX_POSITION_EXCEEDED: this member no longer leads (or its
            // session was closed). The event is not in the log: its producer resends it.
            refuse(slot.connectionId());
            stopLeading();
            return false;
        }
    }

    private void refuse(final int connectionId)
    {
        refused++;
        ackSink.refuse(connectionId, ErrorCode.NOT_LEADER, notLeaderMessage());
    }

    /** Closes the client and every producer connection this member took while it led. */
    private void stopLeading()
    {
        CloseHelper.quietClose(client);
        client = null;
        leading = false;
        final String message = notLeaderMessage();
        final IntHashSet.IntIterator it = producerConnections.iterator();
        while (it.hasNext())
        {
            ackSink.refuse(it.nextValue(), ErrorCode.NOT_LEADER, message);
        }
        producerConnections.clear();
    }

    private String notLeaderMessage()
    {
        final ClusterConfig.Member leader = cluster.member(service.leaderMemberId());
        return "cluster member " + cluster.memberId() + " is not the leader" +
            (leader == null || leader.id() == cluster.memberId() ? " (no leader is known yet: try the other members)" :
                "; the leader is member " + leader.id() + ", gateway " + leader.gateway()) +
            "; reconnect there and resend what was not acknowledged";
    }

    @Override
    public void onClose()
    {
        CloseHelper.quietClose(connecting);
        CloseHelper.quietClose(client);
        client = null;
    }

    @Override
    public String roleName()
    {
        return "rill-cluster-ingress-" + cluster.memberId();
    }
}
