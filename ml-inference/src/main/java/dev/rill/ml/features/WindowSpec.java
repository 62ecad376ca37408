package dev.rill.ml.features;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.rill.bus.ConfigException;

/**
 * One streaming feature: an {@link Aggregate} over one key's events in an event-time window that
 * slides in steps of {@code window / buckets} (one entry of {@code features.windows} in rill.yaml).
 *
 * <p>The constructor checks what the spec can check alone and throws {@link ConfigException} naming
 * the key, for example {@code features.windows['card_spend_1h'].field}: a record does not know its
 * position in the list, so these keys name the window by its name. Checks that need the list or the
 * topic (unique names, a SUM field the topic has) are made by {@link StreamingFeaturesConfig} and
 * {@link StreamingFeatures} and name the position, for example {@code features.windows[1].field}.
 *
 * <p>Immutable; any thread.
 *
 * @param name      feature name: 1 to 64 letters, digits or underscores; unique among the windows
 *                  and different from every field of the topic.
 * @param aggregate what the window computes.
 * @param field     the topic field summed by {@link Aggregate#SUM}; must be null (absent) for
 *                  {@link Aggregate#COUNT} and {@link Aggregate#RATE}.
 * @param window    window length, positive, at most {@value #MAX_WINDOW_DAYS} days.
 * @param buckets   ring buckets per key, 1 to {@value #MAX_BUCKETS}; {@code window / buckets} must
 *                  be a whole number of milliseconds. More buckets give finer sliding and cost
 *                  memory and time per event in proportion.
 */
public record WindowSpec(String name, Aggregate aggregate, String field, Duration window, int buckets)
{
    /** Longest window accepted. */
    public static final int MAX_WINDOW_DAYS = 366;
    /** Most buckets per window: each event reads every bucket of every window. */
    public static final int MAX_BUCKETS = 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final long NANOS_PER_MILLI = 1_000_000L;

    /** Validates every component on its own, naming the offending key. */
    public WindowSpec
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw ConfigException.invalid("features.windows[].name", name,
                "1 to 64 letters, digits or underscores, for example card_tx_count_1m");
        }
        final String key = "features.windows['" + name + "'].";
        if (aggregate == null)
        {
            throw ConfigException.invalid(key + "aggregate", null, "one of COUNT, SUM, RATE");
        }
        if (aggregate == Aggregate.SUM && (field == null || field.isBlank()))
        {
            throw ConfigException.invalid(key + "field", field, "SUM needs the name of the topic field to sum");
        }
        if (aggregate != Aggregate.SUM && field != null)
        {
            throw ConfigException.invalid(key + "field", field,
                aggregate + " reads no field; remove 'field' or use SUM");
        }
        if (window == null || window.isNegative() || window.isZero() ||
            window.compareTo(Duration.ofDays(MAX_WINDOW_DAYS)) > 0)
        {
            throw ConfigException.invalid(key + "window", window,
                "a duration above zero and at most " + MAX_WINDOW_DAYS + " days, for example 1m or 1h");
        }
        if (buckets < 1 || buckets > MAX_BUCKETS)
        {
            throw ConfigException.invalid(key + "buckets", buckets, "1 to " + MAX_BUCKETS + "; 12 is a good start");
        }
        final long windowNanos = window.toNanos();
        if (windowNanos % (buckets * NANOS_PER_MILLI) != 0)
        {
            throw ConfigException.invalid(key + "window", window, "it must split into " + buckets +
                " buckets of whole milliseconds, and " + window.toMillis() + " ms / " + buckets +
                " does not; change the window or pick a bucket count that divides it evenly");
        }
    }

    /** @return width of one bucket in nanoseconds, a whole number of milliseconds. */
    long bucketNanos()
    {
        return window.toNanos() / buckets;
    }
}
