package dev.rill.bus.metrics;

/**
 * One heavy producer in one window of {@link HotKeys}, as estimated by its Space-Saving counter.
 * Immutable.
 *
 * @param producerId    the producer id of its Hello (0: anonymous producers, together).
 * @param count         estimated events of this producer in the window: at least its true count.
 * @param error         how far {@code count} may exceed the true count.
 * @param ratePerSecond {@code count} divided by the window's length in seconds.
 * @param share         {@code count} divided by the window's events.
 */
public record HotProducer(long producerId, long count, long error, double ratePerSecond, double share)
{
    /** @return the events this producer certainly had in the window: {@code count - error}. */
    public long guaranteedCount()
    {
        return count - error;
    }
}
