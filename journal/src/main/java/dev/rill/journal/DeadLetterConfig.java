package dev.rill.journal;

import java.time.Duration;

import dev.rill.bus.ConfigException;
import dev.rill.bus.TimeSpan;

/**
 * The dead-letter journal ({@code deadLetter:} in rill.yaml): every frame the gateway refused,
 * kept under {@code <dataDir>/deadletter} with its own retention.
 *
 * @param enabled     {@code deadLetter.enabled}: false keeps no dead letters (refusals are still counted).
 * @param retention   {@code deadLetter.retention}: cycle files older than this are deleted; null for no age limit.
 * @param maxBytes    {@code deadLetter.maxBytes}: while the journal takes more, its oldest files are deleted; 0 for no limit.
 * @param recordBytes {@code deadLetter.recordBytes}: most bytes of a refused frame kept per record (the rest is cut).
 * @param bufferBytes {@code deadLetter.bufferBytes}: the hand-off buffer between the event loops and the writer
 *                    (a power of two); records that find it full are dropped and counted.
 */
public record DeadLetterConfig(boolean enabled, Duration retention, long maxBytes, int recordBytes, int bufferBytes)
{
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final int DEFAULT_RECORD_BYTES = 4096;
    public static final int DEFAULT_BUFFER_BYTES = 1 << 20;

    public DeadLetterConfig
    {
        if (retention != null && (retention.isNegative() || retention.isZero()))
        {
            throw ConfigException.invalid("deadLetter.retention", TimeSpan.format(retention), "a positive duration such as 7d or 12h");
        }
        if (maxBytes < 0)
        {
            throw ConfigException.invalid("deadLetter.maxBytes", maxBytes, "a positive size such as 1GiB; leave it out for no size limit");
        }
        if (Integer.bitCount(bufferBytes) != 1 || bufferBytes < 64 * 1024 || bufferBytes > 1 << 30)
        {
            throw ConfigException.invalid("deadLetter.bufferBytes", bufferBytes, "a power of two from 64KiB to 1GiB");
        }
        if (recordBytes < 0 || recordBytes > Math.min(65_535, bufferBytes / 16))
        {
            throw ConfigException.invalid("deadLetter.recordBytes", recordBytes, "0 to " + Math.min(65_535, bufferBytes / 16) +
                " (at most 64KiB and a sixteenth of deadLetter.bufferBytes)");
        }
    }

    /** @return on, 7 days, no size limit, 4 KiB per record, a 1 MiB buffer. */
    public static DeadLetterConfig defaults()
    {
        return new DeadLetterConfig(true, DEFAULT_RETENTION, 0, DEFAULT_RECORD_BYTES, DEFAULT_BUFFER_BYTES);
    }

    /** @return the retention of the dead-letter journal, for {@link JournalRetention}. */
    public RetentionConfig retentionConfig()
    {
        return new RetentionConfig(retention, maxBytes, RetentionConfig.DEFAULT_INTERVAL);
    }
}
