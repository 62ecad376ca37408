package dev.rill.gateway.client;

import dev.rill.bus.codec.ResultDecoder;

/**
 * Receives Results of a subscription, in journal order, on the client's I/O thread.
 *
 * <p><b>Corrections.</b> After an incident an operator may replay a window of events with another
 * model and publish the Results whose decision changed ({@code rill replay publish}). Each arrives
 * as one more Result, later in the stream, with the flags {@code CORRECTION} and {@code REPLAYED}
 * set ({@code result.flags().cORRECTION()}), the corrected event's inIndex, producerId, seq and key,
 * the new score and the model that computed it, and {@code result.correctsOutIndex()}: the outIndex
 * of the Result it replaces. Every other Result has {@code correctsOutIndex() == -1} (also when sent
 * by a server older than schema version 3). {@link #isCorrection} and {@link #correctedOutIndex} say
 * the same without the flag arithmetic. A subscriber that acted on the first decision should act
 * again on the correction's; one that only keeps the latest score per event can simply overwrite it.
 */
@FunctionalInterface
public interface ResultHandler
{
    /**
     * @param result a flyweight valid only during the call; read var-data fields (topic, then
     *               modelName) in that order.
     */
    void onResult(ResultDecoder result);

    /** @return true when the Result corrects an earlier one ({@link #correctedOutIndex} names it). */
    static boolean isCorrection(final ResultDecoder result)
    {
        return result.flags().cORRECTION();
    }

    /** @return the outIndex of the Result this one corrects, or -1 when it is not a correction. */
    static long correctedOutIndex(final ResultDecoder result)
    {
        return result.flags().cORRECTION() ? result.correctsOutIndex() : -1;
    }
}
