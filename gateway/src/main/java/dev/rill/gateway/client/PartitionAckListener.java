package dev.rill.gateway.client;

import dev.rill.bus.ErrorCode;

/**
 * Learns the fate of each event a {@link PartitionedProducer} sent, by partition and seq.
 *
 * <p>Called on the I/O thread of the partition's connection (one thread per partition, so calls
 * for different partitions may run at once) or, for {@link #onRerouted} and for refusals the
 * producer gives up on, on its reroute thread. Keep it short, thread-safe and never block in it.
 * Acks of one partition arrive in seq order.
 */
public interface PartitionAckListener
{
    /** Event {@code seq} of {@code partition} is journaled by the partition's owner: it will not be lost. */
    void onAck(int partition, long seq);

    /**
     * The server refused the event for good; it was not journaled. Also used, with
     * {@link ErrorCode#WRONG_PARTITION}, when no owner of the partition could be found within the
     * producer's move timeout: the event is then the caller's to send again.
     */
    void onNack(int partition, long seq, ErrorCode code, String message);

    /**
     * Event {@code refusedSeq} was refused with {@code WRONG_PARTITION} by the partition's old owner
     * and sent again, as {@code seq}, to the owner of partition map {@code mapVersion}; its Ack (or
     * Nack) comes under {@code seq}, possibly (on another thread) before this call.
     */
    default void onRerouted(final int partition, final long refusedSeq, final long seq, final long mapVersion)
    {
    }

    /** The partition's connection closed with an Error; the producer reconnects by itself unless the code is fatal for it. */
    default void onError(final int partition, final ErrorCode code, final String message)
    {
    }
}
