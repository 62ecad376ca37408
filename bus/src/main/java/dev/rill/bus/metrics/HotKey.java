package dev.rill.bus.metrics;

/**
 * One heavy key of a topic in one window of {@link HotKeys}, as estimated by its Space-Saving
 * counter. Immutable.
 *
 * @param topicId       index of the topic in the configuration's topic list.
 * @param topic         the topic's name.
 * @param key           the event key (the card, the account: whatever the producer puts in Event.key).
 * @param count         estimated events of this key in the window: at least its true count.
 * @param error         how far {@code count} may exceed the true count: the key had at least {@code count - error} events.
 * @param ratePerSecond {@code count} divided by the window's length in seconds.
 * @param share         {@code count} divided by the window's events.
 */
public record HotKey(int topicId, String topic, long key, long count, long error, double ratePerSecond, double share)
{
    /** @return the events this key certainly had in the window: {@code count - error}. */
    public long guaranteedCount()
    {
        return count - error;
    }
}
