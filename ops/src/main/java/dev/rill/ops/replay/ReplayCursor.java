package dev.rill.ops.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalException;
import dev.rill.journal.verify.RecordLayoutCheck;
import org.agrona.DirectBuffer;

/**
 * Reads the replayed Results of a finished {@link ReplayOutput} back, in the order they were
 * written ("in" order), one at a time into one {@link ReplayedResult}. One owner thread; decoding
 * allocates the two names of each Result (tools only).
 */
interface ReplayCursor extends AutoCloseable
{
    /** @return true when {@link #current()} holds the next Result, false at the end. */
    boolean next();

    /** @return the Result read by the last {@link #next()}. */
    ReplayedResult current();

    @Override
    void close();

    /** @return a cursor over the output's Results, in the manifest's format. */
    static ReplayCursor open(final ReplayOutput output, final ReplayManifest manifest)
    {
        return ReplayFormat.parse(manifest.format()) == ReplayFormat.JOURNAL ? new Journal(output) : new JsonLines(output);
    }

    /** Over the output's journal. */
    final class Journal implements ReplayCursor, JournalReader.RecordHandler
    {
        private final ChronicleJournal journal;
        private final JournalReader reader;
        private final RecordLayoutCheck layout = RecordLayoutCheck.forJournal("out");
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final ResultDecoder decoder = new ResultDecoder();
        private final ReplayedResult result = new ReplayedResult();

        Journal(final ReplayOutput output)
        {
            try
            {
                journal = ChronicleJournal.openReadOnly(JournalConfig.of(output.directory()), ReplayOutput.JOURNAL);
            }
            catch (final JournalException e)
            {
                throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "replay output '" + output.name() + "': " + e.getMessage());
            }
            reader = journal.newReader();
            reader.toStart();
        }

        @Override
        public boolean next()
        {
            return reader.poll(this, 1) > 0;
        }

        @Override
        public ReplayedResult current()
        {
            return result;
        }

        @Override
        public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
        {
            final String problem = layout.check(buffer, offset, length);
            if (problem != null)
            {
                throw new ReplayException(ErrorCode.JOURNAL_CORRUPT, "replay output record " + index + " is not a Result (" + problem +
                    "); run the replay again with --overwrite");
            }
            header.wrap(buffer, offset);
            decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            result.inIndex = decoder.inIndex();
            result.producerId = decoder.producerId();
            result.seq = decoder.seq();
            result.key = decoder.key();
            result.eventTimeNanos = decoder.eventTimeNanos();
            result.ingestTimeNanos = decoder.ingestTimeNanos();
            result.scoredTimeNanos = decoder.scoredTimeNanos();
            result.publishTimeNanos = decoder.publishTimeNanos();
            result.modelVersion = decoder.modelVersion();
            result.flags = (byte)decoder.flags().getRaw();
            result.score = decoder.score();
            result.topic = decoder.topic(); // var-data in schema order: topic, then modelName
            result.modelName = decoder.modelName();
        }

        @Override
        public void close()
        {
            reader.close();
            journal.close();
        }
    }

    /** Over the output's JSON lines. */
    final class JsonLines implements ReplayCursor
    {
        private final Path file;
        private final BufferedReader lines;
        private final ReplayedResult result = new ReplayedResult();
        private long lineNumber;

        JsonLines(final ReplayOutput output)
        {
            file = output.directory().resolve(ReplayOutput.JSONL);
            try
            {
                lines = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            }
            catch (final IOException e)
            {
                throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot read " + file + ": " + e.getMessage());
            }
        }

        @Override
        public boolean next()
        {
            try
            {
                String line;
                do
                {
                    line = lines.readLine();
                    lineNumber++;
                }
                while (line != null && line.isBlank());
                if (line == null)
                {
                    return false;
                }
                final JsonNode o = ReplayOutput.JSON.readTree(line);
                result.inIndex = required(o, "inIndex").asLong();
                result.producerId = required(o, "producerId").asLong();
                result.seq = required(o, "seq").asLong();
                result.key = required(o, "key").asLong();
                result.topic = required(o, "topic").asText();
                result.score = required(o, "score").asDouble();
                result.modelName = required(o, "modelName").asText();
                result.modelVersion = required(o, "modelVersion").asInt();
                final List<String> flags = new ArrayList<>();
                required(o, "flags").forEach(f -> flags.add(f.asText()));
                result.flags = ReplayedResult.flagBits(flags);
                result.eventTimeNanos = required(o, "eventTimeNanos").asLong();
                result.ingestTimeNanos = required(o, "ingestTimeNanos").asLong();
                result.scoredTimeNanos = required(o, "scoredTimeNanos").asLong();
                result.publishTimeNanos = required(o, "publishTimeNanos").asLong();
                return true;
            }
            catch (final IOException | IllegalArgumentException e)
            {
                throw new ReplayException(ErrorCode.JOURNAL_CORRUPT, file + " line " + lineNumber + " is not a replayed Result (" +
                    e.getMessage() + "); run the replay again with --overwrite");
            }
        }

        private static JsonNode required(final JsonNode o, final String field)
        {
            final JsonNode value = o.get(field);
            if (value == null || value.isNull() && !"score".equals(field))
            {
                throw new IllegalArgumentException("no field " + field);
            }
            return value;
        }

        @Override
        public ReplayedResult current()
        {
            return result;
        }

        @Override
        public void close()
        {
            try
            {
                lines.close();
            }
            catch (final IOException ignore)
            {
                // read only: nothing is lost
            }
        }
    }
}
