package dev.rill.bus;

/**
 * Receives cumulative acknowledgements from the pipeline, once per connection per batch.
 *
 * <p>Called by the publishing stage's thread only; implementations hand the ack to the
 * connection's I/O thread without blocking.
 */
@FunctionalInterface
public interface AckSink
{
    /** Nothing to acknowledge to: events from in-process producers. */
    AckSink NONE = (connectionId, seq) -> { };

    /**
     * @param connectionId connection that produced the events.
     * @param seq          highest seq of that connection now journaled and published.
     */
    void acknowledge(int connectionId, long seq);

    /**
     * An event that asked for a Reply ({@link EventSlot#wantsReply()}) reached the end of the
     * pipeline. Called before the {@link #acknowledge} that covers it, on the same thread; the
     * implementation copies what it needs from the slot at once (the slot is reused after this
     * call) and must not lose it: the gateway reserved room for it when it accepted the event.
     *
     * @param slot     the event, scored; its flags are the Result's.
     * @param outIndex index of its Result in journal "out", or {@link Journal#NO_INDEX} when the
     *                 event was a resend already journaled (no Result was written again, so no Reply
     *                 is sent; the implementation only releases what it reserved).
     */
    default void reply(final EventSlot slot, final long outIndex)
    {
    }

    /**
     * A producer's Hello went through the ring: every event journaled before it is counted.
     *
     * @param connectionId     connection that said Hello.
     * @param lastJournaledSeq the producer's highest journaled seq, -1 if none: it resumes after it.
     */
    default void welcome(final int connectionId, final long lastJournaledSeq)
    {
    }

    /**
     * A producer's Hello was refused in ring order (its epoch is below one already seen): the
     * connection gets an Error with the code and is closed.
     *
     * @param connectionId connection that said Hello.
     * @param code         why, for example {@link ErrorCode#PRODUCER_FENCED}.
     * @param message      what was wrong and what to do.
     */
    default void refuse(final int connectionId, final ErrorCode code, final String message)
    {
    }
}
