package dev.rill.journal;

import java.util.function.Consumer;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * What the journal stage knows about every producer: its highest journaled seq (deduplication)
 * and its highest epoch (fencing). Part of every checkpoint.
 *
 * <p>Owned by one thread: the journal stage's, or the recovery code before the pipeline starts.
 * A lookup allocates nothing; a new producer adds one entry.
 */
public final class ProducerTable
{
    /** Seq of a producer that has journaled nothing. */
    public static final long NO_SEQ = -1;
    /** Epoch of a producer whose session the table has not seen. */
    public static final int NO_EPOCH = Integer.MIN_VALUE;

    private final Long2ObjectHashMap<Producer> producers = new Long2ObjectHashMap<>();

    /** One producer's state; mutable, owned by the table's thread. */
    public static final class Producer
    {
        private final long id;
        private long lastSeq = NO_SEQ;
        private int epoch = NO_EPOCH;

        Producer(final long id)
        {
            this.id = id;
        }

        public long id()
        {
            return id;
        }

        /** @return highest journaled seq, {@link #NO_SEQ} if none. */
        public long lastSeq()
        {
            return lastSeq;
        }

        /** @return highest epoch seen, {@link #NO_EPOCH} if none. */
        public int epoch()
        {
            return epoch;
        }

        void lastSeq(final long seq)
        {
            this.lastSeq = seq;
        }

        void epoch(final int epoch)
        {
            this.epoch = epoch;
        }
    }

    /** @return the producer's state, created empty on first use. */
    public Producer get(final long producerId)
    {
        Producer p = producers.get(producerId);
        if (p == null)
        {
            p = new Producer(producerId);
            producers.put(producerId, p);
        }
        return p;
    }

    /** @return the producer's state, or null when the table has never seen it. */
    public Producer find(final long producerId)
    {
        return producers.get(producerId);
    }

    /** Raises a producer's last seq to {@code seq} if it is higher (rebuilding from "in"). */
    public void observeSeq(final long producerId, final long seq)
    {
        final Producer p = get(producerId);
        if (seq > p.lastSeq)
        {
            p.lastSeq = seq;
        }
    }

    /** Raises a producer's epoch to {@code epoch} if it is higher (rebuilding from "in"). */
    public void observeEpoch(final long producerId, final int epoch)
    {
        final Producer p = get(producerId);
        if (epoch > p.epoch)
        {
            p.epoch = epoch;
        }
    }

    /** Restores one producer exactly (loading a checkpoint). */
    public void restore(final long producerId, final long lastSeq, final int epoch)
    {
        final Producer p = get(producerId);
        p.lastSeq = lastSeq;
        p.epoch = epoch;
    }

    public int size()
    {
        return producers.size();
    }

    /** Visits every producer; allocation-free iteration is not needed here (checkpoints, tools). */
    public void forEach(final Consumer<Producer> visitor)
    {
        producers.values().forEach(visitor);
    }
}
