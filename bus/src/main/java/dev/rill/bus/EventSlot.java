package dev.rill.bus;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated entry of the ring: an accepted event on its way through the pipeline.
 *
 * <p>The gateway fills a claimed slot on its I/O thread (the encoded Event message, stamped with
 * ingest time and connection id, plus its decoded values), then publishes it; from then on the
 * stages own it in ring order: the journal stage sets {@link #inIndex()}, the scoring stage sets
 * the score, the publish stage reads everything. Nothing here allocates after construction.
 */
public final class EventSlot
{
    /** {@code EventOptions} bit 0: the producer wants a Reply frame as well as the streamed Result. */
    public static final byte OPTION_REPLY = 1;
    /** {@code EventOptions} bit 1: the producer wants a Reply frame and no streamed Result. */
    public static final byte OPTION_REPLY_ONLY = 2;
    /** {@code ResultFlags} bit 1: the event's time was older than its topic's allowed lateness. */
    public static final byte FLAG_LATE = 1 << 1;
    /** {@code ResultFlags} bit 4: journaled in "out" but not streamed to subscribers. */
    public static final byte FLAG_REPLY_ONLY = 1 << 4;
    /** {@code ResultFlags} bit 5: the event's time is earlier than an event its connection sent before on the topic. */
    public static final byte FLAG_OUT_OF_ORDER = 1 << 5;

    /** An event to journal, score and publish. */
    public static final int EVENT = 0;
    /** A producer's Hello, passed through the ring so its Welcome follows everything before it. */
    public static final int HELLO = 1;
    /**
     * An event already in journal "in" with no Result in "out" (the process died between the
     * two), fed through the ring again at start: scored and published, not journaled or
     * acknowledged again.
     */
    public static final int RECOVERED = 2;
    /**
     * An event already in journal "in" and already published, fed through the ring at start only
     * to bring the streaming-feature state from its checkpoint up to the first unpublished event:
     * the scoring stage applies it to the state; nothing is journaled, scored, published or
     * acknowledged.
     */
    public static final int WARMUP = 3;

    /** {@link #logPosition()} of an event that did not come from a cluster log (single-node mode). */
    public static final long NO_LOG_POSITION = -1;

    private static final byte[] NO_MODEL = new byte[0];

    private int kind;
    private boolean duplicate;
    private boolean fenced;
    private int epoch;
    private long lastJournaledSeq;

    private final UnsafeBuffer encoded;
    private final double[] fields;
    private int encodedLength;
    private int fieldCount;
    private int topicId;
    private int connectionId;
    private long producerId;
    private long seq;
    private long key;
    private long eventTimeNanos;
    private long ingestTimeNanos;
    private long inIndex;
    private long journaledTimeNanos;
    private double score;
    private byte[] modelName = NO_MODEL;
    private int modelVersion;
    private long scoredTimeNanos;
    private byte flags;
    private byte options;
    private long logPosition = NO_LOG_POSITION;

    /**
     * @param maxEventBytes largest encoded Event message (header included) the slot holds.
     * @param maxFields     largest number of fields per event.
     */
    public EventSlot(final int maxEventBytes, final int maxFields)
    {
        encoded = new UnsafeBuffer(BufferUtil.allocateDirectAligned(org.agrona.BitUtil.align(maxEventBytes, 64), 64));
        fields = new double[maxFields];
    }

    /** Resets the values a stage writes; the gateway calls it when it claims the slot. */
    public void clear()
    {
        kind = EVENT;
        duplicate = false;
        fenced = false;
        epoch = 0;
        lastJournaledSeq = -1;
        encodedLength = 0;
        fieldCount = 0;
        topicId = -1;
        connectionId = 0;
        inIndex = -1;
        journaledTimeNanos = 0;
        modelName = NO_MODEL;
        score = Double.NaN;
        modelVersion = 0;
        scoredTimeNanos = 0;
        flags = 0;
        options = 0;
        logPosition = NO_LOG_POSITION;
    }

    /** @return {@link #EVENT}, {@link #HELLO}, {@link #RECOVERED} or {@link #WARMUP}. */
    public int kind()
    {
        return kind;
    }

    public EventSlot kind(final int kind)
    {
        this.kind = kind;
        return this;
    }

    /**
     * @return true when the journal stage found this producer's seq already journaled: the event
     *         is acknowledged again, not journaled, scored or published again.
     */
    public boolean duplicate()
    {
        return duplicate;
    }

    /** Marks the event as a resend of one already journaled. Journal stage only. */
    public void markDuplicate()
    {
        this.duplicate = true;
    }

    /**
     * @return true when the journal stage refused the slot because a newer session (higher
     *         epoch) of its producer said Hello first: a fenced event is neither journaled nor
     *         acknowledged, a fenced Hello is answered with an Error instead of a Welcome.
     */
    public boolean fenced()
    {
        return fenced;
    }

    /** Marks the slot as fenced by a newer epoch of its producer. Journal stage only. */
    public void markFenced()
    {
        this.fenced = true;
    }

    /** @return the session epoch of the connection the event or Hello came from. */
    public int epoch()
    {
        return epoch;
    }

    public EventSlot epoch(final int epoch)
    {
        this.epoch = epoch;
        return this;
    }

    /** @return for a {@link #HELLO}: the producer's last journaled seq, -1 if none. */
    public long lastJournaledSeq()
    {
        return lastJournaledSeq;
    }

    public void lastJournaledSeq(final long seq)
    {
        this.lastJournaledSeq = seq;
    }

    /** @return buffer holding the encoded Event message (header included) from offset 0. */
    public UnsafeBuffer encoded()
    {
        return encoded;
    }

    public int encodedLength()
    {
        return encodedLength;
    }

    public EventSlot encodedLength(final int length)
    {
        this.encodedLength = length;
        return this;
    }

    /** @return the field values; only the first {@link #fieldCount()} are valid. */
    public double[] fields()
    {
        return fields;
    }

    public int fieldCount()
    {
        return fieldCount;
    }

    public EventSlot fieldCount(final int count)
    {
        this.fieldCount = count;
        return this;
    }

    /** @return index of the event's topic in the {@link TopicRegistry}. */
    public int topicId()
    {
        return topicId;
    }

    public EventSlot topicId(final int topicId)
    {
        this.topicId = topicId;
        return this;
    }

    public int connectionId()
    {
        return connectionId;
    }

    public EventSlot connectionId(final int connectionId)
    {
        this.connectionId = connectionId;
        return this;
    }

    public long producerId()
    {
        return producerId;
    }

    public EventSlot producerId(final long producerId)
    {
        this.producerId = producerId;
        return this;
    }

    public long seq()
    {
        return seq;
    }

    public EventSlot seq(final long seq)
    {
        this.seq = seq;
        return this;
    }

    public long key()
    {
        return key;
    }

    public EventSlot key(final long key)
    {
        this.key = key;
        return this;
    }

    public long eventTimeNanos()
    {
        return eventTimeNanos;
    }

    public EventSlot eventTimeNanos(final long nanos)
    {
        this.eventTimeNanos = nanos;
        return this;
    }

    public long ingestTimeNanos()
    {
        return ingestTimeNanos;
    }

    public EventSlot ingestTimeNanos(final long nanos)
    {
        this.ingestTimeNanos = nanos;
        return this;
    }

    /** @return index of the event in journal "in", or -1 before the journal stage ran. */
    public long inIndex()
    {
        return inIndex;
    }

    public EventSlot inIndex(final long index)
    {
        this.inIndex = index;
        return this;
    }

    /** @return epoch nanoseconds when the journal stage appended the event to "in". */
    public long journaledTimeNanos()
    {
        return journaledTimeNanos;
    }

    /** Records that the event is in journal "in". */
    public void journaled(final long inIndex, final long journaledTimeNanos)
    {
        this.inIndex = inIndex;
        this.journaledTimeNanos = journaledTimeNanos;
    }

    /** @return UTF-8 name of the model that scored the event (empty before scoring); do not modify. */
    public byte[] modelName()
    {
        return modelName;
    }

    /**
     * Names the model that scored the event; the array is shared, not copied, so pass a
     * long-lived constant (the scorer's own name bytes).
     */
    public void modelName(final byte[] utf8Name)
    {
        this.modelName = utf8Name;
    }

    public double score()
    {
        return score;
    }

    public int modelVersion()
    {
        return modelVersion;
    }

    public long scoredTimeNanos()
    {
        return scoredTimeNanos;
    }

    /**
     * @return the position after this event's entry in the cluster log (the same on every member),
     *         or {@link #NO_LOG_POSITION} in single-node mode.
     */
    public long logPosition()
    {
        return logPosition;
    }

    /** Sets the event's cluster log position; the cluster service, when it applies a committed entry. */
    public EventSlot logPosition(final long position)
    {
        this.logPosition = position;
        return this;
    }

    /** @return {@link dev.rill.bus.codec.ResultFlagsEncoder} bits. */
    public byte flags()
    {
        return flags;
    }

    /**
     * Adds result flags known before scoring (the gateway's LATE, OUT_OF_ORDER, REPLY_ONLY); the
     * publish stage writes them into the Result with the scoring stage's.
     */
    public EventSlot addFlags(final byte flags)
    {
        this.flags |= flags;
        return this;
    }

    /** @return the event's {@code EventOptions} bits ({@link #OPTION_REPLY}, {@link #OPTION_REPLY_ONLY}); 0 for none. */
    public byte options()
    {
        return options;
    }

    /** Sets the event's {@code EventOptions} bits; the gateway, at claim. */
    public EventSlot options(final byte options)
    {
        this.options = options;
        return this;
    }

    /** @return true when the producer asked for a Reply frame ({@link #OPTION_REPLY} or {@link #OPTION_REPLY_ONLY}). */
    public boolean wantsReply()
    {
        return (options & (OPTION_REPLY | OPTION_REPLY_ONLY)) != 0;
    }

    /**
     * Records the scoring stage's outcome.
     *
     * @param score           the model's output (fraud probability for the fraud model).
     * @param modelVersion    version of the model that produced it.
     * @param scoredTimeNanos epoch nanoseconds when scoring finished.
     * @param flags           result flags to set (for example fallback).
     */
    public void scored(final double score, final int modelVersion, final long scoredTimeNanos, final byte flags)
    {
        this.score = score;
        this.modelVersion = modelVersion;
        this.scoredTimeNanos = scoredTimeNanos;
        this.flags |= flags;
    }
}
