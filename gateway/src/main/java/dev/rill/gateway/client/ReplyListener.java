package dev.rill.gateway.client;

import dev.rill.bus.codec.ReplyDecoder;

/**
 * Hears the Reply of each event sent with {@link RillProducer#REPLY} or {@link RillProducer#REPLY_ONLY}:
 * the event's score, model and flags, straight from the server's pipeline.
 *
 * <p>Called on the client's I/O thread, in seq order, always before the {@link AckListener#onAck}
 * of the same seq (the server sends a Reply before, or in the same write as, the Ack that covers
 * it). Keep it short and never block in it.
 */
@FunctionalInterface
public interface ReplyListener
{
    /**
     * @param reply a flyweight over the received frame, valid only during this call: read
     *              {@code seq()}, {@code score()}, {@code modelVersion()}, {@code flags()} (LATE,
     *              OUT_OF_ORDER, FALLBACK, REPLY_ONLY), {@code outIndex()}, {@code inIndex()},
     *              {@code scoredTimeNanos()} without allocating; {@code modelName()} allocates a String.
     */
    void onReply(ReplyDecoder reply);
}
