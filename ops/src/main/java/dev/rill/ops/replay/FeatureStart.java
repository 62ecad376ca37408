package dev.rill.ops.replay;

import java.util.function.Consumer;

import dev.rill.bus.Journal;
import dev.rill.journal.Checkpoint;
import dev.rill.journal.CheckpointStore;
import dev.rill.ml.features.FeatureState;

/**
 * Where a replay's streaming-feature state comes from, chosen as the server's recovery chooses it:
 * the newest intact checkpoint whose feature state is as of an event before the range, restored;
 * the events of "in" after it and before the range then warm the state up without being scored.
 * Without such a checkpoint (or when the configuration no longer fits it) the state is built from
 * the first event of "in". Without streaming features there is nothing to warm up.
 *
 * <p>Immutable; any thread.
 *
 * @param warmUp      false when no topic has streaming features: reading starts at the range.
 * @param afterIndex  the "in" index the state is as of; the warm-up reads from the record after it
 *                    ({@link Journal#NO_INDEX}: from the first record of "in").
 * @param description for the operator: which checkpoint, or why none.
 */
record FeatureStart(boolean warmUp, long afterIndex, String description)
{
    /**
     * Restores {@code features} from the chosen checkpoint (or clears it).
     *
     * @param fromIndex the first record of the range: the state must not include it.
     * @param warnings  receives a line for a checkpoint whose state does not fit the configuration.
     */
    static FeatureStart choose(
        final FeatureState features, final CheckpointStore store, final long fromIndex, final Consumer<String> warnings)
    {
        if (!features.any())
        {
            return new FeatureStart(false, Journal.NO_INDEX, "no streaming features configured");
        }
        for (final Checkpoint c : store.loadAllValid())
        {
            if (c.hasFeatureState() && c.featureInIndex() < fromIndex)
            {
                try
                {
                    features.restore(c.featureState());
                    return new FeatureStart(true, c.featureInIndex(), "streaming features restored from checkpoint " +
                        c.file().getFileName() + " as of in index " + c.featureInIndex());
                }
                catch (final IllegalArgumentException e)
                {
                    warnings.accept("the streaming-feature state in " + c.file() + " does not fit the configuration (" +
                        e.getMessage() + "); rebuilding it from the first event of journal in");
                    break;
                }
            }
        }
        features.clear();
        return new FeatureStart(true, Journal.NO_INDEX,
            "streaming features rebuilt from the first event of in (no checkpoint holds a state from before the range)");
    }
}
