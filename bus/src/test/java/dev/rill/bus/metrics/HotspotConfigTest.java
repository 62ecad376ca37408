package dev.rill.bus.metrics;

import java.time.Duration;

import dev.rill.bus.ConfigException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HotspotConfigTest
{
    @Test
    void badValuesAreRefusedNamingTheKey()
    {
        assertKey("hotspots.window", () -> new HotspotConfig(true, Duration.ofMillis(500), 10, 128, 0.2, 0));
        assertKey("hotspots.window", () -> new HotspotConfig(true, Duration.ofHours(2), 10, 128, 0.2, 0));
        assertKey("hotspots.counters", () -> new HotspotConfig(true, Duration.ofSeconds(10), 4, 4, 0.5, 0));
        assertKey("hotspots.topN", () -> new HotspotConfig(true, Duration.ofSeconds(10), 200, 128, 0.2, 0));
        assertKey("hotspots.keyShareAlert", () -> new HotspotConfig(true, Duration.ofSeconds(10), 10, 128, 0, 0));
        assertKey("hotspots.keyShareAlert", () -> new HotspotConfig(true, Duration.ofSeconds(10), 10, 128, 1.5, 0));
        assertKey("hotspots.keyShareAlert", () -> new HotspotConfig(true, Duration.ofSeconds(10), 10, 128, 0.01, 0));
        assertKey("hotspots.minEventsPerWindow", () -> new HotspotConfig(true, Duration.ofSeconds(10), 10, 128, 0.2, -1));
        assertEquals(Duration.ofSeconds(10), HotspotConfig.defaults().window());
        assertTrue(HotspotConfig.defaults().enabled());
    }

    private static void assertKey(final String key, final Runnable build)
    {
        final ConfigException e = assertThrows(ConfigException.class, build::run);
        assertEquals(key, e.key());
        assertTrue(e.getMessage().startsWith(key + ": value '"), e.getMessage());
    }
}
