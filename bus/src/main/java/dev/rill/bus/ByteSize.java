package dev.rill.bus;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Byte counts as rill.yaml writes them: a whole number of bytes ({@code 1048576}) or a number
 * and a binary unit ({@code 512MiB}, {@code 1.5GiB}; units B, KiB, MiB, GiB, TiB, any case).
 * Decimal units (MB, GB) are refused rather than guessed at.
 *
 * <p>Stateless; any thread. Parsing and formatting allocate (configuration and log lines only).
 */
public final class ByteSize
{
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private ByteSize()
    {
    }

    /**
     * @param key   the configuration key, for the error message.
     * @param value the text: bytes, or a number and a binary unit.
     * @return the number of bytes, 0 or more.
     * @throws ConfigException naming the key and value when the text is not a size.
     */
    public static long parse(final String key, final String value)
    {
        final String text = value == null ? "" : value.strip();
        int split = 0;
        while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '.'))
        {
            split++;
        }
        final String number = text.substring(0, split);
        final String unit = text.substring(split).strip();
        final long multiplier = multiplier(unit);
        if (number.isEmpty() || multiplier < 0)
        {
            throw ConfigException.invalid(key, value, "a size: a whole number of bytes, or a number and a unit B, KiB, MiB, GiB, TiB (e.g. 512MiB)");
        }
        try
        {
            return new BigDecimal(number).multiply(BigDecimal.valueOf(multiplier)).longValueExact();
        }
        catch (final ArithmeticException | NumberFormatException e)
        {
            throw ConfigException.invalid(key, value, "a whole number of bytes up to " + Long.MAX_VALUE +
                ", or a number and a unit B, KiB, MiB, GiB, TiB (e.g. 512MiB)");
        }
    }

    /** @return the count in the largest binary unit that keeps it at 1 or more, e.g. "512 MiB", "1.5 GiB". */
    public static String format(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        int unit = 0;
        double scaled = bytes;
        while (scaled >= 1024 && unit < UNITS.length - 1)
        {
            scaled /= 1024;
            unit++;
        }
        final String text = scaled == Math.rint(scaled) ? String.valueOf((long)scaled) : String.format(Locale.ROOT, "%.1f", scaled);
        return text + " " + UNITS[unit];
    }

    private static long multiplier(final String unit)
    {
        switch (unit.toLowerCase(Locale.ROOT))
        {
            case "":
            case "b":
                return 1;
            case "kib":
                return 1L << 10;
            case "mib":
                return 1L << 20;
            case "gib":
                return 1L << 30;
            case "tib":
                return 1L << 40;
            default:
                return -1;
        }
    }
}
