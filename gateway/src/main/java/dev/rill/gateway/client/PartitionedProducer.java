package dev.rill.gateway.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.rill.bus.ErrorCode;

/**
 * Sends events to a partitioned Rill (docs/scale-out.md §3): one {@link RillProducer} per
 * partition, each event to the owner of its key's partition ({@link PartitionMap#partitionOf}).
 *
 * <p><b>Producer ids.</b> The caller gives one base producer id (in its {@link ClientConfig}, 1 to
 * 2^51 - 1); partition {@code p}'s producer is {@link #producerId(long, int) base × 4096 + p}, so
 * the producers of two partitioned producers with different base ids never collide (keep plain
 * producers' ids out of those ranges). All use the base config's epoch. Seqs are per partition.
 *
 * <p><b>Moves.</b> When an owner refuses an event with Nack {@code WRONG_PARTITION}, the
 * producer asks the caller's {@code Supplier<PartitionMap>} for the map again (every 100 ms, up to
 * the move timeout) until the partition has other endpoints, connects there, lets the old
 * owner's connection answer everything still in flight, and sends every event the old owner
 * refused to the new owner in their original order, before any later event of that partition.
 * Seqs on the new owner continue above the old owner's, so (producer, seq) names one event across
 * all servers. Events the old owner acknowledged stay in its journals. While a partition moves,
 * {@link #send} for it waits. The caller hears {@link PartitionAckListener#onRerouted} for each
 * event sent again, then its Ack under the new seq. If no new owner appears within the move
 * timeout, the refused events go back to the caller as {@code onNack(WRONG_PARTITION)}: nothing
 * refused is dropped without a word. A map with another partition count is not followed (that is
 * a new deployment, not a move): the refusal goes back to the caller the same way.
 *
 * <p><b>Threading.</b> Any thread may send; sends of one partition are serialised by that
 * partition's lock. Listener calls come from the partitions' I/O threads and from the producer's
 * reroute thread. The convenience {@link #send(String, long, long, double...)} allocates; the
 * {@code byte[]} form allocates nothing beyond what {@link RillProducer} does; a refusal allocates.
 */
public final class PartitionedProducer implements AutoCloseable
{
    /** Partition ids take the low 12 bits of a partition's producer id. */
    public static final int PARTITION_BITS = 12;
    /** Default of how long a move may take before refused events go back to the caller. */
    public static final Duration DEFAULT_MOVE_TIMEOUT = Duration.ofSeconds(30);

    private static final long RELOAD_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ClientConfig base;
    private final Supplier<PartitionMap> maps;
    private final PartitionAckListener listener;
    private final long moveTimeoutNanos;
    private final Route[] routes;
    private final LinkedBlockingQueue<PartitionLink.Refused> refusals = new LinkedBlockingQueue<>();
    private final CopyOnWriteArrayList<PartitionLink> draining = new CopyOnWriteArrayList<>();
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong rerouted = new AtomicLong();
    private final Owner owner = new Owner();
    private final Thread rerouter;
    private volatile PartitionMap map;
    private volatile boolean closed;

    private PartitionedProducer(
        final ClientConfig base, final Supplier<PartitionMap> maps, final PartitionAckListener listener, final Duration moveTimeout)
    {
        this.base = Objects.requireNonNull(base, "base");
        this.maps = Objects.requireNonNull(maps, "maps");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.moveTimeoutNanos = moveTimeout.toNanos();
        if (base.producerId() < 1 || base.producerId() >= 1L << (63 - PARTITION_BITS))
        {
            throw new IllegalArgumentException("base producer id " + base.producerId() + " must be 1 to 2^" + (63 - PARTITION_BITS) +
                " - 1: the partition is folded into the low " + PARTITION_BITS + " bits of each partition's producer id");
        }
        final PartitionMap first = Objects.requireNonNull(maps.get(), "the partition map supplier returned null");
        this.map = first;
        this.routes = new Route[first.count()];
        try
        {
            for (int p = 0; p < routes.length; p++)
            {
                routes[p] = new Route(new PartitionLink(p, first.endpoints(p), configFor(p, first.endpoints(p).get(0)), 0, owner));
            }
        }
        catch (final RuntimeException e)
        {
            for (final Route r : routes)
            {
                if (r != null)
                {
                    r.current.close();
                }
            }
            throw e;
        }
        this.rerouter = new Thread(this::rerouteLoop, "rill-partitioned-producer-" + base.producerId());
        this.rerouter.setDaemon(true);
        this.rerouter.start();
    }

