package dev.rill.gateway.client;

import dev.rill.bus.ErrorCode;

/**
 * Learns the fate of each sent event. Called on the client's I/O thread, in seq order for acks;
 * keep it short and never block in it.
 */
public interface AckListener
{
    /** The event is journaled by the server: it will not be lost. */
    void onAck(long seq);

    /**
     * The server refused the event; it was not journaled and will not be scored.
     *
     * @param seq -1 when the server could not read the event's seq.
     */
    void onNack(long seq, ErrorCode code, String message);

    /**
     * The server closed the connection with an Error. A producer that reconnects by itself
     * ({@link ClientConfig#reconnect()}) goes on; otherwise events not acknowledged must be resent.
     */
    default void onError(final ErrorCode code, final String message)
    {
    }

    /**
     * The producer reconnected after the connection dropped: the server had journaled up to
     * {@code lastJournaledSeq} (those not yet acknowledged were acknowledged just before this
     * call); the {@code resent} events after it were sent again.
     */
    default void onReconnected(final int attempts, final long lastJournaledSeq, final int resent)
    {
    }
}
