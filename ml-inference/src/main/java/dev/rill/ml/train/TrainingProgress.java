package dev.rill.ml.train;

/**
 * Hears how far a training run has got, for a progress line with an ETA.
 *
 * <p>Called on the training thread. {@link #progress} may be called very often: implementations
 * throttle what they print.
 */
public interface TrainingProgress
{
    /** Hears nothing. */
    TrainingProgress NONE = new TrainingProgress()
    {
        @Override
        public void progress(final String phase, final long done, final long total, final String detail)
        {
        }

        @Override
        public void finished(final String phase, final String summary)
        {
        }
    };

    /**
     * Work in a phase advanced.
     *
     * @param phase  what is being done: "reading", "training", "scoring", "verifying".
     * @param done   units done so far in this phase.
     * @param total  units in the phase; 0 or less when not known.
     * @param detail a few words on the last unit (an epoch's loss), or null.
     */
    void progress(String phase, long done, long total, String detail);

    /**
     * A phase ended.
     *
     * @param phase   the phase.
     * @param summary one line on what it produced.
     */
    void finished(String phase, String summary);
}