    /**
     * Connects to the owner of every partition of {@code maps.get()}.
     *
     * @param base     the connection settings of every partition (its host and port are not used) and the base producer id.
     * @param maps     where the partition map comes from, read now and again after each {@code WRONG_PARTITION}
     *                 (e.g. {@link PartitionMap#reloading(java.nio.file.Path)}); called on the reroute thread.
     * @param listener hears every event's fate.
     * @throws RillClientException when an owner cannot be reached or refuses.
     */
    public static PartitionedProducer connect(final ClientConfig base, final Supplier<PartitionMap> maps, final PartitionAckListener listener)
    {
        return new PartitionedProducer(base, maps, listener, DEFAULT_MOVE_TIMEOUT);
    }

    /** As {@link #connect(ClientConfig, Supplier, PartitionAckListener)}, with the time a move may take. */
    public static PartitionedProducer connect(
        final ClientConfig base, final Supplier<PartitionMap> maps, final PartitionAckListener listener, final Duration moveTimeout)
    {
        return new PartitionedProducer(base, maps, listener, moveTimeout);
    }

    /** @return the producer id partition {@code partition} uses: {@code baseProducerId << 12 | partition}. */
    public static long producerId(final long baseProducerId, final int partition)
    {
        return baseProducerId << PARTITION_BITS | partition;
    }

    /**
     * Sends one event to its key's partition, waiting while that partition's window is full or it moves.
     *
     * @param topic  UTF-8 topic name ({@link RillProducer#topic(String)}); kept (not copied) until answered: do not change it.
     * @param fields copied; the first {@code fieldCount} are sent.
     * @return the event's seq in partition {@link #partitionOf(long) partitionOf(key)}.
     * @throws RillClientException when the producer is closed or the partition's producer failed for good.
     */
    public long send(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        if (closed)
        {
            throw new RillClientException(ErrorCode.SERVER_SHUTTING_DOWN, "partitioned producer " + base.producerId() + " is closed");
        }
        final Route route = routes[PartitionHash.partitionOf(key, routes.length)];
        route.lock.lock();
        try
        {
            outstanding.incrementAndGet();
            try
            {
                return route.current.send(topic, key, eventTimeNanos, fields, fieldCount);
            }
            catch (final RuntimeException e)
            {
                outstanding.decrementAndGet();
                throw e;
            }
        }
        finally
        {
            route.lock.unlock();
        }
    }

    /** Convenience form of {@link #send(byte[], long, long, double[], int)}; allocates. */
    public long send(final String topic, final long key, final long eventTimeNanos, final double... fields)
    {
        return send(RillProducer.topic(topic), key, eventTimeNanos, fields, fields.length);
    }

    /** @return the partition of {@code key} (the partition count never changes while this producer lives). */
    public int partitionOf(final long key)
    {
        return PartitionHash.partitionOf(key, routes.length);
    }

    /** @return the newest partition map this producer follows. */
    public PartitionMap map()
    {
        return map;
    }

    /** @return events sent and not yet acknowledged or refused for good (a rerouted event counts once). */
    public long outstanding()
    {
        return outstanding.get();
    }

    /** @return how many events were sent again to a partition's new owner after WRONG_PARTITION. */
    public long rerouted()
    {
        return rerouted.get();
    }

