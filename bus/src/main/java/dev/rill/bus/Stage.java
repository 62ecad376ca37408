package dev.rill.bus;

/**
 * One step of the pipeline, called once per event in sequence order.
 *
 * <p>A stage is a plain object: whether it runs on its own thread or fused with others on one
 * consumer thread is decided by {@link Pipeline}'s configuration, not by the stage. A stage is
 * only ever called by one thread at a time and owns whatever state it keeps.
 */
public interface Stage
{
    /**
     * @param slot       the event, owned by this stage for the duration of the call.
     * @param sequence   ring sequence of the slot.
     * @param endOfBatch true when no further event is available now: do batched work (flush, score).
     * @throws Exception a failure that must stop the pipeline (for example a journal that cannot append).
     */
    void onEvent(EventSlot slot, long sequence, boolean endOfBatch) throws Exception;

    /** Called on the stage's thread before the first event: acquire thread-bound resources here. */
    default void onStart()
    {
    }

    /** Called on the stage's thread after the last event. */
    default void onShutdown()
    {
    }

    /** @return a short name for logs and metrics. */
    String name();
}
