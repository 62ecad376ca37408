package dev.rill.gateway.client;

import dev.rill.bus.codec.ResultDecoder;

/**
 * Receives Results of a subscription, in journal order, on the client's I/O thread.
 */
@FunctionalInterface
public interface ResultHandler
{
    /**
     * @param result a flyweight valid only during the call; read var-data fields (topic, then
     *               modelName) in that order.
     */
    void onResult(ResultDecoder result);
}
