package dev.rill.bus;

/**
 * Told when the data directory's free space crosses its reserve, in either direction.
 *
 * <p>Called by the disk-space monitor's thread, once per transition (never per check), so an
 * implementation may take a few microseconds, but it must not block.
 */
@FunctionalInterface
public interface DiskSpaceListener
{
    /** Nobody to tell. */
    DiskSpaceListener NONE = (belowReserve, usableBytes, reserveBytes) -> {};

    /**
     * @param belowReserve true when usable space fell below the reserve, false when it is back
     *                     at or above it.
     * @param usableBytes  usable bytes of the data directory's file store at the check.
     * @param reserveBytes the configured reserve ({@code journal.diskReserve}).
     */
    void onDiskSpaceChanged(boolean belowReserve, long usableBytes, long reserveBytes);
}
