package dev.rill.journal;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.Pipeline;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.EventOptionsDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;

/**
 * Recovery at start, in two steps.
 *
 * <ol>
 * <li>{@link #recover}: from the newest intact checkpoint (the caller loads it: a damaged newer one
 *     is reported and the previous used), read "in" after its index to bring the producer table up to date, and
 *     find the last event that has a Result: the "in" index in the last Result of "out" that is not a
 *     correction ({@link LastResultInIndex}). The pipeline appends Results in "in" order, so every
 *     event of "in" after it, and only those, lack one; corrections ({@code rill replay publish})
 *     point back at events published long before and are passed over.</li>
 * <li>{@link #resubmit}: once the pipeline runs, feed those events through it again as
 *     {@link EventSlot#RECOVERED} slots (scored and published, not journaled or acknowledged
 *     again), before the gateway accepts anything new.</li>
 * </ol>
 *
 * Outcome: every event in "in" (and so every acknowledged event) has exactly one Result in "out",
 * however often and wherever the process died.
 */
public final class JournalRecovery
{
    private JournalRecovery()
    {
    }

    /**
     * What recovery found.
     *
     * @param producers            the producer table as of the end of "in".
     * @param checkpoint           the checkpoint it started from, or null.
     * @param scannedRecords       records of "in" read after the checkpoint.
     * @param lastInIndex          the last index of "in", {@link Journal#NO_INDEX} when empty.
     * @param lastPublishedInIndex the "in" index of the last Result in "out" that is not a correction,
     *                             {@link Journal#NO_INDEX} if none.
     * @param nanos                time taken.
     */
    public record Recovered(
        ProducerTable producers, Checkpoint checkpoint, long scannedRecords, long lastInIndex, long lastPublishedInIndex,
        long nanos)
    {
        /** @return true when "in" holds events without a Result. */
        public boolean hasUnpublished()
        {
            return lastInIndex != Journal.NO_INDEX && lastInIndex > lastPublishedInIndex;
        }
    }

    /**
     * Rebuilds the pipeline state from the newest checkpoint and the journals.
     *
     * @param newest   the newest intact checkpoint ({@link CheckpointStore#loadNewestValid}), or null.
     * @param warnings receives one line per inconsistency found.
     */
    public static Recovered recover(final Journal in, final Journal out, final Checkpoint newest, final Consumer<String> warnings)
    {
        final long start = System.nanoTime();
        Checkpoint checkpoint = newest;
        final long inLast = in.lastIndex();
        if (checkpoint != null && !covers(in, checkpoint.inIndex()))
        {
            warnings.accept("checkpoint " + checkpoint.file() + " is at in index " + checkpoint.inIndex() +
                ", which journal \"in\" does not hold (first " + in.firstIndex() + ", last " + inLast +
                "); ignoring it and rebuilding from all of \"in\"");
            checkpoint = null;
        }
        final JournalScan.Result scan = checkpoint == null ?
            JournalScan.scan(in, null, Journal.NO_INDEX) :
            JournalScan.scan(in, checkpoint.producers(), checkpoint.inIndex());
        final long lastPublished = lastPublishedInIndex(out);
        if (lastPublished != Journal.NO_INDEX && inLast != Journal.NO_INDEX && lastPublished > inLast)
        {
            throw new JournalException("journal \"out\" has a Result for in index " + lastPublished + " but journal \"in\" ends at " +
                inLast + ": the two journals do not belong together; check dataDir, or restore both from the same backup");
        }
        return new Recovered(scan.producers(), checkpoint, scan.records(), inLast, lastPublished, System.nanoTime() - start);
    }

    /**
     * Feeds every event of "in" after {@code lastPublishedInIndex} into the running pipeline as a
     * {@link EventSlot#RECOVERED} slot, in order. Waits for ring space; returns when all are in
     * the ring (the pipeline publishes them before anything the gateway accepts afterwards).
     *
     * @return events resubmitted.
     * @throws JournalException when an event names a topic that is no longer configured.
     */
    public static long resubmit(final Journal in, final long lastPublishedInIndex, final Pipeline pipeline, final TopicRegistry topics)
    {
        return resubmit(in, lastPublishedInIndex, lastPublishedInIndex, pipeline, topics);
    }

