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

    /** The server closed the connection with an Error. Events not acknowledged must be resent. */
    default void onError(final ErrorCode code, final String message)
    {
    }
}
