package dev.rill.ml.features;

/**
 * Where the scoring stage hands its streaming-feature snapshots for checkpoints (the server wires
 * it to the checkpoint writer).
 */
@FunctionalInterface
public interface FeatureStateSink
{
    /**
     * @param inIndex the last "in" index whose effect the state includes; every event up to it is published.
     * @param state   the snapshot, {@link FeatureState#snapshot()}; not changed afterwards.
     */
    void offer(long inIndex, byte[] state);
}
