/**
 * {@code rill replay}: re-scoring a window of journal "in" after an incident, exactly as the live
 * path scored it or with another model version ({@link dev.rill.ops.replay.Replayer}), comparing the
 * replayed Results with the original ones in "out" ({@link dev.rill.ops.replay.ReplayDiff}), and
 * appending the changed decisions to "out" as corrections that subscribers receive
 * ({@link dev.rill.ops.replay.CorrectionPublisher}). Every class runs in the operator's process, on
 * its one thread, against the journal files of a data directory, beside a running server.
 */
package dev.rill.ops.replay;
