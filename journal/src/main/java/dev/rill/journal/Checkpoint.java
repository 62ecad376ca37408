package dev.rill.journal;

import java.nio.file.Path;

/**
 * The pipeline state as of one index of journal "in": the producer table (deduplication and
 * fencing), and the streaming-feature state (empty until features are checkpointed).
 *
 * @param inIndex          the last "in" index whose effect the state includes.
 * @param createdEpochMillis when it was taken.
 * @param producers        the producer table.
 * @param featureState     opaque bytes of the feature state; empty for none.
 * @param file             the file it was read from, or null when not read from one.
 */
public record Checkpoint(long inIndex, long createdEpochMillis, ProducerTable producers, byte[] featureState, Path file)
{
}
