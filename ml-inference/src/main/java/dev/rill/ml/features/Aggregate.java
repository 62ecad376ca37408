package dev.rill.ml.features;

/**
 * What a sliding window computes over one key's events.
 *
 * <p>Constants only; any thread.
 */
public enum Aggregate
{
    /** Number of events in the window, the current event included. */
    COUNT,
    /** Sum of one topic field over the events in the window; a NaN value adds nothing. */
    SUM,
    /** Events in the window divided by the window's length in seconds: events per second. */
    RATE
}
