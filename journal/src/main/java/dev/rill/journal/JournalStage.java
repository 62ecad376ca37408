package dev.rill.journal;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.Stage;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ProducerSessionEncoder;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * First stage: appends every accepted event, exactly as encoded and stamped by the gateway, to
 * journal "in", and records its index in the slot. An event is never acknowledged before this
 * stage has run for it, and in {@link Durability#SYNC} not before "in" is forced to disk.
 *
 * <p>Idempotent producers: this stage, the single writer of "in", owns the {@link ProducerTable}.
 * An event whose seq is not above its producer's last journaled seq is a resend: it is marked
 * duplicate, not journaled again, and the publish stage still acknowledges it. A producer's Hello
 * passes through here too and learns its last journaled seq for the Welcome. A Hello with a
 * higher epoch raises the producer's epoch (journaled as a ProducerSession record, so a restart
 * knows it); from then on a Hello or event of a lower epoch is fenced: refused, never journaled.
 *
 * <p>Producer id 0 is anonymous (subscribers, quick tools): its events are journaled as they come,
 * with no deduplication and no fencing, and its Welcome says -1.
 *
 * <p>Durability: with any {@link Durability#SYNC} topic in a batch, "in" is forced to disk at the
 * batch's end (group commit), at most once per {@code syncIntervalNanos}: within the interval the
 * stage waits, and the events arriving meanwhile share the next force.
 *
 * <p>Checkpoints: at a batch's end, once per checkpoint interval, the table and the "in" index it
 * covers are handed to the {@link CheckpointWriter}; at shutdown the last one is written before
 * returning.
 *
 * <p>Owns the "in" appender and the table: only the pipeline thread running this stage calls
 * {@link #onEvent}. Allocates nothing per event (a new producer adds one table entry).
 */
public final class JournalStage implements Stage
{
    /** Producer id of anonymous producers and subscribers: never deduplicated or fenced. */
    public static final long ANONYMOUS = 0;

    private final Journal in;
    private final EpochNanoClock clock;
    private final ProducerTable producers;
    private final boolean[] syncTopic;
    private final boolean syncAll;
    private final boolean anySync;
    private final long syncIntervalNanos;
    private final CheckpointWriter checkpoints;
    private final long checkpointIntervalNanos;
    private final UnsafeBuffer sessionRecord = new UnsafeBuffer(new byte[64]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ProducerSessionEncoder session = new ProducerSessionEncoder();
    private long coveredIndex;
    private boolean syncPending;
    private long lastSyncNanos;
    private long nextCheckpointNanos;
    private long duplicates;
    private long fenced;
    private long syncs;

    /**
     * A stage without checkpoints and without forcing to disk, whose producer table is rebuilt by
     * reading all of "in" on the calling thread (tests, benchmarks).
     */
    public JournalStage(final Journal in, final EpochNanoClock clock)
    {
        this(in, clock, JournalScan.producers(in, null, Journal.NO_INDEX), Durability.PAGE_CACHE, null, 0, null, 0);
    }

    /**
     * @param in                      journal "in"; this stage is its only writer.
     * @param clock                   stamps journaled time.
     * @param producers               the table as recovered at start; the stage owns it from now on.
     * @param durability              global durability mode, for topics without their own.
     * @param topicDurability         per topic id: its mode, or null entries for the global mode;
     *                                null for none.
     * @param syncIntervalNanos       least time between two forces to disk (0: every batch).
     * @param checkpoints             where checkpoints go; null for none.
     * @param checkpointIntervalNanos time between checkpoints.
     */
    public JournalStage(
        final Journal in,
        final EpochNanoClock clock,
        final ProducerTable producers,
        final Durability durability,
        final Durability[] topicDurability,
        final long syncIntervalNanos,
        final CheckpointWriter checkpoints,
        final long checkpointIntervalNanos)
    {
        this.in = Objects.requireNonNull(in, "in");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.producers = Objects.requireNonNull(producers, "producers");
        final int topics = topicDurability == null ? 0 : topicDurability.length;
        this.syncTopic = new boolean[topics];
        boolean anyPageCache = false;
        boolean anySyncTopic = false;
        for (int i = 0; i < topics; i++)
        {
            final Durability d = topicDurability[i] == null ? durability : topicDurability[i];
            syncTopic[i] = d == Durability.SYNC;
            anyPageCache |= !syncTopic[i];
            anySyncTopic |= syncTopic[i];
        }
        this.syncAll = durability == Durability.SYNC && !anyPageCache;
        this.anySync = syncAll || anySyncTopic;
        this.syncIntervalNanos = syncIntervalNanos;
        this.checkpoints = checkpoints;
        this.checkpointIntervalNanos = checkpointIntervalNanos;
        this.coveredIndex = in.lastIndex();
        this.nextCheckpointNanos = clock.nanoTime() + checkpointIntervalNanos;
    }

    @Override
    public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        switch (slot.kind())
        {
            case EventSlot.EVENT:
                onNewEvent(slot);
                break;
            case EventSlot.HELLO:
                onHello(slot);
                break;
            default:
                slot.journaled(slot.inIndex(), clock.nanoTime()); // RECOVERED, WARMUP: already in "in"
                break;
        }
        if (endOfBatch)
        {
            endOfBatch();
        }
    }

    private void onNewEvent(final EventSlot slot)
    {
        if (slot.producerId() == ANONYMOUS)
        {
            append(slot);
            return;
        }
        final ProducerTable.Producer producer = producers.get(slot.producerId());
        if (slot.epoch() < producer.epoch())
        {
            slot.markFenced();
            fenced++;
            return;
        }
        if (slot.seq() <= producer.lastSeq())
        {
            slot.markDuplicate();
            duplicates++;
            slot.journaled(Journal.NO_INDEX, clock.nanoTime());
            return;
        }
        append(slot);
        producer.lastSeq(slot.seq());
    }

    private void append(final EventSlot slot)
    {
        final long index = in.append(slot.encoded(), 0, slot.encodedLength());
        coveredIndex = index;
        final int topic = slot.topicId();
        syncPending |= syncAll || (topic >= 0 && topic < syncTopic.length && syncTopic[topic]);
        slot.journaled(index, clock.nanoTime());
    }

    private void onHello(final EventSlot slot)
    {
        if (slot.producerId() == ANONYMOUS)
        {
            slot.lastJournaledSeq(ProducerTable.NO_SEQ);
            return;
        }
        final ProducerTable.Producer producer = producers.get(slot.producerId());
        if (slot.epoch() < producer.epoch())
        {
            slot.markFenced();
            fenced++;
            return;
        }
        if (slot.epoch() > producer.epoch())
        {
            producer.epoch(slot.epoch());
            session.wrapAndApplyHeader(sessionRecord, 0, header)
                .producerId(slot.producerId())
                .epoch(slot.epoch())
                .timeNanos(clock.nanoTime());
            coveredIndex = in.append(sessionRecord, 0, MessageHeaderEncoder.ENCODED_LENGTH + session.encodedLength());
            syncPending |= anySync;
        }
        slot.lastJournaledSeq(producer.lastSeq());
    }

    private void endOfBatch()
    {
        if (syncPending)
        {
            syncPending = false;
            if (syncIntervalNanos > 0)
            {
                final long wait = lastSyncNanos + syncIntervalNanos - clock.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(wait); // group commit: the next batch grows meanwhile
                }
            }
            in.sync();
            lastSyncNanos = clock.nanoTime();
            syncs++;
        }
        if (checkpoints != null)
        {
            final long now = clock.nanoTime();
            if (now >= nextCheckpointNanos && checkpoints.offer(producers, coveredIndex))
            {
                nextCheckpointNanos = now + checkpointIntervalNanos;
            }
        }
    }

    @Override
    public void onShutdown()
    {
        if (syncPending)
        {
            syncPending = false;
            in.sync();
        }
        if (checkpoints != null)
        {
            checkpoints.writeNow(producers, coveredIndex);
        }
    }

    /** @return the producer's highest journaled seq, -1 if none. Pipeline thread (or before start). */
    public long lastJournaledSeq(final long producerId)
    {
        final ProducerTable.Producer p = producers.find(producerId);
        return p == null ? ProducerTable.NO_SEQ : p.lastSeq();
    }

    /** @return resends dropped since start. Pipeline thread (or after it stopped). */
    public long duplicates()
    {
        return duplicates;
    }

    /** @return events and Hellos refused since start because a newer epoch fenced them. */
    public long fenced()
    {
        return fenced;
    }

    /** @return forces of "in" to disk since start. */
    public long syncs()
    {
        return syncs;
    }

    @Override
    public String name()
    {
        return "journal";
    }
}
