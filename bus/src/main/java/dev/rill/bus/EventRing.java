package dev.rill.bus;

/**
 * Where the gateway puts accepted events: a ring of pre-allocated {@link EventSlot}s with a
 * claim that never blocks.
 *
 * <p>On a single node this is the {@link Pipeline} itself. In a cluster it is the member's
 * ingress, which offers each slot to the cluster log; the pipeline is then fed from committed
 * log entries. Producers (gateway I/O threads, any number) call {@link #tryClaim()}, fill the
 * slot, then {@link #publish(long)}; -1 from a claim means full: pause input until the ring's
 * {@link CapacityListener} hears that slots were freed.
 */
public interface EventRing
{
    /** @return the claimed sequence, or -1 when the ring is full. */
    long tryClaim();

    /** @return the slot of a claimed sequence, to be filled before {@link #publish(long)}. */
    EventSlot slot(long sequence);

    /** Hands a claimed and filled slot on. Every claimed sequence must be published. */
    void publish(long sequence);

    /** @return events claimed but not yet handed on by the ring's consumer. */
    long depth();

    /** @return ring size, slot sizes, batch bound: the slot limits the gateway checks events against. */
    PipelineConfig config();
}
