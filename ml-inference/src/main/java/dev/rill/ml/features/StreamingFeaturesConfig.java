package dev.rill.ml.features;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.rill.bus.ConfigException;
import dev.rill.ml.FraudFeatures;

/**
 * Configuration of {@link StreamingFeatures} for one topic ({@code features:} in rill.yaml).
 *
 * <p>The constructor validates the list as a whole and throws {@link ConfigException} naming the
 * key, the value and what is allowed. Immutable; any thread.
 *
 * @param topic       name of the topic whose events are keyed and aggregated.
 * @param windows     the features, in output order; at least one, names unique.
 * @param maxKeys     most keys kept at once, 1 to {@value #MAX_KEYS}; state for all of them is
 *                    allocated up front (see {@link StreamingFeatures} for bytes per key).
 * @param idleTimeout a key whose newest event is older than this, measured back from the newest
 *                    event time seen on any key, is evicted; at least the longest window (so only
 *                    keys none of whose kept events can count any more are dropped) and at most
 *                    {@value WindowSpec#MAX_WINDOW_DAYS} days.
 */
public record StreamingFeaturesConfig(String topic, List<WindowSpec> windows, int maxKeys, Duration idleTimeout)
{
    /** Most keys accepted. */
    public static final int MAX_KEYS = 100_000_000;
    /** Keys kept by {@link #defaultsFor(String)}. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    /** Idle timeout of {@link #defaultsFor(String)}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(2);

    /** Largest Java array the bucket rings may need. */
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** Validates the whole configuration, naming the offending key. */
    public StreamingFeaturesConfig
    {
        if (topic == null || topic.isBlank())
        {
            throw ConfigException.invalid("features.topic", topic, "the name of the topic whose events carry the key");
        }
        if (windows == null || windows.isEmpty())
        {
            throw ConfigException.invalid("features.windows", windows, "at least one window");
        }
        final Map<String, Integer> positionByName = new HashMap<>();
        Duration longest = Duration.ZERO;
        long bucketsPerKey = 0;
        for (int i = 0; i < windows.size(); i++)
        {
            final WindowSpec window = windows.get(i);
            if (window == null)
            {
                throw ConfigException.invalid("features.windows[" + i + "]", null, "a window with name, aggregate, window and buckets");
            }
            final Integer previous = positionByName.putIfAbsent(window.name(), i);
            if (previous != null)
            {
                throw ConfigException.invalid("features.windows[" + i + "].name", window.name(),
                    "names must be unique and features.windows[" + previous + "] already uses it; rename one of them");
            }
            longest = window.window().compareTo(longest) > 0 ? window.window() : longest;
            bucketsPerKey += window.buckets();
        }
        windows = List.copyOf(windows);
        if (maxKeys < 1 || maxKeys > MAX_KEYS)
        {
            throw ConfigException.invalid("features.maxKeys", maxKeys, "1 to " + MAX_KEYS);
        }
        if (maxKeys * bucketsPerKey > MAX_ARRAY_LENGTH)
        {
            throw ConfigException.invalid("features.maxKeys", maxKeys, "maxKeys x buckets of all windows (" +
                bucketsPerKey + ") must be at most " + MAX_ARRAY_LENGTH + "; lower maxKeys or use fewer buckets");
        }
        final long snapshotBytes = maxKeys * StreamingFeaturesSnapshot.bytesPerKey(bucketsPerKey);
        if (snapshotBytes > MAX_ARRAY_LENGTH - StreamingFeaturesSnapshot.FIXED_BYTES_BOUND)
        {
            throw ConfigException.invalid("features.maxKeys", maxKeys, "a number whose checkpoint fits one array: " + maxKeys +
                " keys of " + bucketsPerKey + " buckets need " + snapshotBytes + " bytes, at most " +
                (MAX_ARRAY_LENGTH - StreamingFeaturesSnapshot.FIXED_BYTES_BOUND) + "; lower maxKeys or use fewer buckets");
        }
        if (idleTimeout == null || idleTimeout.compareTo(longest) < 0 ||
            idleTimeout.compareTo(Duration.ofDays(WindowSpec.MAX_WINDOW_DAYS)) > 0)
        {
            throw ConfigException.invalid("features.idleTimeout", idleTimeout, "a duration at least the longest window (" +
                longest + ") and at most " + WindowSpec.MAX_WINDOW_DAYS +
                " days; a shorter timeout would drop events still inside a window");
        }
    }

    /**
     * The card-payment defaults: per card, transactions in the last minute, spend in the last hour
     * and transactions per second over the last hour, each on 12 buckets; 100,000 cards; a card
     * idle for 2 hours of event time is dropped.
     *
     * @param topic the topic name; its events must carry an {@value FraudFeatures#AMOUNT} field.
     * @return the defaults.
     */
    public static StreamingFeaturesConfig defaultsFor(final String topic)
    {
        return new StreamingFeaturesConfig(topic, List.of(
            new WindowSpec("card_tx_count_1m", Aggregate.COUNT, null, Duration.ofMinutes(1), 12),
            new WindowSpec("card_spend_1h", Aggregate.SUM, FraudFeatures.AMOUNT, Duration.ofHours(1), 12),
            new WindowSpec("card_tx_rate_1h", Aggregate.RATE, null, Duration.ofHours(1), 12)),
            DEFAULT_MAX_KEYS, DEFAULT_IDLE_TIMEOUT);
    }

    /** @return buckets of all windows together: the ring entries each key owns. */
    int bucketsPerKey()
    {
        int total = 0;
        for (final WindowSpec window : windows)
        {
            total += window.buckets();
        }
        return total;
    }

    /**
     * One line per setting in a canonical form; a snapshot carries them so that a restore into a
     * differently configured instance can say what differs.
     *
     * @return the lines, in a fixed order.
     */
    List<String> canonicalLines()
    {
        final List<String> lines = new ArrayList<>();
        lines.add("topic=" + topic);
        lines.add("windows=" + windows.size());
        for (int i = 0; i < windows.size(); i++)
        {
            final WindowSpec w = windows.get(i);
            lines.add("windows[" + i + "]=" + w.name() + " " + w.aggregate() + (w.field() == null ? "" : " " + w.field()) +
                " window=" + w.window() + " buckets=" + w.buckets());
        }
        lines.add("maxKeys=" + maxKeys);
        lines.add("idleTimeout=" + idleTimeout);
        return lines;
    }
}
