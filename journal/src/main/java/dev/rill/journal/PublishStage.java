package dev.rill.journal;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import java.util.Objects;

import dev.rill.bus.AckSink;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.ResultListener;
import dev.rill.bus.Stage;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultEncoder;
import dev.rill.bus.metrics.HotKeys;
import dev.rill.bus.metrics.PipelineLatencies;
import org.agrona.BufferUtil;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Last stage: encodes each event's Result, appends it to journal "out", records its latencies,
 * and at the end of each batch acknowledges every producing connection once (cumulatively, up to
 * its highest seq in the batch) and wakes subscribers. A resend the journal stage marked duplicate
 * is acknowledged again without a second Result; an event that asked for a Reply is handed to
 * {@link AckSink#reply} right after its Result is appended, before the batch's acknowledgements (so
 * a Reply always precedes or travels with the Ack that covers it); a producer's Hello is answered (Welcome) here,
 * after every event before it in the ring, or refused when a newer epoch fenced it. A fenced event
 * gets nothing; a recovered event (journaled before a crash, see {@link JournalRecovery}) gets its
 * Result and no acknowledgement, since its connection is gone.
 *
 * <p>Runs after the journal stage (so every acknowledged event is in "in") and the scoring stage.
 * Owns the "out" appender and the acknowledgement table: one pipeline thread only. Allocates
 * nothing per event.
 */
public final class PublishStage implements Stage
{
    private static final int NO_CONNECTION = 0;

    private final Journal out;
    private final TopicRegistry topics;
    private final EpochNanoClock clock;
    private final AckSink ackSink;
    private final ResultListener resultListener;
    private final PipelineLatencies latencies;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ResultEncoder result = new ResultEncoder();
    private final Long2LongHashMap highestSeqByConnection = new Long2LongHashMap(Long.MIN_VALUE);
    private final int[] touchedConnections;
    private int touchedCount;
    private long lastOutIndex = Journal.NO_INDEX;
    private boolean resultsInBatch;
    private HotKeys hotKeys;
    private static final java.lang.invoke.VarHandle PUBLISHED;

    static
    {
        try
        {
            PUBLISHED = java.lang.invoke.MethodHandles.lookup().findVarHandle(PublishStage.class, "published", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long published;

    /**
     * @param latencies where each event's latencies are recorded; null records none (the baseline of
     *                  a benchmark that measures what recording and reading them costs).
     * @param maxBatch  most events per batch (bounds the connections touched per batch).
     */
    public PublishStage(
        final Journal out,
        final TopicRegistry topics,
        final EpochNanoClock clock,
        final AckSink ackSink,
        final ResultListener resultListener,
        final PipelineLatencies latencies,
        final int maxBatch)
    {
        this.out = Objects.requireNonNull(out, "out");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ackSink = Objects.requireNonNull(ackSink, "ackSink");
        this.resultListener = Objects.requireNonNull(resultListener, "resultListener");
        this.latencies = latencies;
        this.touchedConnections = new int[maxBatch];
    }

    @Override
    public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (slot.kind() == EventSlot.HELLO)
        {
            if (slot.fenced())
            {
                ackSink.refuse(slot.connectionId(), ErrorCode.PRODUCER_FENCED, "producer " + slot.producerId() + " epoch " +
                    slot.epoch() + " is fenced: a session with a higher epoch has connected; " +
                    "stop this instance, or restart it with a higher epoch");
            }
            else
            {
                ackSink.welcome(slot.connectionId(), slot.lastJournaledSeq());
            }
        }
        else if (slot.kind() == EventSlot.WARMUP)
        {
            // replayed at start for the feature state only: its Result is already in "out"
        }
        else if (slot.fenced())
        {
            // neither journaled nor acknowledged: its connection is being closed with PRODUCER_FENCED
        }
        else if (slot.duplicate())
        {
            if (slot.wantsReply())
            {
                ackSink.reply(slot, Journal.NO_INDEX); // no second Result, so no Reply: releases the gateway's reservation
            }
            noteAck(slot.connectionId(), slot.seq()); // a resend: its Result is already in "out"
        }
        else
        {
            final long publishTime = clock.nanoTime();
            final int length = encodeResult(slot, publishTime);
            lastOutIndex = out.append(scratch, 0, length);
            if (slot.kind() == EventSlot.EVENT)
            {
                if (latencies != null)
                {
                    latencies.record(slot.ingestTimeNanos(), slot.journaledTimeNanos(), slot.scoredTimeNanos(), publishTime,
                        slot.eventTimeNanos());
                }
                if (hotKeys != null)
                {
                    hotKeys.record(slot.topicId(), slot.key(), slot.producerId(), publishTime);
                }
                if (slot.wantsReply())
                {
                    ackSink.reply(slot, lastOutIndex); // queued before the Ack of this batch, so sent before it
                }
                noteAck(slot.connectionId(), slot.seq());
            }
            // else RECOVERED: journaled before a crash, published now; its latency is the outage's, not the
            // path's, and its connection is gone
            PUBLISHED.setRelease(this, published + 1); // a cheap store; readers on other threads acquire
            resultsInBatch = true;
        }
        if (endOfBatch)
        {
            flushAcks();
            if (resultsInBatch)
            {
                resultsInBatch = false;
                resultListener.onResultsPublished(lastOutIndex);
            }
        }
    }

    /**
     * Counts every newly journaled event (not resends, fenced or recovered ones) in {@code hotKeys},
     * which must use this stage's clock. Call before the pipeline starts; this thread is its writer.
     */
    public PublishStage hotKeys(final HotKeys hotKeys)
    {
        this.hotKeys = Objects.requireNonNull(hotKeys, "hotKeys");
        return this;
    }

    /** @return results published since start; any thread may read it. */
    public long published()
    {
        return (long)PUBLISHED.getAcquire(this);
    }

    @Override
    public String name()
    {
        return "publish";
    }

    private int encodeResult(final EventSlot slot, final long publishTime)
    {
        result.wrapAndApplyHeader(scratch, 0, header)
            .outIndex(Journal.NO_INDEX)
            .inIndex(slot.inIndex())
            .producerId(slot.producerId())
            .seq(slot.seq())
            .key(slot.key())
            .eventTimeNanos(slot.eventTimeNanos())
            .ingestTimeNanos(slot.ingestTimeNanos())
            .scoredTimeNanos(slot.scoredTimeNanos())
            .publishTimeNanos(publishTime)
            .modelVersion(slot.modelVersion())
            .score(slot.score())
            .correctsOutIndex(Journal.NO_INDEX); // a correction comes only from `rill replay publish`
        result.flags().clear();
        scratch.putByte(result.offset() + ResultEncoder.flagsEncodingOffset(), slot.flags());
        final byte[] topic = topics.nameBytes(slot.topicId());
        result.putTopic(topic, 0, topic.length);
        final byte[] model = slot.modelName();
        result.putModelName(model, 0, model.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength();
    }

    private void noteAck(final int connectionId, final long seq)
    {
        if (connectionId == NO_CONNECTION)
        {
            return;
        }
        final long previous = highestSeqByConnection.put(connectionId, seq);
        if (previous == Long.MIN_VALUE)
        {
            touchedConnections[touchedCount++] = connectionId;
        }
        else if (previous > seq)
        {
            highestSeqByConnection.put(connectionId, previous);
        }
    }

    private void flushAcks()
    {
        for (int i = 0; i < touchedCount; i++)
        {
            final int connectionId = touchedConnections[i];
            ackSink.acknowledge(connectionId, highestSeqByConnection.get(connectionId));
        }
        highestSeqByConnection.clear();
        touchedCount = 0;
    }
}
