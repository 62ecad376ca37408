package dev.rill.ops.cli;

import java.time.Instant;
import java.util.Arrays;

import org.agrona.DirectBuffer;

/**
 * Renders journal records as one line of text each for operators ({@code rill journal tail} and
 * {@code dump}). Allocates; tools only.
 */
final class RecordText
{
    private RecordText()
    {
    }

    /**
     * @param index the record's index in journal "out".
     * @return one line for a Result, or a line saying why the record is not one.
     */
    static String formatResult(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        return format("out", JournalRecord.decode("out", index, buffer, offset, length));
    }

    /** @return one line for a record of the named journal. */
    static String format(final String journal, final JournalRecord record)
    {
        if (record instanceof JournalRecord.Result r)
        {
            // A correction shows the Result it corrects; its ingest->publish spans the replay, so it is left out.
            return String.format("out=%d in=%d topic=%s producer=%d seq=%d key=%d score=%.4f model=%s/%d flags=%s " +
                "%s event-time=%s", r.index(), r.inIndex(), r.topic(), r.producerId(), r.seq(), r.key(),
                r.score(), r.modelName().isEmpty() ? "-" : r.modelName(), r.modelVersion(),
                r.flags().isEmpty() ? "-" : String.join(",", r.flags()),
                r.correctsOutIndex() != -1 ? "corrects=" + r.correctsOutIndex() :
                    "ingest->publish=" + Format.micros(r.publishTimeNanos() - r.ingestTimeNanos()), time(r.eventTimeNanos()));
        }
        if (record instanceof JournalRecord.Event e)
        {
            return String.format("in=%d topic=%s producer=%d seq=%d key=%d event-time=%s fields=%s connection=%d ingest-time=%s",
                e.index(), e.topic(), e.producerId(), e.seq(), e.key(), time(e.eventTimeNanos()), Arrays.toString(e.fields()),
                e.connectionId(), time(e.ingestTimeNanos()));
        }
        if (record instanceof JournalRecord.ProducerSession s)
        {
            return String.format("in=%d producer-session producer=%d epoch=%d time=%s", s.index(), s.producerId(), s.epoch(),
                time(s.timeNanos()));
        }
        final JournalRecord.Undecodable u = (JournalRecord.Undecodable)record;
        return String.format("%s=%d: undecodable: %s", journal, u.index(), u.reason());
    }

    /** @return epoch nanoseconds as an ISO-8601 instant, e.g. {@code 2026-11-25T18:12:00.000123Z}. */
    static String time(final long epochNanos)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }
}
