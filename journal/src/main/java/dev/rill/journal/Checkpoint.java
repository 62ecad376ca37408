package dev.rill.journal;

import java.nio.file.Path;

import dev.rill.bus.Journal;

/**
 * The pipeline state as of journal "in": the producer table (deduplication and fencing) as of
 * {@code inIndex}, and the streaming-feature state as of {@code featureInIndex}.
 *
 * <p>The two parts have their own indexes because different stages own them: the journal stage
 * hands over its table at the end of a batch, the scoring stage its feature state at a batch
 * boundary once that state's events are published. Recovery rebuilds each part from its own index.
 *
 * @param inIndex            the last "in" index whose effect the producer table includes.
 * @param createdEpochMillis when it was taken.
 * @param producers          the producer table.
 * @param featureInIndex     the last "in" index whose effect the feature state includes;
 *                           {@link Journal#NO_INDEX} when there is no feature state.
 * @param featureState       opaque bytes of the feature state (the scoring side's format); empty for none.
 * @param file               the file it was read from, or null when not read from one.
 */
public record Checkpoint(
    long inIndex, long createdEpochMillis, ProducerTable producers, long featureInIndex, byte[] featureState, Path file)
{
    /** @return true when it carries a feature state. */
    public boolean hasFeatureState()
    {
        return featureInIndex != Journal.NO_INDEX && featureState.length > 0;
    }
}
