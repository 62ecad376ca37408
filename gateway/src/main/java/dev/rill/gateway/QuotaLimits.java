package dev.rill.gateway;

import java.time.Duration;

/**
 * The quota of one producer: events and bytes per second, and how much of it a full bucket holds.
 * Validated by {@link QuotaConfig}, which names the key.
 *
 * @param eventsPerSecond events a producer may send per second; 0 for no limit.
 * @param bytesPerSecond  bytes of encoded events (as journaled, without the 4-byte frame length) per second; 0 for no limit.
 * @param burst           how many seconds of quota a full bucket holds: a producer idle that long may send that much at once.
 */
public record QuotaLimits(long eventsPerSecond, long bytesPerSecond, Duration burst)
{
    /** @return true when neither events nor bytes are limited. */
    public boolean unlimited()
    {
        return eventsPerSecond == 0 && bytesPerSecond == 0;
    }
}