    /**
     * Waits until every event sent so far is acknowledged or refused for good, across moves, and
     * the listener has heard it.
     *
     * @return true when none is outstanding, false on timeout.
     */
    public boolean awaitAllAcknowledged(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding.get() > 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    /** Closes every partition's connection; events not acknowledged by then are not resent. */
    @Override
    public void close()
    {
        closed = true;
        rerouter.interrupt();
        try
        {
            rerouter.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        for (final Route r : routes)
        {
            r.current.close();
        }
        for (final PartitionLink link : draining)
        {
            link.close();
        }
    }

    private ClientConfig configFor(final int partition, final InetSocketAddress endpoint)
    {
        return new ClientConfig(endpoint.getHostString(), endpoint.getPort(), producerId(base.producerId(), partition), base.epoch(),
            base.clientName(), base.token(), base.maxInFlight(), base.connectTimeout(), base.reconnect(), base.reconnectBackoff(),
            base.tls(), base.pingInterval());
    }

    private void rerouteLoop()
    {
        final List<PartitionLink.Refused> later = new ArrayList<>();
        while (!closed)
        {
            final PartitionLink.Refused refused;
            try
            {
                // Idle with nothing draining: sleep until a refusal (or close) comes; else look at the old links every 100 ms.
                refused = draining.isEmpty() ? refusals.take() : refusals.poll(100, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException e)
            {
                return;
            }
            closeDrainedLinks();
            if (refused == null)
            {
                continue;
            }
            later.add(refused);
            while (!later.isEmpty() && !closed)
            {
                final PartitionLink.Refused next = later.remove(0);
                final Route route = routes[next.link().partition()];
                route.lock.lock();
                try
                {
                    if (next.link() == route.current)
                    {
                        move(route, next, later);
                    }
                    else
                    {
                        resend(route, next); // from a link already replaced: the current owner takes it
                    }
                }
                finally
                {
                    route.lock.unlock();
                }
            }
        }
    }

    /**
     * The partition's current owner refused {@code first}: find the new owner, wait until the old
     * link has answered everything, then send what it refused to the new owner, in order. Holds
     * the partition's lock, so no new event of the partition overtakes the refused ones.
     */
    private void move(final Route route, final PartitionLink.Refused first, final List<PartitionLink.Refused> later)
    {
        final PartitionLink old = route.current;
        final int partition = old.partition();
        final long deadline = System.nanoTime() + moveTimeoutNanos;
        final List<PartitionLink.Refused> batch = new ArrayList<>();
        batch.add(first);
        later.removeIf(r -> r.link() == old && batch.add(r)); // collected while another partition moved
        String problem = null;
        PartitionLink next = null;
        while (next == null && !closed)
        {
            final PartitionMap candidate;
            try
            {
                candidate = maps.get();
            }
            catch (final RuntimeException e)
            {
                problem = "the partition map could not be reloaded: " + e.getMessage();
                if (!waitOrGiveUp(deadline))
                {
                    break;
                }
                continue;
            }
            if (candidate.count() != routes.length)
            {
                problem = "the reloaded partition map (version " + candidate.version() + ") has " + candidate.count() +
                    " partitions, this producer routes over " + routes.length + ": a new partition count needs new producers";
                break;
            }
            if (candidate.endpoints(partition).equals(old.endpoints()))
            {
                problem = "no partition map newer than version " + candidate.version() + " gives partition " + partition +
                    " another owner than " + old.endpoints();
                if (!waitOrGiveUp(deadline))
                {
                    break;
                }
                continue;
            }
            try
            {
                next = new PartitionLink(partition, candidate.endpoints(partition),
                    configFor(partition, candidate.endpoints(partition).get(0)), old.lastSeq(), owner);
                if (candidate.version() > map.version())
                {
                    map = candidate;
                }
            }
            catch (final RuntimeException e)
            {
                problem = "partition " + partition + "'s new owner " + candidate.endpoints(partition) + " (map version " +
                    candidate.version() + ") could not be reached: " + e.getMessage();
                if (!waitOrGiveUp(deadline))
                {
                    break;
                }
            }
        }
        // Everything the old link still has in flight is answered by the old owner: collect its refusals.
        while (old.pending() > 0 && System.nanoTime() - deadline < 0 && !closed)
        {
            take(old, batch, later, RELOAD_INTERVAL_NANOS);
        }
        take(old, batch, later, 0);
        batch.sort(Comparator.comparingLong(PartitionLink.Refused::seq));
        if (next == null)
        {
            for (final PartitionLink.Refused r : batch)
            {
                giveUp(r, problem == null ? "the producer is closing" : problem);
            }
            return;
        }
        route.current = next;
        if (old.pending() == 0)
        {
            old.close();
        }
        else
        {
            draining.add(old); // still unanswered past the move timeout: closed once answered; later refusals follow the new owner
        }
        for (final PartitionLink.Refused r : batch)
        {
            resend(route, r);
        }
    }

    /** Moves queued refusals of {@code link} to {@code batch} and the others to {@code later}. */
    private void take(
        final PartitionLink link, final List<PartitionLink.Refused> batch, final List<PartitionLink.Refused> later, final long waitNanos)
    {
        try
        {
            PartitionLink.Refused r = waitNanos > 0 ? refusals.poll(waitNanos, TimeUnit.NANOSECONDS) : refusals.poll();
            while (r != null)
            {
                (r.link() == link ? batch : later).add(r);
                r = refusals.poll();
            }
        }
        catch (final InterruptedException e)
        {
            closed = true; // close() interrupts this thread
        }
    }

    private boolean waitOrGiveUp(final long deadline)
    {
        if (System.nanoTime() + RELOAD_INTERVAL_NANOS - deadline > 0 || closed)
        {
            return false;
        }
        LockSupport.parkNanos(RELOAD_INTERVAL_NANOS);
        return !Thread.currentThread().isInterrupted();
    }

    private void resend(final Route route, final PartitionLink.Refused r)
    {
        final long seq;
        try
        {
            seq = route.current.send(r.topic(), r.key(), r.eventTimeNanos(), r.fields(), r.fields().length);
        }
        catch (final RuntimeException e)
        {
            giveUp(r, "sending it to the new owner " + route.current.endpoints() + " failed: " + e.getMessage());
            return;
        }
        rerouted.incrementAndGet();
        listener.onRerouted(route.current.partition(), r.seq(), seq, map.version());
    }

    private void giveUp(final PartitionLink.Refused r, final String why)
    {
        listener.onNack(r.link().partition(), r.seq(), ErrorCode.WRONG_PARTITION, r.message() + "; not sent again: " + why);
        outstanding.decrementAndGet(); // after the listener: awaitAllAcknowledged returns once every fate was heard
    }

    private void closeDrainedLinks()
    {
        for (final PartitionLink link : draining)
        {
            if (link.pending() == 0)
            {
                draining.remove(link);
                link.close();
            }
        }
    }

    /** One partition: its current link, and the lock its sends and its moves hold. */
    private static final class Route
    {
        /** Fair: a sender looping on the partition must not keep its move (the reroute thread) waiting. */
        final ReentrantLock lock = new ReentrantLock(true);
        volatile PartitionLink current;

        Route(final PartitionLink current)
        {
            this.current = current;
        }
    }

    /** Callbacks of every link, on its I/O thread. */
    private final class Owner implements PartitionLink.Owner
    {
        @Override
        public void acknowledged(final PartitionLink link, final long seq)
        {
            listener.onAck(link.partition(), seq);
            outstanding.decrementAndGet();
        }

        @Override
        public void refused(final PartitionLink link, final long seq, final ErrorCode code, final String message)
        {
            listener.onNack(link.partition(), seq, code, message);
            outstanding.decrementAndGet();
        }

        @Override
        public void misrouted(final PartitionLink.Refused refused)
        {
            refusals.add(refused);
        }

        @Override
        public void error(final PartitionLink link, final ErrorCode code, final String message)
        {
            listener.onError(link.partition(), code, message);
        }
    }
}
