package dev.rill.bus;

/**
 * Told that ring slots were freed, so that producers paused on a full ring can resume.
 *
 * <p>Called by the pipeline's last consumer thread at the end of every batch, after the slots
 * of that batch became claimable again. Implementations must not block.
 */
@FunctionalInterface
public interface CapacityListener
{
    CapacityListener NONE = () -> {};

    void onCapacityFreed();
}
