package dev.rill.journal;

import java.time.Duration;

import dev.rill.bus.ByteSize;
import dev.rill.bus.ConfigException;
import dev.rill.bus.TimeSpan;

/**
 * How long the journals keep their files ({@code journal.retention:} in rill.yaml). Both limits
 * are optional; with neither, files are kept forever and no retention thread runs.
 *
 * @param maxAge   {@code journal.retention.maxAge}: a cycle file may go once every record in it
 *                 is older than this (its cycle ended this long ago); null for no age limit.
 * @param maxBytes {@code journal.retention.maxBytes}: while a journal's records take more than
 *                 this many bytes, its oldest files may go; 0 for no size limit. Applies to "in"
 *                 and "out" each.
 * @param interval {@code journal.retention.interval}: how often retention runs.
 */
public record RetentionConfig(Duration maxAge, long maxBytes, Duration interval)
{
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

    public RetentionConfig
    {
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero()))
        {
            throw ConfigException.invalid("journal.retention.maxAge", TimeSpan.format(maxAge),
                "a positive duration such as 7d or 12h; leave it out to keep files of any age");
        }
        if (maxBytes < 0)
        {
            throw ConfigException.invalid("journal.retention.maxBytes", maxBytes,
                "a positive size such as 50GiB; leave it out for no size limit");
        }
        if (interval == null)
        {
            interval = DEFAULT_INTERVAL;
        }
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0)
        {
            throw ConfigException.invalid("journal.retention.interval", TimeSpan.format(interval), "1s to 1d");
        }
    }

    /** @return no limits: keep every file forever (the default). */
    public static RetentionConfig keepForever()
    {
        return new RetentionConfig(null, 0, DEFAULT_INTERVAL);
    }

    /** @return whether any limit is set (else no retention thread runs). */
    public boolean enabled()
    {
        return maxAge != null || maxBytes > 0;
    }

    @Override
    public String toString()
    {
        return enabled() ? "maxAge " + (maxAge == null ? "none" : TimeSpan.format(maxAge)) + ", maxBytes " +
            (maxBytes == 0 ? "none" : ByteSize.format(maxBytes)) + ", every " + TimeSpan.format(interval) : "keep forever";
    }
}
