package dev.rill.bus.metrics;

import java.time.Duration;

import dev.rill.bus.ConfigException;

/**
 * Configuration of the hot-key and hot-producer report ({@code hotspots:} in rill.yaml), read by
 * {@link HotKeys}.
 *
 * @param enabled            whether the publish stage feeds the sketches at all.
 * @param window             length of the tumbling windows counts and rates are reported over (1 s to 1 h, whole ms).
 * @param topN               keys and producers each snapshot lists, heaviest first (1 to {@code counters}).
 * @param counters           Space-Saving counters per sketch (keys, producers): memory and accuracy; an estimate
 *                           is off by at most {@code 1/counters} of the window's events.
 * @param keyShareAlert      share of a window's events (0 to 1, exclusive of 0) above which a key is hot, for
 *                           {@link HotKeys#keysAboveShare()}; {@code counters} must be at least {@code 2/keyShareAlert},
 *                           so the sketch's error is at most half the alert share.
 * @param minEventsPerWindow windows with fewer events raise no hot key (a quiet bus has no hotspot).
 */
public record HotspotConfig(boolean enabled, Duration window, int topN, int counters, double keyShareAlert, long minEventsPerWindow)
{
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    public static final int DEFAULT_TOP_N = 10;
    public static final int DEFAULT_COUNTERS = 128;
    public static final double DEFAULT_KEY_SHARE_ALERT = 0.2;
    public static final long DEFAULT_MIN_EVENTS_PER_WINDOW = 1000;
    public static final int MAX_COUNTERS = 4096;

    /** Validates every value, naming the offending key. */
    public HotspotConfig
    {
        if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(1)) > 0 ||
            window.toNanos() % 1_000_000 != 0)
        {
            throw ConfigException.invalid("hotspots.window", window == null ? null : window.toMillis() + "ms",
                "a duration from 1s to 1h in whole milliseconds, e.g. 10s");
        }
        if (counters < 8 || counters > MAX_COUNTERS)
        {
            throw ConfigException.invalid("hotspots.counters", counters, "8 to " + MAX_COUNTERS);
        }
        if (topN < 1 || topN > counters)
        {
            throw ConfigException.invalid("hotspots.topN", topN, "1 to hotspots.counters (" + counters + ")");
        }
        if (!(keyShareAlert > 0 && keyShareAlert <= 1))
        {
            throw ConfigException.invalid("hotspots.keyShareAlert", keyShareAlert, "a share above 0 and at most 1, e.g. 0.2");
        }
        if (counters * keyShareAlert < 2)
        {
            throw ConfigException.invalid("hotspots.keyShareAlert", keyShareAlert, "at least 2/hotspots.counters (" +
                2.0 / counters + "): with fewer counters the sketch cannot tell a key at that share; raise counters or the share");
        }
        if (minEventsPerWindow < 0)
        {
            throw ConfigException.invalid("hotspots.minEventsPerWindow", minEventsPerWindow, "0 or more");
        }
    }

    /** @return enabled, 10 s windows, top 10, 128 counters, alert at 20 % of a window of at least 1000 events. */
    public static HotspotConfig defaults()
    {
        return new HotspotConfig(true, DEFAULT_WINDOW, DEFAULT_TOP_N, DEFAULT_COUNTERS, DEFAULT_KEY_SHARE_ALERT,
            DEFAULT_MIN_EVENTS_PER_WINDOW);
    }

    /** @return the same configuration, switched off: nothing is counted. */
    public HotspotConfig disabled()
    {
        return new HotspotConfig(false, window, topN, counters, keyShareAlert, minEventsPerWindow);
    }
}
