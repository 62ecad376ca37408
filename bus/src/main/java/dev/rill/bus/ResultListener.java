package dev.rill.bus;

/**
 * Told by the publishing stage, once per batch, that journal "out" has grown.
 *
 * <p>Called by the publishing stage's thread only; implementations wake subscribers without
 * blocking.
 */
@FunctionalInterface
public interface ResultListener
{
    /** Nobody to tell. */
    ResultListener NONE = lastOutIndex -> {};

    /** @param lastOutIndex index in journal "out" of the last Result of the batch. */
    void onResultsPublished(long lastOutIndex);
}
