package dev.rill.bus;

/**
 * What the gateway does with new events while the data directory's free space is below its
 * reserve ({@code journal.onDiskFull} in rill.yaml).
 *
 * <p>Either way nothing already accepted is harmed: events already in the ring are journaled
 * into the reserve, scored, published and acknowledged as usual.
 */
public enum DiskFullAction
{
    /**
     * Refuse each new event at once with a Nack {@link ErrorCode#DISK_FULL}. Producers learn
     * immediately and may resend later (with a new seq); the default.
     */
    REFUSE,
    /**
     * Stop reading producing connections, as when the ring is full: frames wait in socket
     * buffers, producers' sends block on their in-flight window, and reading resumes by itself
     * when space frees. Nothing is refused, but producers wait without being told why.
     */
    PAUSE
}
