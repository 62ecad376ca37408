package dev.rill.ops.alert;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.rill.bus.metrics.HotKey;
import dev.rill.bus.metrics.HotspotSnapshot;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code hot-key}: one key carried at least {@code hotspots.keyShareAlert} of the events of the
 * last closed heavy-hitters window ({@link HotspotSnapshot#keysAboveShare()}: counted so that the
 * sketch's error cannot make a key look hotter than it was). One alert per key (subject
 * {@code topic/key}); it resolves when a later window no longer has the key above the share.
 *
 * <p>The snapshot comes from a supplier read once per tick (the publish thread replaces it at the
 * end of each window; reading it never blocks). Severity ticket: a hot key slows nothing by itself
 * on one node, but it is the partition that will not spread when the bus is partitioned by key.
 */
public final class HotKeyRule implements AlertRule
{
    /** The alert's name and runbook. */
    public static final String NAME = "hot-key";

    private final Supplier<HotspotSnapshot> snapshot;
    private final double share;

    /**
     * @param snapshot the last closed window (never null).
     * @param share    the configured {@code hotspots.keyShareAlert}, for the message.
     */
    public HotKeyRule(final Supplier<HotspotSnapshot> snapshot, final double share)
    {
        this.snapshot = snapshot;
        this.share = share;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void evaluate(final TelemetryTick tick, final Findings findings)
    {
        final HotspotSnapshot window = snapshot.get();
        for (final HotKey key : window.keysAboveShare())
        {
            final Map<String, Object> values = new LinkedHashMap<>();
            values.put("topic", key.topic());
            values.put("key", key.key());
            values.put("share", key.share());
            values.put("limit", share);
            values.put("eventsPerSecond", key.ratePerSecond());
            values.put("windowEvents", window.totalEvents());
            values.put("windowSeconds", window.windowSeconds());
            findings.raise(key.topic() + "/" + key.key(), Severity.TICKET, String.format(Locale.ROOT,
                "key %d of topic %s carried %.1f%% of the last %.0f s window's %,d events (%.0f events/s; alert at %.1f%%)",
                key.key(), key.topic(), 100 * key.share(), window.windowSeconds(), window.totalEvents(), key.ratePerSecond(),
                100 * share),
                "One key dominates the traffic: its producer may loop or replay, or one customer is far busier than the rest. " +
                "The top keys and producers are on the status page and in /hotkeys.", values);
        }
    }
}