    /**
     * Like {@link #resubmit(Journal, long, Pipeline, TopicRegistry)}, first feeding the published
     * events after {@code warmupAfterIndex} up to {@code lastPublishedInIndex} as
     * {@link EventSlot#WARMUP} slots, which only bring the streaming-feature state (restored from a
     * checkpoint as of {@code warmupAfterIndex}) up to the first unpublished event.
     *
     * @param warmupAfterIndex the index the feature state was restored as of ({@link Journal#NO_INDEX}
     *                         for an empty state: from the first event of "in"); at most
     *                         {@code lastPublishedInIndex}.
     * @return events resubmitted as RECOVERED (the warm-up events are not counted).
     */
    public static long resubmit(
        final Journal in, final long warmupAfterIndex, final long lastPublishedInIndex, final Pipeline pipeline,
        final TopicRegistry topics)
    {
        if (warmupAfterIndex != Journal.NO_INDEX && warmupAfterIndex > lastPublishedInIndex)
        {
            throw new IllegalArgumentException("feature state at in index " + warmupAfterIndex +
                " is ahead of the last published event " + lastPublishedInIndex);
        }
        final long firstIndex = warmupAfterIndex;
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EventDecoder event = new EventDecoder();
        final long[] count = {0};
        try (JournalReader reader = in.newReader())
        {
            if (firstIndex == Journal.NO_INDEX)
            {
                reader.toStart();
            }
            else if (!reader.moveToAtOrAfter(firstIndex + 1))
            {
                return 0;
            }
            final JournalReader.RecordHandler handler = (index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() != EventDecoder.TEMPLATE_ID || header.schemaId() != EventDecoder.SCHEMA_ID)
                {
                    return; // a ProducerSession record: nothing to publish
                }
                event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                final boolean warmup = lastPublishedInIndex != Journal.NO_INDEX && index <= lastPublishedInIndex;
                if (warmup && topicIdOrMissing(event, topics) < 0)
                {
                    return; // published long ago under a topic since removed: no feature state to rebuild for it
                }
                final int topicId = topicOf(event, topics, index);
                long sequence;
                while ((sequence = pipeline.tryClaim()) < 0)
                {
                    LockSupport.parkNanos(50_000);
                }
                final EventSlot slot = pipeline.slot(sequence);
                try
                {
                    slot.clear();
                    fill(slot, event, topicId, index);
                    if (warmup)
                    {
                        slot.kind(EventSlot.WARMUP);
                    }
                }
                finally
                {
                    pipeline.publish(sequence);
                }
                if (!warmup)
                {
                    count[0]++;
                }
            };
            while (reader.poll(handler, 1024) > 0)
            {
                // to the end of "in"
            }
        }
        return count[0];
    }

    private static int topicIdOrMissing(final EventDecoder event, final TopicRegistry topics)
    {
        event.fields().forEach(f -> { });
        final String topic = event.topic();
        event.sbeRewind();
        return topics.find(topic);
    }

    private static int topicOf(final EventDecoder event, final TopicRegistry topics, final long index)
    {
        event.fields().forEach(f -> { }); // the topic follows the fields group
        final String topic = event.topic();
        event.sbeRewind();
        final int topicId = topics.find(topic);
        if (topicId < 0)
        {
            throw new JournalException("journal \"in\" index " + index + " holds an unpublished event of topic '" + topic +
                "', which is no longer configured; add the topic back to the configuration and start again");
        }
        return topicId;
    }

    private static void fill(final EventSlot slot, final EventDecoder event, final int topicId, final long index)
    {
        slot.kind(EventSlot.RECOVERED)
            .producerId(event.producerId())
            .seq(event.seq())
            .key(event.key())
            .eventTimeNanos(event.eventTimeNanos())
            .ingestTimeNanos(event.ingestTimeNanos())
            .connectionId(0) // its connection belonged to the process that died: nobody to acknowledge
            .inIndex(index);
        final EventOptionsDecoder options = event.options();
        if (options != null && options.rEPLY_ONLY())
        {
            slot.addFlags(EventSlot.FLAG_REPLY_ONLY); // its Reply is lost with the connection; its Result stays off the stream
        }
        int n = 0;
        final double[] values = slot.fields();
        for (final EventDecoder.FieldsDecoder f : event.fields())
        {
            if (n < values.length)
            {
                values[n++] = f.value();
            }
        }
        slot.fieldCount(n).topicId(topicId);
    }

    private static boolean covers(final Journal in, final long index)
    {
        final long first = in.firstIndex();
        final long last = in.lastIndex();
        return first != Journal.NO_INDEX && index >= first && index <= last;
    }

    private static long lastPublishedInIndex(final Journal out)
    {
        return new LastResultInIndex(out).getAsLong(); // corrections are not in "in" order: passed over
    }
}
