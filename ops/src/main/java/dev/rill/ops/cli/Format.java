package dev.rill.ops.cli;

/** Formats figures for terminal output. */
final class Format
{
    private Format()
    {
    }

    /** @return nanoseconds as microseconds with one decimal, e.g. "42.0 µs", or ms above 10 ms. */
    static String micros(final long nanos)
    {
        if (nanos >= 10_000_000)
        {
            return String.format("%.1f ms", nanos / 1e6);
        }
        return String.format("%.1f µs", nanos / 1e3);
    }
}
