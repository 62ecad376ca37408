package dev.rill.gateway.client;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;

/**
 * One {@link RillProducer} to one owner of one partition, and a copy of every event it has sent
 * and not yet seen acknowledged or refused, so that an event refused with {@code WRONG_PARTITION}
 * can be sent again to the partition's next owner.
 *
 * <p>{@link #send} is called by one thread at a time (the {@link PartitionedProducer} holds the
 * partition's lock); the {@link AckListener} methods run on the producer's I/O thread. A kept
 * event's slot is handed between them through its volatile seq: the sender fills a free slot,
 * then publishes its seq; the I/O thread copies a refused event out before it frees the slot.
 * Sending allocates nothing beyond what {@link RillProducer} does (a slot's field array grows
 * once to the widest event); a refusal allocates its copy.
 */
final class PartitionLink implements AckListener
{
    /** What the link reports to its {@link PartitionedProducer}. */
    interface Owner
    {
        void acknowledged(PartitionLink link, long seq);

        void refused(PartitionLink link, long seq, ErrorCode code, String message);

        /** A WRONG_PARTITION refusal, with the copy of the event to send again. */
        void misrouted(Refused refused);

        void error(PartitionLink link, ErrorCode code, String message);
    }

    /** An event refused with WRONG_PARTITION, copied out of its link. */
    record Refused(PartitionLink link, long seq, byte[] topic, long key, long eventTimeNanos, double[] fields, String message)
    {
    }

    private static final long FREE = -1;

    private final int partition;
    private final List<InetSocketAddress> endpoints;
    private final Owner owner;
    private final Kept[] kept;
    private final int mask;
    private final AtomicInteger pending = new AtomicInteger();
    private final RillProducer producer;

    /**
     * Connects to the partition's first endpoint.
     *
     * @param seqFloor seqs start above it (the last seq used for this partition by an earlier owner's link).
     * @throws RillClientException when the server cannot be reached or refuses.
     */
    PartitionLink(
        final int partition, final List<InetSocketAddress> endpoints, final ClientConfig config, final long seqFloor, final Owner owner)
    {
        this.partition = partition;
        this.endpoints = List.copyOf(endpoints);
        this.owner = owner;
        final int capacity = Integer.highestOneBit(Math.max(1, config.maxInFlight() - 1)) << 1;
        this.kept = new Kept[capacity];
        for (int i = 0; i < capacity; i++)
        {
            kept[i] = new Kept();
        }
        this.mask = capacity - 1;
        this.producer = RillProducer.connect(config, this, seqFloor);
    }

    int partition()
    {
        return partition;
    }

    List<InetSocketAddress> endpoints()
    {
        return endpoints;
    }

    /** @return events sent on this link whose Ack or Nack has not been handled yet. */
    int pending()
    {
        return pending.get();
    }

    /** @return the last seq this link used (or its floor). */
    long lastSeq()
    {
        return producer.nextSeq() - 1;
    }

    /**
     * Keeps a copy of the event, then sends it (waiting while the window is full).
     *
     * @return its seq.
     * @throws RillClientException when the producer is closed or failed for good.
     */
    long send(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
    {
        final long seq = producer.nextSeq(); // only this thread sends on the producer, so this is the seq send will use
        final Kept slot = kept[(int)(seq & mask)];
        while (slot.seq != FREE)
        {
            // The slot's older event is still unanswered while later ones were refused: wait for its answer.
            if (producer.ended())
            {
                break; // closed or failed for good: send below throws
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
        slot.fill(topic, key, eventTimeNanos, fields, fieldCount);
        pending.incrementAndGet();
        slot.seq = seq;
        try
        {
            final long sent = producer.send(topic, key, eventTimeNanos, fields, fieldCount);
            if (sent != seq)
            {
                throw new IllegalStateException("partition " + partition + ": sent as seq " + sent + ", kept as " + seq +
                    " (a second thread sent on this link: a PartitionedProducer bug)");
            }
            return seq;
        }
        catch (final RuntimeException e)
        {
            if (slot.seq == seq)
            {
                slot.seq = FREE;
                pending.decrementAndGet();
            }
            throw e;
        }
    }

    void close()
    {
        producer.close();
    }

    @Override
    public void onAck(final long seq)
    {
        final Kept slot = kept[(int)(seq & mask)];
        if (slot.seq == seq)
        {
            slot.seq = FREE;
            pending.decrementAndGet();
        }
        owner.acknowledged(this, seq);
    }

    @Override
    public void onNack(final long seq, final ErrorCode code, final String message)
    {
        final Kept slot = seq < 0 ? null : kept[(int)(seq & mask)];
        if (slot == null || slot.seq != seq)
        {
            owner.refused(this, seq, code, message); // nothing kept for it: the caller hears of it
            return;
        }
        if (code == ErrorCode.WRONG_PARTITION)
        {
            final Refused refused = new Refused(this, seq, slot.topic, slot.key, slot.eventTimeNanos,
                Arrays.copyOf(slot.fields, slot.fieldCount), message);
            slot.seq = FREE;
            owner.misrouted(refused); // before the count drops: a link with nothing pending has nothing left to hand over
            pending.decrementAndGet();
            return;
        }
        slot.seq = FREE;
        pending.decrementAndGet();
        owner.refused(this, seq, code, message);
    }

    @Override
    public void onError(final ErrorCode code, final String message)
    {
        owner.error(this, code, message);
    }

    @Override
    public String toString()
    {
        return "partition " + partition + " at " + endpoints.get(0);
    }

    /** A kept event; its fields are copied (the caller may reuse its array), its topic is the caller's array. */
    private static final class Kept
    {
        volatile long seq = FREE;
        byte[] topic;
        long key;
        long eventTimeNanos;
        double[] fields = new double[8];
        int fieldCount;

        void fill(final byte[] topic, final long key, final long eventTimeNanos, final double[] fields, final int fieldCount)
        {
            this.topic = topic;
            this.key = key;
            this.eventTimeNanos = eventTimeNanos;
            if (this.fields.length < fieldCount)
            {
                this.fields = new double[fieldCount];
            }
            System.arraycopy(fields, 0, this.fields, 0, fieldCount);
            this.fieldCount = fieldCount;
        }
    }
}
