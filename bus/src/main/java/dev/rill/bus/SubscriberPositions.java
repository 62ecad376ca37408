package dev.rill.bus;

/**
 * The named subscribers' positions in journal "out", kept across restarts: the gateway registers
 * a name when a subscription with that name starts and commits through the returned
 * {@link NamedPosition}; retention reads {@link #lowestCommitted()} so that it never deletes a
 * Result some named subscriber has not processed.
 *
 * <p>Any thread may call every method; none is on the event hot path.
 */
public interface SubscriberPositions
{
    /** What {@link #lowestCommitted()} returns when there are no names: nothing is held back. */
    long NO_NAMES = Long.MAX_VALUE;

    /**
     * @param name             the subscription name.
     * @param initialCommitted the committed index of a new name: {@link NamedPosition#NOTHING} to
     *                         hold every Result, or the index just before where it starts.
     * @return the name's position: the existing one unchanged, or a new one at {@code initialCommitted}.
     */
    NamedPosition register(String name, long initialCommitted);

    /** @return the name's position, or null when the name was never registered. */
    NamedPosition find(String name);

    /** @return the lowest committed index of every name, or {@link #NO_NAMES} when there are none. */
    long lowestCommitted();
}
