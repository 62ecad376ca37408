package dev.rill.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import dev.rill.bus.AckSink;
import dev.rill.bus.CapacityListener;
import dev.rill.bus.DeadLetterBuffer;
import dev.rill.bus.DiskFullAction;
import dev.rill.bus.DiskSpaceListener;
import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.EventRing;
import dev.rill.bus.ResultListener;
import dev.rill.bus.SubscriberPositions;
import dev.rill.bus.TopicCatalog;
import dev.rill.bus.TopicRegistry;
import dev.rill.gateway.auth.AccessPolicy;
import dev.rill.gateway.auth.Principal;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The TCP gateway: accepts producer and subscriber connections, feeds accepted events into the
 * {@link EventRing} (the pipeline, or a cluster member's ingress), and is the pipeline's {@link AckSink}, {@link ResultListener} and
 * {@link CapacityListener}, handing each callback to the right connection's event loop.
 *
 * <p>It is also the disk monitor's {@link DiskSpaceListener}: while the data directory is below
 * its free-space reserve, new events are refused with {@code DISK_FULL} or producing connections
 * stop reading ({@link #onDiskFull(DiskFullAction)}); the check costs each event one volatile read.
 *
 * <p>Quotas ({@code gateway.quota}): each producing connection gets token buckets of its
 * producer's limits at Hello; an event that finds them empty pauses the connection, or is refused
 * with {@code QUOTA_EXCEEDED} and pauses it, until they have refilled. Counted per producer and in
 * total ({@link #producerQuotaCounts()}, {@link #quotaThrottles()}, {@link #quotaRefusals()}).
 *
 * <p>Request-reply and lateness: as the pipeline's {@link AckSink} it also hands each published
 * event that asked for a Reply to its connection ({@link #reply}); it counts events flagged late
 * and out of order ({@link #lateEvents()}, {@link #outOfOrderEvents()}) and Replies sent.
 * <p>Security ({@link GatewaySecurity}): with {@link #tls(SslContext)} every connection starts with
 * Netty's {@link SslHandler}, before framing; a failed handshake (a plaintext client, an untrusted
 * or missing client certificate under mutual TLS) closes that connection and is counted
 * ({@link #tlsHandshakeFailures()}). With {@code gateway.auth} on, Hello's token must match the
 * {@link AccessPolicy} set by {@link #accessPolicy(AccessPolicy)} (replaceable at any time: a
 * reloaded tokens file applies from the next Hello); each connection then acts as its
 * {@link Principal}, whose topic ACLs are checked on every Event (one array read) and Subscribe.
 * Refusals are counted by code and, for NOT_AUTHORIZED, by principal. Tokens are never logged.
 * <p>Limits ({@link ConnectionLimits}): connections per remote address (refused at connect with
 * {@code CONNECTION_LIMIT}), a handshake timeout and an idle timeout (Error and close, timers on
 * each connection's event loop), a per-connection in-flight window (reading pauses, nothing is
 * refused), and a subscriber lag limit, checked every {@value #LAG_CHECK_MILLIS} ms by a timer on
 * the accept thread (Error {@code SUBSCRIBER_TOO_SLOW} and close). Every refusal is counted by code.
 *
 * <p>Lifecycle: construct, wire as listener into the pipeline's stages, {@link #start()}, then
 * {@link #close()}. Connections are owned by their event loops; the connection table is readable
 * by the pipeline thread without locks.
 */
public final class Gateway implements AckSink, ResultListener, CapacityListener, DiskSpaceListener, AutoCloseable
{
    /** How often subscriptions are checked against {@code gateway.subscriberMaxLag}. */
    static final long LAG_CHECK_MILLIS = 100;

    private final GatewayConfig config;
    private final TopicCatalog topics;
    private final EpochNanoClock clock;
    private DeadLetterBuffer deadLetters;
    private EventRing pipeline;
    private Journal out;
    private final AtomicReferenceArray<ServerConnection> connections;
    private final int connectionMask;
    private final AtomicInteger nextConnectionId = new AtomicInteger();
    private final AtomicInteger pausedConnections = new AtomicInteger();
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final LongAdder accepted = new LongAdder();
    private final AtomicLongArray refusedByCode = new AtomicLongArray(ErrorCode.values().length);
    private final LongAdder pauses = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder repliesSent = new LongAdder();
    private final AtomicInteger replyPausedConnections = new AtomicInteger();
    private static final int NO_CONNECTION = 0;
    /** Producer id to its live connection; read and written by the pipeline's publishing thread only. */
    private final Long2LongHashMap connectionByProducer = new Long2LongHashMap(NO_CONNECTION);
    private final AtomicInteger diskPausedConnections = new AtomicInteger();
    private DiskFullAction diskFullAction = DiskFullAction.REFUSE;
    private volatile boolean diskBelowReserve;
    private NanoClock quotaClock = SystemNanoClock.INSTANCE;
    private final ConcurrentHashMap<Long, ProducerQuotaCounters> quotaCounters = new ConcurrentHashMap<>();
    private final LongAdder quotaThrottles = new LongAdder();
    private final AtomicInteger quotaPausedConnections = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> connectionsByAddress = new ConcurrentHashMap<>();
    private final LongAdder inFlightPauses = new LongAdder();
    private final AtomicInteger inFlightPausedConnections = new AtomicInteger();
    private SubscriberPositions positions;
    private final ConcurrentHashMap<String, Subscription> namedSubscriptions = new ConcurrentHashMap<>();
    private volatile long lastPublishedOutIndex = Journal.NO_INDEX;
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private Channel serverChannel;
    private volatile boolean closing;
    private SslContext sslContext;
    private volatile AccessPolicy accessPolicy = AccessPolicy.empty();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> refusedByPrincipal = new ConcurrentHashMap<>();
    private final AuthFailureLog authFailureLog = new AuthFailureLog();
    /** The partitions this node owns ({@code partitions:}); null when the bus is not partitioned. */
    private final PartitionCheck partitionCheck;

    public Gateway(final GatewayConfig config, final TopicRegistry topics, final EpochNanoClock clock)
    {
        this(config, new TopicCatalog(topics), clock);
    }

    /**
     * @param topics the topic registry in force; the gateway validates each event against its
     *               current snapshot, so a schema version added there applies from the next event.
     */
    public Gateway(final GatewayConfig config, final TopicCatalog topics, final EpochNanoClock clock)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.clock = Objects.requireNonNull(clock, "clock");
        final int tableSize = Integer.highestOneBit(config.maxConnections() * 2 - 1) << 1;
        this.connections = new AtomicReferenceArray<>(tableSize);
        this.connectionMask = tableSize - 1;
        this.partitionCheck = config.partitions() == null ? null : new PartitionCheck(config.partitions());
        for (final String topic : config.lateness().topics().keySet())
        {
            if (topics.current().find(topic) < 0)
            {
                throw ConfigException.invalid("gateway.lateness.topics." + topic, topic, "a topic configured under topics: " +
                    topics.current().topics().stream().map(t -> t.name()).toList());
            }
        }
    }

    /**
     * Connects the gateway to the pipeline it feeds and the journal subscribers read. Call once,
     * before {@link #start()}.
     */
    public Gateway attach(final EventRing pipeline, final Journal out)
    {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.out = Objects.requireNonNull(out, "out");
        this.lastPublishedOutIndex = out.lastIndex();
        return this;
    }

    /**
     * Keeps named subscribers' positions here: a Subscribe with a name registers it, start NAMED
     * resumes after its committed index, Commit moves it. Without this, named subscriptions are
     * refused. Call before {@link #start()}.
     */
    public Gateway subscriberPositions(final SubscriberPositions positions)
    {
        this.positions = Objects.requireNonNull(positions, "positions");
        return this;
    }

    /**
     * Hands every refused frame to this buffer, which the dead-letter writer drains into the
     * dead-letter journal. Without it, refusals are only counted. Call before {@link #start()}.
     */
    public Gateway deadLetters(final DeadLetterBuffer deadLetters)
    {
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        return this;
    }

    /** @return the dead-letter hand-off, or null when refused frames are only counted. */
    public DeadLetterBuffer deadLetters()
    {
        return deadLetters;
    }

    /** @return the check of event keys against the partitions this node owns; null when not partitioned. */
    PartitionCheck partitionCheck()
    {
        return partitionCheck;
    }

    /** @return the topic registry in force and where schema changes are put in force. */
    public TopicCatalog topicCatalog()
    {
        return topics;
    }

    /**
     * Sets what happens to new events while the disk is below its reserve ({@code journal.onDiskFull});
     * {@link DiskFullAction#REFUSE} unless set. Call before {@link #start()}.
     */
    public Gateway onDiskFull(final DiskFullAction action)
    {
        this.diskFullAction = Objects.requireNonNull(action, "action");
        return this;
    }

    /**
     * Sets the clock of the quota buckets (tests step it by hand); {@link SystemNanoClock} unless
     * set. Call before {@link #start()}.
     */
    public Gateway quotaClock(final NanoClock clock)
    {
        this.quotaClock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Serves TLS with this context (see {@link dev.rill.gateway.tls.PemTls#server}): every accepted
     * connection handshakes before its first frame is read. Call before {@link #start()}.
     */
    public Gateway tls(final SslContext context)
    {
        this.sslContext = Objects.requireNonNull(context, "context");
        return this;
    }

    /**
     * Sets the principals and token hashes Hello tokens are checked against (when
     * {@code gateway.auth} is on). Any thread, any time: a Hello after this call sees the new
     * policy; open connections keep the principal they authenticated as.
     */
    public Gateway accessPolicy(final AccessPolicy policy)
    {
        this.accessPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** @return the policy Hello tokens are checked against now. */
    public AccessPolicy accessPolicy()
    {
        return accessPolicy;
    }

    /** @return whether Hello tokens are checked ({@code gateway.auth.enabled}). */
    public boolean authEnabled()
    {
        return config.security().auth().enabled();
    }

    /** @return TLS handshakes that failed since start (plaintext clients, refused client certificates, ...). */
    public long tlsHandshakeFailures()
    {
        return tlsHandshakeFailures.sum();
    }

    /** @return per principal that was refused something (NOT_AUTHORIZED) since start, how often. Allocates. */
    public java.util.Map<String, Long> refusedByPrincipal()
    {
        final java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        refusedByPrincipal.forEach((name, n) -> counts.put(name, n.sum()));
        return counts;
    }

    /**
     * Binds the listening socket.
     *
     * @return the address actually bound (its port when the configured port is 0).
     */
    public InetSocketAddress start() throws InterruptedException
    {
        if (pipeline == null)
        {
            throw new IllegalStateException("attach(pipeline, out) before start()");
        }
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rill-accept", true), NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("rill-io", true), NioIoHandler.newFactory());
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(bossGroup, ioGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    final ServerConnection connection = register();
                    if (connection == null)
                    {
                        refuseConnection(ch, "connection limit of " + config.maxConnections() +
                            " (gateway.maxConnections) reached; retry later with backoff");
                        return;
                    }
                    final InetAddress address = ch.remoteAddress().getAddress();
                    if (!admitAddress(ch, address))
                    {
                        unregister(connection);
                        refuseConnection(ch, "connection limit of " + config.limits().maxConnectionsPerAddress() +
                            " per address (gateway.maxConnectionsPerAddress) reached for " + address.getHostAddress() +
                            "; close other connections from this address or retry later with backoff");
                        return;
                    }
                    final long idleMillis = config.limits().idleTimeout().toMillis();
                    if (idleMillis > 0)
                    {
                        ch.pipeline().addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
                    }
                    if (sslContext != null)
                    {
                        final SslHandler tls = sslContext.newHandler(ch.alloc());
                        tls.handshakeFuture().addListener(f ->
                        {
                            if (!f.isSuccess())
                            {
                                tlsHandshakeFailures.increment(); // the handler closes the channel itself
                            }
                        });
                        ch.pipeline().addFirst("tls", tls);
                    }
                    ch.pipeline().addLast("frames", new FrameDecoder(connection, maxFrameLength()));
                    ch.pipeline().addLast("connection", connection);
                }
            });
        serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
        if (config.limits().subscriberMaxLag() > 0)
        {
            bossGroup.scheduleWithFixedDelay(this::checkSubscriberLag, LAG_CHECK_MILLIS, LAG_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
        return (InetSocketAddress)serverChannel.localAddress();
    }

    /**
     * The handlers {@link #start()} puts on an accepted channel after TLS and the idle timer: the
     * frame decoder, then a new connection with id {@code connectionId}, which is <b>not</b>
     * registered, so no acknowledgement, Welcome, Reply or wake-up from the pipeline reaches it.
     * For driving the real decode path without a socket (Netty's {@code EmbeddedChannel}: perf's
     * GatewayDecodeBenchmark); the server never calls it. Call after {@link #attach}.
     */
    public ChannelHandler[] unregisteredConnectionHandlers(final int connectionId)
    {
        if (pipeline == null)
        {
            throw new IllegalStateException("attach(pipeline, out) before unregisteredConnectionHandlers()");
        }
        final ServerConnection connection = new ServerConnection(this, connectionId);
        return new ChannelHandler[]{new FrameDecoder(connection, maxFrameLength()), connection};
    }

    /**
     * Stops accepting, lets the pipeline drain (the caller closes it between {@link #beginClose()}
     * and this), flushes the last acknowledgements, tells every connection the server is shutting
     * down, and stops the event loops.
     */
    @Override
    public void close()
    {
        beginClose();
        for (int i = 0; i < connections.length(); i++)
        {
            final ServerConnection c = connections.get(i);
            if (c != null)
            {
                runOnLoop(c, () ->
                {
                    c.flushAck();
                    c.closeWith(ErrorCode.SERVER_SHUTTING_DOWN, "server is shutting down; reconnect and resend what was not acknowledged");
                });
            }
        }
        if (ioGroup != null)
        {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * First half of shutdown: stop accepting connections and new events, and wait until no event
     * loop is inside an event hand-off, so the pipeline can then be drained safely.
     */
    public void beginClose()
    {
        if (closing)
        {
            return;
        }
        closing = true;
        if (serverChannel != null)
        {
            serverChannel.close().syncUninterruptibly();
        }
        if (ioGroup != null)
        {
            ioGroup.forEach(loop -> loop.submit(() -> { }).syncUninterruptibly());
        }
    }

    @Override
    public void acknowledge(final int connectionId, final long seq)
    {
        final ServerConnection c = connections.get(connectionId & connectionMask);
        if (c != null && c.id() == connectionId)
        {
            c.acknowledge(seq);
        }
    }

    @Override
    public void reply(final EventSlot slot, final long outIndex)
    {
        final ServerConnection c = connection(slot.connectionId());
        if (c != null)
        {
            c.reply(slot, outIndex);
        }
        // else the connection is gone: nobody to answer; the Result is in journal out
    }

    @Override
    public void welcome(final int connectionId, final long lastJournaledSeq)
    {
        final ServerConnection c = connection(connectionId);
        if (c == null)
        {
            return;
        }
        c.welcome(lastJournaledSeq);
        final long producerId = c.producerId();
        if (producerId != 0)
        {
            // One live session per producer: the journal stage let this Hello through, so its
            // epoch is the producer's highest; an older connection of the producer is closed.
            final int previous = (int)connectionByProducer.put(producerId, connectionId);
            if (previous != NO_CONNECTION && previous != connectionId)
            {
                final ServerConnection old = connection(previous);
                if (old != null && old.producerId() == producerId)
                {
                    old.refuse(ErrorCode.PRODUCER_FENCED, "producer " + producerId +
                        " connected again (same or higher epoch); this older connection is closed");
                }
            }
        }
    }

    @Override
    public void refuse(final int connectionId, final ErrorCode code, final String message)
    {
        final ServerConnection c = connection(connectionId);
        if (c != null)
        {
            c.refuse(code, message);
        }
    }

    private ServerConnection connection(final int connectionId)
    {
        final ServerConnection c = connections.get(connectionId & connectionMask);
        return c != null && c.id() == connectionId ? c : null;
    }

    @Override
    public void onResultsPublished(final long lastOutIndex)
    {
        lastPublishedOutIndex = lastOutIndex; // one volatile store per batch: bounds what a Commit may name
        for (int i = 0, n = subscriptions.size(); i < n; i++)
        {
            subscriptions.get(i).wake();
        }
    }

    @Override
    public void onCapacityFreed()
    {
        if (pausedConnections.get() == 0)
        {
            return;
        }
        for (int i = 0; i < connections.length(); i++)
        {
            final ServerConnection c = connections.get(i);
            if (c != null)
            {
                c.scheduleResume();
            }
        }
    }

    /**
     * Disk monitor thread: the data directory crossed its free-space reserve. Below it, each new
     * event is refused or its connection paused; back above it, paused connections resume.
     */
    @Override
    public void onDiskSpaceChanged(final boolean belowReserve, final long usableBytes, final long reserveBytes)
    {
        diskBelowReserve = belowReserve; // volatile write, then read each connection's volatile flag: see ServerConnection.pauseForDisk
        if (belowReserve)
        {
            return;
        }
        for (int i = 0; i < connections.length(); i++)
        {
            final ServerConnection c = connections.get(i);
            if (c != null)
            {
                c.scheduleDiskResume();
            }
        }
    }

    /** @return 1 while the data directory is below its free-space reserve, else 0: a gauge to alert on. */
    public int belowDiskReserve()
    {
        return diskBelowReserve ? 1 : 0;
    }

    /** @return events refused with DISK_FULL since start (refuse mode). */
    public long diskFullRefusals()
    {
        return refusedCount(ErrorCode.DISK_FULL);
    }

    /** @return producing connections not read right now because the disk is below its reserve (pause mode). */
    public int diskPausedConnections()
    {
        return diskPausedConnections.get();
    }

    /** @return how often a producing connection stopped being read because its quota bucket was empty, since start. */
    public long quotaThrottles()
    {
        return quotaThrottles.sum();
    }

    /** @return events refused with QUOTA_EXCEEDED since start (refuse mode). */
    public long quotaRefusals()
    {
        return refusedCount(ErrorCode.QUOTA_EXCEEDED);
    }

    /** @return producing connections not read right now because their producer is over its quota. */
    public int quotaPausedConnections()
    {
        return quotaPausedConnections.get();
    }

    /** @return per producer that has a quota and said Hello since start: its pause episodes and refusals. Allocates. */
    public List<ProducerQuotaCount> producerQuotaCounts()
    {
        final List<ProducerQuotaCount> counts = new ArrayList<>(quotaCounters.size());
        quotaCounters.forEach((id, c) -> counts.add(new ProducerQuotaCount(id, c.throttled.get(), c.refused.get())));
        counts.sort((a, b) -> Long.compare(a.producerId(), b.producerId()));
        return counts;
    }

    /** @return events accepted with the flag LATE (older than their topic's allowed lateness) since start. */
    public long lateEvents()
    {
        return late.sum();
    }

    /** @return events accepted with the flag OUT_OF_ORDER since start. */
    public long outOfOrderEvents()
    {
        return outOfOrder.sum();
    }

    /** @return events refused with EVENT_TOO_LATE since start (lateness action reject). */
    public long lateRefusals()
    {
        return refusedCount(ErrorCode.EVENT_TOO_LATE);
    }

    /** @return Reply frames sent since start. */
    public long repliesSent()
    {
        return repliesSent.sum();
    }

    /** @return producing connections not read right now because all their Reply slots are held. */
    public int replyPausedConnections()
    {
        return replyPausedConnections.get();
    }

    /** @return how often a connection stopped being read because it reached gateway.maxInFlight, since start. */
    public long inFlightPauses()
    {
        return inFlightPauses.sum();
    }

    /** @return connections not read right now because they are at their in-flight window. */
    public int inFlightPausedConnections()
    {
        return inFlightPausedConnections.get();
    }

    /** @return events accepted into the ring since start. */
    public long acceptedEvents()
    {
        return accepted.sum();
    }

    /** @return frames refused with the given code since start. */
    public long refusedCount(final ErrorCode code)
    {
        return refusedByCode.get(code.ordinal());
    }

    /** @return how often a connection paused reading because the ring was full. */
    public long pauses()
    {
        return pauses.sum();
    }

    /** @return connections paused right now. */
    public int pausedConnections()
    {
        return pausedConnections.get();
    }

    public int subscriberCount()
    {
        return subscriptions.size();
    }

    /**
     * @return the most records of "out" any open subscription has not read yet (as of its last
     *         drain), 0 without subscriptions. For monitoring threads: see {@link Subscription#lag()}.
     */
    public long maxSubscriberLag()
    {
        long max = 0;
        for (final Subscription s : subscriptions) // a snapshot: subscriptions come and go meanwhile
        {
            max = Math.max(max, s.lag());
        }
        return max;
    }

    /**
     * @return open connections whose Hello named a producer id (anonymous producers and subscribers,
     *         id 0, are not counted); any thread, a walk of the connection table: for scrapes, not a hot path.
     */
    public int producerConnections()
    {
        int n = 0;
        for (int i = 0; i < connections.length(); i++)
        {
            final ServerConnection c = connections.get(i);
            if (c != null && c.producerId() != 0)
            {
                n++;
            }
        }
        return n;
    }

    GatewayConfig config()
    {
        return config;
    }

    /**
     * @return the largest message accepted, as announced in Welcome: the configured frame limit,
     *         or the pipeline slot's size when that is smaller (an Event must fit its slot).
     */
    int maxFrameLength()
    {
        return Math.min(config.maxFrameLength(), pipeline.config().maxEventBytes());
    }

    TopicRegistry topics()
    {
        return topics.current();
    }

    EpochNanoClock clock()
    {
        return clock;
    }

    EventRing pipeline()
    {
        return pipeline;
    }

    Journal out()
    {
        return out;
    }

    boolean closing()
    {
        return closing;
    }

    SubscriberPositions positions()
    {
        return positions;
    }

    /** @return the out index of the last Result published, as of the last batch (a lower bound of out's last index). */
    long lastPublishedOutIndex()
    {
        return lastPublishedOutIndex;
    }

    /**
     * Makes {@code s} the live subscription of its name. A previous holder of the name keeps
     * streaming but loses the right to Commit (its Commits are refused): the newest one wins,
     * as after a reconnect the old connection may not be closed yet.
     */
    void takeName(final String name, final Subscription s)
    {
        namedSubscriptions.put(name, s);
    }

    /** @return whether {@code s} is still its name's live subscription. */
    boolean holdsName(final String name, final Subscription s)
    {
        return namedSubscriptions.get(name) == s;
    }

    void releaseName(final String name, final Subscription s)
    {
        namedSubscriptions.remove(name, s);
    }

    /** One volatile read: the per-event disk check. */
    boolean diskBelowReserve()
    {
        return diskBelowReserve;
    }

    DiskFullAction diskFullAction()
    {
        return diskFullAction;
    }

    /**
     * Event loop, at Hello: the quota of a new connection of {@code producerId}, or null when the
     * producer has no limit. Allocates (once per connection).
     */
    ProducerQuota newQuota(final long producerId)
    {
        final QuotaLimits limits = config.quota().limitsFor(producerId);
        if (limits.unlimited())
        {
            return null;
        }
        final ProducerQuotaCounters counters = quotaCounters.computeIfAbsent(producerId, id -> new ProducerQuotaCounters());
        return new ProducerQuota(producerId, limits, maxFrameLength(), counters, quotaClock.nanoTime());
    }

    NanoClock quotaClock()
    {
        return quotaClock;
    }

    QuotaAction quotaAction()
    {
        return config.quota().onExceeded();
    }

    void connectionQuotaPaused()
    {
        quotaThrottles.increment();
        quotaPausedConnections.incrementAndGet();
    }

    void connectionQuotaResumed()
    {
        quotaPausedConnections.decrementAndGet();
    }

    ConnectionLimits limits()
    {
        return config.limits();
    }

    void connectionInFlightPaused()
    {
        inFlightPauses.increment();
        inFlightPausedConnections.incrementAndGet();
    }

    void connectionInFlightResumed()
    {
        inFlightPausedConnections.decrementAndGet();
    }

    void connectionDiskPaused()
    {
        diskPausedConnections.incrementAndGet();
    }

    void connectionDiskResumed()
    {
        diskPausedConnections.decrementAndGet();
    }

    /** @param flags the Result flags the gateway set (LATE, OUT_OF_ORDER are counted). */
    void eventAccepted(final int flags)
    {
        accepted.increment();
        if ((flags & EventSlot.FLAG_LATE) != 0)
        {
            late.increment();
        }
        if ((flags & EventSlot.FLAG_OUT_OF_ORDER) != 0)
        {
            outOfOrder.increment();
        }
    }

    void repliesSent(final int n)
    {
        repliesSent.add(n);
    }

    void connectionReplyPaused()
    {
        replyPausedConnections.incrementAndGet();
    }

    void connectionReplyResumed()
    {
        replyPausedConnections.decrementAndGet();
    }

    void countRefused(final ErrorCode code)
    {
        refusedByCode.incrementAndGet(code.ordinal());
    }

    /** Event loop, on a refusal path only: counts a refusal of this principal (allocates its counter once). */
    void countRefused(final Principal principal)
    {
        refusedByPrincipal.computeIfAbsent(principal.name(), name -> new LongAdder()).increment();
    }

    /** Event loop: a Hello token was refused; logs where from (never what was sent), at most a line every 10 s. */
    void authenticationFailed(final java.net.SocketAddress peer, final long producerId)
    {
        authFailureLog.failed(peer, producerId);
    }

    void connectionPaused()
    {
        pauses.increment();
        pausedConnections.incrementAndGet();
    }

    void connectionResumed()
    {
        pausedConnections.decrementAndGet();
    }

    void connectionFailed(final Throwable cause)
    {
        // A reset by the peer is routine, a failed TLS handshake is counted by its listener; anything
        // else is worth one line, never a stack trace.
        if (!(cause instanceof java.io.IOException) && !tlsFailure(cause))
        {
            System.err.println("rill gateway: connection failed: " + cause);
        }
    }

    private static boolean tlsFailure(final Throwable cause)
    {
        for (Throwable t = cause; t != null; t = t.getCause())
        {
            if (t instanceof javax.net.ssl.SSLException)
            {
                return true;
            }
        }
        return false;
    }

    void addSubscription(final Subscription s)
    {
        subscriptions.add(s);
    }

    void removeSubscription(final Subscription s)
    {
        subscriptions.remove(s);
    }

    void unregister(final ServerConnection c)
    {
        connections.compareAndSet(c.id() & connectionMask, c, null);
    }

    private void refuseConnection(final SocketChannel ch, final String message)
    {
        countRefused(ErrorCode.CONNECTION_LIMIT);
        ch.writeAndFlush(new FrameWriter().error(ch.alloc(), ErrorCode.CONNECTION_LIMIT, message)).addListener(f -> ch.close());
    }

    /** Counts the connection against its address's limit; false (and not counted) when the address is at it. */
    private boolean admitAddress(final SocketChannel ch, final InetAddress address)
    {
        final int max = config.limits().maxConnectionsPerAddress();
        if (max == 0)
        {
            return true;
        }
        if (connectionsByAddress.merge(address, 1, Integer::sum) > max)
        {
            releaseAddress(address);
            return false;
        }
        ch.closeFuture().addListener(f -> releaseAddress(address));
        return true;
    }

    private void releaseAddress(final InetAddress address)
    {
        connectionsByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    /** Accept thread timer: closes subscriptions further behind the end of "out" than gateway.subscriberMaxLag. */
    private void checkSubscriberLag()
    {
        final long max = config.limits().subscriberMaxLag();
        for (final Subscription s : subscriptions)
        {
            final long lag;
            try
            {
                lag = s.lag();
            }
            catch (final RuntimeException e)
            {
                continue; // its reader is closing meanwhile: nothing to check
            }
            if (lag > max && s.markTooSlow())
            {
                countRefused(ErrorCode.SUBSCRIBER_TOO_SLOW);
                s.closeTooSlow("this subscription is " + lag + " records behind the end of journal out, more than " +
                    "gateway.subscriberMaxLag (" + max + "); reconnect and resume after the last out index you processed " +
                    "(a named subscription resumes at its committed position)");
            }
        }
    }

    private ServerConnection register()
    {
        for (int attempt = 0; attempt < connections.length(); attempt++)
        {
            final int id = nextConnectionId.incrementAndGet() & Integer.MAX_VALUE;
            if (id == 0)
            {
                continue; // 0 means "no connection" in a slot
            }
            final ServerConnection c = new ServerConnection(this, id);
            if (connections.compareAndSet(id & connectionMask, null, c))
            {
                if (countConnections() > config.maxConnections())
                {
                    connections.set(id & connectionMask, null);
                    return null;
                }
                return c;
            }
        }
        return null;
    }

    private int countConnections()
    {
        int n = 0;
        for (int i = 0; i < connections.length(); i++)
        {
            if (connections.get(i) != null)
            {
                n++;
            }
        }
        return n;
    }

    private static void runOnLoop(final ServerConnection c, final Runnable task)
    {
        try
        {
            c.eventLoop().submit(task).syncUninterruptibly();
        }
        catch (final RuntimeException ignore)
        {
            // the loop is already shutting down: nothing left to flush there
        }
    }
}
