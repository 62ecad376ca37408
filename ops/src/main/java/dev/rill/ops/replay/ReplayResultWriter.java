package dev.rill.ops.replay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;

/**
 * Writes replayed Results into a {@link ReplayOutput}: each scored slot becomes a Result with the
 * REPLAYED flag, the event's in index, producer, seq, key and times, and the model that re-scored
 * it. One owner thread (the replay's).
 */
interface ReplayResultWriter extends AutoCloseable
{
    /**
     * @param slot             a scored slot of the replay.
     * @param topic            the event's topic name, UTF-8.
     * @param publishTimeNanos when the Result is written (epoch ns).
     */
    void write(EventSlot slot, byte[] topic, long publishTimeNanos);

    @Override
    void close();

    /** @return a writer of the output's format, in a new output. */
    static ReplayResultWriter open(final ReplayOutput output, final ReplayFormat format)
    {
        return format == ReplayFormat.JOURNAL ? new Journal(output) : new JsonLines(output);
    }

    /** The default: a Chronicle journal of SBE Results with CRC32C trailers, as "out" holds them. */
    final class Journal implements ReplayResultWriter
    {
        private final ChronicleJournal journal;
        private final ResultRecordEncoder encoder = new ResultRecordEncoder();

        Journal(final ReplayOutput output)
        {
            journal = ChronicleJournal.open(JournalConfig.of(output.directory()).withPretouch(false), ReplayOutput.JOURNAL);
        }

        @Override
        public void write(final EventSlot slot, final byte[] topic, final long publishTimeNanos)
        {
            final int length = encoder.begin(slot.inIndex(), slot.producerId(), slot.seq(), slot.key(), slot.eventTimeNanos(),
                slot.ingestTimeNanos(), slot.scoredTimeNanos(), publishTimeNanos, slot.modelVersion(),
                (byte)(slot.flags() | ResultRecordEncoder.REPLAYED), slot.score(), dev.rill.bus.Journal.NO_INDEX)
                .finish(topic, slot.modelName());
            journal.append(encoder.buffer(), 0, length);
        }

        @Override
        public void close()
        {
            journal.close();
        }
    }

    /** One JSON object per line, every field of the Result by name. */
    final class JsonLines implements ReplayResultWriter
    {
        private final JsonGenerator json;

        JsonLines(final ReplayOutput output)
        {
            try
            {
                final OutputStream out = new BufferedOutputStream(Files.newOutputStream(output.directory().resolve(ReplayOutput.JSONL)),
                    1 << 16);
                json = ReplayOutput.JSON.getFactory().createGenerator(out, JsonEncoding.UTF8);
                json.setPrettyPrinter(new com.fasterxml.jackson.core.util.MinimalPrettyPrinter("\n"));
            }
            catch (final IOException e)
            {
                throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot create " +
                    output.directory().resolve(ReplayOutput.JSONL) + ": " + e.getMessage());
            }
        }

        @Override
        public void write(final EventSlot slot, final byte[] topic, final long publishTimeNanos)
        {
            try
            {
                json.writeStartObject();
                json.writeNumberField("inIndex", slot.inIndex());
                json.writeNumberField("producerId", slot.producerId());
                json.writeNumberField("seq", slot.seq());
                json.writeNumberField("key", slot.key());
                json.writeStringField("topic", new String(topic, java.nio.charset.StandardCharsets.UTF_8));
                json.writeNumberField("score", slot.score());
                json.writeStringField("modelName", new String(slot.modelName(), java.nio.charset.StandardCharsets.UTF_8));
                json.writeNumberField("modelVersion", slot.modelVersion());
                json.writeArrayFieldStart("flags");
                for (final String flag : ReplayedResult.flagNames((byte)(slot.flags() | ResultRecordEncoder.REPLAYED)))
                {
                    json.writeString(flag);
                }
                json.writeEndArray();
                json.writeNumberField("eventTimeNanos", slot.eventTimeNanos());
                json.writeNumberField("ingestTimeNanos", slot.ingestTimeNanos());
                json.writeNumberField("scoredTimeNanos", slot.scoredTimeNanos());
                json.writeNumberField("publishTimeNanos", publishTimeNanos);
                json.writeEndObject();
            }
            catch (final IOException e)
            {
                throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot write replayed Results: " + e.getMessage());
            }
        }

        @Override
        public void close()
        {
            try
            {
                json.writeRaw('\n');
                json.close();
            }
            catch (final IOException e)
            {
                throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot finish the replayed Results: " + e.getMessage());
            }
        }
    }
}
