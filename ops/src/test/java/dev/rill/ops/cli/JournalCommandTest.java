package dev.rill.ops.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rill.bus.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalCommandTest
{
    @TempDir
    Path dir;

    private JournalFixture fixture;

    @BeforeEach
    void writeKnownJournals()
    {
        fixture = JournalFixture.write(dir);
    }

    @Test
    void verifyOfACleanJournalExitsZero()
    {
        final CommandRun run = CommandRun.of("journal", "verify", "--data-dir", dir.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("journal in: 1 cycle file, 6 records, 0 problems"), run.out());
        assertTrue(run.out().contains("journal out: 1 cycle file, 5 records, 0 problems"), run.out());
        assertTrue(run.out().contains("rill journal verify: clean"), run.out());
    }

    @Test
    void verifyNamesTheFileIndexAndReasonOfATruncatedFileAndExitsJournalCorrupt()
    {
        final String file = fixture.file("out").name();
        final long position = fixture.positionOf("out", fixture.out.get(2));
        JournalFixture.truncate(fixture.file("out").path(), position + 30);

        final CommandRun run = CommandRun.of("journal", "verify", "--data-dir", dir.toString());
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status(), run.out() + run.err());
        assertTrue(run.out().contains("out/" + file + " index " + fixture.out.get(2) + " (byte " + position + "): truncated: " +
            "the record at byte " + position), run.out());
        assertTrue(run.out().contains("journal in: 1 cycle file, 6 records, 0 problems"), "in is untouched: " + run.out());
        assertTrue(run.err().contains("JOURNAL_CORRUPT: 1 damaged record or file end in out/" + file), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void verifyNamesTheFileIndexAndReasonOfAByteFlippedRecordAndExitsJournalCorrupt()
    {
        final String file = fixture.file("in").name();
        JournalFixture.flip(fixture.file("in").path(), fixture.positionOf("in", fixture.in.get(2)) + 25);

        final CommandRun run = CommandRun.of("journal", "verify", "--data-dir", dir.toString(), "--journal", "in");
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status(), run.out() + run.err());
        assertTrue(run.out().contains("in/" + file + " index " + fixture.in.get(2)), run.out());
        assertTrue(run.out().contains(": corrupt: checksum mismatch: stored CRC32C"), run.out());
        assertFalse(run.out().contains("journal out"), "--journal in checks in only: " + run.out());
    }

    @Test
    void verifyOfADirectoryWithoutJournalsIsJournalUnreadable() throws Exception
    {
        final Path empty = Files.createDirectories(dir.resolve("elsewhere"));
        final CommandRun run = CommandRun.of("journal", "verify", "--data-dir", empty.toString());
        assertEquals(ErrorCode.JOURNAL_UNREADABLE.code(), run.status(), run.err());
        assertTrue(run.err().contains("no journal directory"), run.err());
        assertEquals(ErrorCode.USAGE.code(), CommandRun.of("journal", "verify", "--data-dir", dir.toString(), "--journal", "x").status());
    }

    @Test
    void statsShowsFilesCountsTopicsAndTheFirstAndLastRecordOfEachJournal()
    {
        final CommandRun run = CommandRun.of("journal", "stats", "--data-dir", dir.toString());
        assertEquals(0, run.status(), run.err());
        final String text = run.out();
        final String in = text.substring(0, text.indexOf("journal out"));
        final String out = text.substring(text.indexOf("journal out"));
        assertTrue(in.contains("records      6: Event 5, ProducerSession 1"), in);
        assertTrue(in.contains("first        index " + fixture.in.get(0) + "  session time 2026-01-01T00:00:00Z"), in);
        assertTrue(in.contains("last         index " + fixture.in.get(5) + "  event time 2026-01-01T00:04:00Z"), in);
        assertTrue(in.contains("topics       logins 1, payments 4"), in);
        assertTrue(in.contains(fixture.file("in").name()) && in.contains("6 records  index " + fixture.in.get(0) + " to " +
            fixture.in.get(5)), in);
        assertTrue(out.contains("records      5: Result 5"), out);
        assertTrue(out.contains("first        index " + fixture.out.get(0) + "  publish time 2026-01-01T00:00:01Z"), out);
        assertTrue(out.contains("last         index " + fixture.out.get(4) + "  publish time 2026-01-01T00:04:01Z"), out);
    }

    @Test
    void statsAsJsonParsesBackWithTheSameFigures() throws Exception
    {
        final CommandRun run = CommandRun.of("journal", "stats", "--data-dir", dir.toString(), "--json");
        assertEquals(0, run.status(), run.err());
        final JsonNode root = RecordJson.MAPPER.readTree(run.out());
        final JsonNode in = root.get("journals").get(0);
        assertEquals("in", in.get("journal").asText());
        assertEquals(6, in.get("records").asLong());
        assertEquals(5, in.get("types").get("Event").asLong());
        assertEquals(4, in.get("topics").get("payments").asLong());
        assertEquals(1, in.get("topics").get("logins").asLong());
        assertEquals(fixture.in.get(0), in.get("files").get(0).get("firstIndex").asLong());
        assertEquals(fixture.in.get(5), in.get("files").get(0).get("lastIndex").asLong());
        assertEquals(fixture.in.get(5), in.get("last").get("index").asLong());
        assertEquals("2026-01-01T00:04:00Z", in.get("last").get("eventTime").asText());
        assertTrue(in.get("dataBytes").asLong() > 0 && in.get("sizeBytes").asLong() >= in.get("dataBytes").asLong());
        assertEquals(0, in.get("problems").asInt());
        final JsonNode out = root.get("journals").get(1);
        assertEquals(5, out.get("records").asLong());
        assertEquals("2026-01-01T00:00:01Z", out.get("first").get("publishTime").asText());
    }

    @Test
    void dumpPrintsEveryResultOfOutAsTextByDefault()
    {
        final CommandRun run = CommandRun.of("journal", "dump", "--data-dir", dir.toString());
        assertEquals(0, run.status(), run.err());
        final List<String> lines = run.lines();
        assertEquals(5, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("out=" + fixture.out.get(0) + " in=" + fixture.in.get(1) +
            " topic=payments producer=7 seq=1 key=100 score=0.2500 model=fraud/1"), lines.get(0));
        assertTrue(lines.get(0).endsWith("event-time=2026-01-01T00:00:00Z"), lines.get(0));
        assertTrue(lines.get(2).contains("topic=logins producer=8 seq=1 key=100 score=NaN model=-/0"), lines.get(2));
    }

    @Test
    void dumpFiltersByKeyProducerTopicAndIndexRange()
    {
        final String d = dir.toString();
        assertEquals(List.of(1L, 3L, 5L), ordinals(CommandRun.of("journal", "dump", "--data-dir", d, "--journal", "in",
            "--key", "100")));
        assertEquals(List.of(3L, 4L), ordinals(CommandRun.of("journal", "dump", "--data-dir", d, "--journal", "in",
            "--producer", "8")));
        assertEquals(List.of(3L), ordinals(CommandRun.of("journal", "dump", "--data-dir", d, "--journal", "in",
            "--topic", "logins")));
        assertEquals(List.of(2L, 3L, 4L), ordinals(CommandRun.of("journal", "dump", "--data-dir", d, "--journal", "in",
            "--from", fixture.in.get(2).toString(), "--to", fixture.in.get(4).toString())));
        final CommandRun withSession = CommandRun.of("journal", "dump", "--data-dir", d, "--journal", "in", "--to",
            fixture.in.get(1).toString());
        assertEquals(2, withSession.lines().size(), withSession.out());
        assertTrue(withSession.lines().get(0).equals("in=" + fixture.in.get(0) + " producer-session producer=7 epoch=1 " +
            "time=2026-01-01T00:00:00Z"), withSession.out());
    }

    @Test
    void dumpFiltersByEventTimeBothEndsInclusive()
    {
        final CommandRun run = CommandRun.of("journal", "dump", "--data-dir", dir.toString(), "--journal", "in",
            "--from", "2026-01-01T00:01:00Z", "--to", "2026-01-01T00:03:00Z");
        assertEquals(List.of(2L, 3L, 4L), ordinals(run));
        final CommandRun bad = CommandRun.of("journal", "dump", "--data-dir", dir.toString(), "--from", "yesterday");
        assertEquals(ErrorCode.USAGE.code(), bad.status());
        assertTrue(bad.err().contains("--from: 'yesterday' is neither an index"), bad.err());
    }

    @Test
    void dumpAsJsonLinesParsesBackToTheRecordsWritten() throws Exception
    {
        final CommandRun run = CommandRun.of("journal", "dump", "--data-dir", dir.toString(), "--journal", "out", "--format", "json",
            "--producer", "8");
        assertEquals(0, run.status(), run.err());
        final List<JsonNode> results = new ArrayList<>();
        for (final String line : run.lines())
        {
            results.add(RecordJson.MAPPER.readTree(line));
        }
        assertEquals(2, results.size(), run.out());
        final JsonNode logins = results.get(0);
        assertEquals("Result", logins.get("type").asText());
        assertEquals(fixture.out.get(2), logins.get("index").asLong());
        assertEquals(fixture.in.get(3), logins.get("inIndex").asLong());
        assertEquals("logins", logins.get("topic").asText());
        assertEquals(100, logins.get("key").asLong());
        assertTrue(logins.get("score").isNull(), "NaN is null: " + logins);
        assertEquals("2026-01-01T00:02:00Z", logins.get("eventTime").asText());
        assertEquals(JournalFixture.T0_NANOS + 2 * JournalFixture.MINUTE, logins.get("eventTimeNanos").asLong());
        assertEquals(0.5, results.get(1).get("score").asDouble());
        assertEquals("fraud", results.get(1).get("modelName").asText());

        final JsonNode event = RecordJson.MAPPER.readTree(CommandRun.of("journal", "dump", "--data-dir", dir.toString(),
            "--journal", "in", "--format", "json", "--from", fixture.in.get(4).toString(), "--to", fixture.in.get(4).toString()).out());
        assertEquals("Event", event.get("type").asText());
        assertEquals(2, event.get("seq").asLong());
        assertEquals(20.0, event.get("fields").get(0).asDouble());
        assertEquals(5411.0, event.get("fields").get(1).asDouble());
    }

    @Test
    void dumpOfADamagedJournalPrintsWhatIsReadableAndExitsJournalCorrupt()
    {
        JournalFixture.flip(fixture.file("out").path(), fixture.positionOf("out", fixture.out.get(1)) + 40);
        final CommandRun run = CommandRun.of("journal", "dump", "--data-dir", dir.toString());
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status());
        assertEquals(4, run.lines().size(), run.out());
        assertTrue(run.err().contains("index " + fixture.out.get(1)) && run.err().contains("checksum mismatch"), run.err());
    }

    @Test
    void tailOfACutFileReportsItInsteadOfLettingChronicleMapPastTheEnd()
    {
        JournalFixture.truncate(fixture.file("out").path(), fixture.positionOf("out", fixture.out.get(4)) + 6);
        final CommandRun run = CommandRun.of("journal", "tail", "--data-dir", dir.toString(), "-n", "2");
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status(), run.out() + run.err());
        assertTrue(run.err().contains("index " + fixture.out.get(4) + ": truncated"), run.err());
        assertEquals(2, run.lines().size(), run.out());
    }

    @Test
    void tailStopsAtADamagedResultWithJournalCorrupt()
    {
        JournalFixture.flip(fixture.file("out").path(), fixture.positionOf("out", fixture.out.get(3)) + 33);
        final CommandRun run = CommandRun.of("journal", "tail", "--data-dir", dir.toString());
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status(), run.out() + run.err());
        assertTrue(run.err().contains("journal 'out' is corrupt: file " + fixture.file("out").name() + ", index " +
            fixture.out.get(3) + ": corrupt: checksum mismatch"), run.err());
        assertEquals(4, run.lines().size(), "the intact Results are printed: " + run.out());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    /** @return for each "in" record printed (text lines), its ordinal in the fixture (0: the ProducerSession, 1-5: the Events). */
    private List<Long> ordinals(final CommandRun run)
    {
        assertEquals(0, run.status(), run.err());
        final List<Long> ordinals = new ArrayList<>();
        for (final String line : run.lines())
        {
            assertTrue(line.startsWith("in="), line);
            final long index = Long.parseLong(line.substring(3, line.indexOf(' ')));
            ordinals.add((long)fixture.in.indexOf(index));
        }
        return ordinals;
    }
}
