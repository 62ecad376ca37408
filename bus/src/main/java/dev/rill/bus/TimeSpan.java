package dev.rill.bus;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as rill.yaml writes them: a whole number and a unit, {@code 500ms}, {@code 30s},
 * {@code 15m}, {@code 12h}, {@code 7d}, {@code 2w}.
 *
 * <p>Stateless; any thread. Parsing and formatting allocate (configuration and log lines only).
 */
public final class TimeSpan
{
    private TimeSpan()
    {
    }

    /**
     * @param key   the configuration key, for the error message.
     * @param value the text: a whole number and one of the units ms, s, m, h, d, w.
     * @return the duration, zero or more.
     * @throws ConfigException naming the key and value when the text is not a duration.
     */
    public static Duration parse(final String key, final String value)
    {
        final String text = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split)))
        {
            split++;
        }
        final String unit = text.substring(split).strip();
        if (split == 0 || split > 12)
        {
            throw invalid(key, value);
        }
        final long amount = Long.parseLong(text.substring(0, split));
        switch (unit)
        {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            case "w":
                return Duration.ofDays(amount * 7);
            default:
                throw invalid(key, value);
        }
    }

    /** @return the duration in its largest whole unit: "7d", "90m", "1500ms". */
    public static String format(final Duration duration)
    {
        final long millis = duration.toMillis();
        final long[] sizes = {7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000};
        final String[] units = {"w", "d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++)
        {
            if (millis != 0 && millis % sizes[i] == 0)
            {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }

    private static ConfigException invalid(final String key, final String value)
    {
        return ConfigException.invalid(key, value, "a duration: a whole number and a unit ms, s, m, h, d or w (e.g. 7d, 12h, 30s)");
    }
}
