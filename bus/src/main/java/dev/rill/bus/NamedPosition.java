package dev.rill.bus;

/**
 * One named subscriber's position in journal "out": the index of the last Result it has
 * processed, as it said with Commit. Everything up to and including it may be dropped by
 * retention; everything after it is kept.
 *
 * <p>Held by the subscription that registered it and committed from that subscription's event
 * loop; {@link #committed()} may be read from any thread. Committing allocates nothing.
 */
public interface NamedPosition
{
    /** Committed index meaning "nothing processed yet": every Result is still needed. */
    long NOTHING = -1;

    /** @return the subscription name. */
    String name();

    /** @return the last out index processed, or {@link #NOTHING}. Any thread. */
    long committed();

    /**
     * Moves the position forward to {@code outIndex}. The store makes it durable shortly after
     * (see the implementation for the bound).
     *
     * @return false, changing nothing, when {@code outIndex} is below the committed index:
     *         positions only move forward (committing the same index again is fine).
     */
    boolean commit(long outIndex);
}
