package dev.rill.journal.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.Journal;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalCorruptException;
import dev.rill.journal.JournalException;
import dev.rill.journal.JournalFiles;
import dev.rill.journal.TestJournals;
import dev.rill.journal.verify.JournalProblem.Kind;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalVerifierTest
{
    private static final int PER_CYCLE = 200;

    @TempDir
    Path dir;

    private JournalConfig config;
    /** Indexes of the records of "in", in order: two cycles of {@link #PER_CYCLE} events. */
    private final List<Long> inIndexes = new ArrayList<>();
    private final List<Long> outIndexes = new ArrayList<>();

    @BeforeEach
    void writeTwoCyclesOfEachJournal()
    {
        config = JournalConfig.of(dir).withPretouch(false);
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
        final TestRecords records = new TestRecords();
        try (ChronicleJournal in = TestJournals.open(config, "in", time);
            ChronicleJournal out = TestJournals.open(config, "out", time))
        {
            for (int cycle = 0; cycle < 2; cycle++)
            {
                inIndexes.add(in.append(records.buffer, 0, records.producerSession(7, cycle + 1)));
                for (int i = 1; i < PER_CYCLE; i++)
                {
                    final long seq = cycle * PER_CYCLE + i;
                    final long inIndex = in.append(records.buffer, 0, records.event(seq, seq * 10, seq * 1000));
                    inIndexes.add(inIndex);
                    outIndexes.add(out.append(records.buffer, 0, records.result(inIndex, seq)));
                }
                time.advanceMillis(TimeUnit.DAYS.toMillis(2));
            }
        }
    }

    @Test
    void aCleanJournalVerifiesWithoutProblemsAndEveryRecordChecked()
    {
        final JournalVerification in = JournalVerifier.verify(JournalDirectory.open(config, "in"));
        assertEquals(List.of(), in.problems());
        assertFalse(in.damaged());
        assertEquals(2L * PER_CYCLE, in.recordsChecked());
        assertEquals(2, in.files().size());
        assertEquals(inIndexes.get(0), in.files().get(0).firstIndex());
        assertEquals(inIndexes.get(PER_CYCLE - 1), in.files().get(0).lastIndex());
        assertEquals(inIndexes.get(PER_CYCLE), in.files().get(1).firstIndex());
        assertEquals(inIndexes.get(2 * PER_CYCLE - 1), in.files().get(1).lastIndex());

        final JournalVerification out = JournalVerifier.verify(JournalDirectory.open(config, "out"));
        assertEquals(List.of(), out.problems());
        assertEquals(2L * (PER_CYCLE - 1), out.recordsChecked());
    }

    @Test
    void aFileCutInsideARecordIsReportedTruncatedAtThatRecordsIndex()
    {
        final CycleFile last = file("in", 1);
        final long position = positionOf("in", inIndexes.get(PER_CYCLE + 50));
        JournalFiles.truncate(last.path(), position + 20);

        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "in"));
        final JournalProblem p = only(v);
        assertEquals(Kind.TRUNCATED, p.kind());
        assertEquals(last.name(), p.file());
        assertEquals(inIndexes.get(PER_CYCLE + 50), p.index());
        assertEquals(position, p.position());
        assertTrue(p.reason().contains("the file was cut inside it"), p.reason());
        assertEquals(PER_CYCLE + 50L, v.recordsChecked(), "every record before the cut is checked");
    }

    @Test
    void anOlderFileCutBetweenRecordsIsReportedTruncatedAtTheNextIndex()
    {
        final CycleFile first = file("in", 0);
        final long position = positionOf("in", inIndexes.get(120));
        JournalFiles.truncate(first.path(), position);

        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "in")));
        assertEquals(Kind.TRUNCATED, p.kind());
        assertEquals(first.name(), p.file());
        assertEquals(inIndexes.get(120), p.index());
        assertTrue(p.reason().contains("the file ends at byte " + position + " without an end-of-cycle marker"), p.reason());
    }

    @Test
    void aFlippedPayloadByteIsACorruptRecordAndTheRecordsAfterItAreStillChecked()
    {
        final long position = positionOf("out", outIndexes.get(30));
        JournalFiles.flip(file("out", 0).path(), position + 4 + 20, 0x10);

        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "out"));
        final JournalProblem p = only(v);
        assertEquals(Kind.CORRUPT, p.kind());
        assertEquals(file("out", 0).name(), p.file());
        assertEquals(outIndexes.get(30), p.index());
        assertTrue(p.reason().startsWith("checksum mismatch: stored CRC32C"), p.reason());
        assertEquals(2L * (PER_CYCLE - 1) - 1, v.recordsChecked());
        assertEquals(java.util.Set.of(file("out", 0).name()), v.damagedFiles());
    }

    @Test
    void aShortenedLengthWordIsCorruptAndTheWalkStopsWithoutMisreadingTheRest()
    {
        final Path path = file("in", 0).path();
        final long position = positionOf("in", inIndexes.get(10));
        JournalFiles.writeInt(path, position, JournalFiles.readInt(path, position) - 40);

        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "in"));
        final List<JournalProblem> damage = v.damage();
        assertFalse(damage.isEmpty());
        assertEquals(Kind.CORRUPT, damage.get(0).kind());
        assertEquals(inIndexes.get(10), damage.get(0).index());
        assertTrue(damage.stream().allMatch(p -> p.file().equals(file("in", 0).name())), "the next file is unaffected: " + damage);
        assertEquals(10L + PER_CYCLE, v.recordsChecked(), "records before it and the whole next file");
    }

    @Test
    void aRecordWhoseHeaderGainedTheMetadataBitIsReportedBecauseReadersWouldSkipIt()
    {
        final Path path = file("in", 0).path();
        final long position = positionOf("in", inIndexes.get(5));
        JournalFiles.flip(path, position + 3, 0x40);

        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "in")));
        assertEquals(Kind.CORRUPT, p.kind());
        assertEquals(inIndexes.get(5), p.index());
        assertTrue(p.reason().contains("metadata bit"), p.reason());
    }

    @Test
    void aRecordMarkedIncompleteWithDataAfterItIsCorruptButAnIncompleteLastRecordIsOnlyANote()
    {
        final Path first = file("in", 0).path();
        final long seventh = positionOf("in", inIndexes.get(7));
        JournalFiles.flip(first, seventh + 3, 0x80);
        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "in")));
        assertEquals(Kind.CORRUPT, p.kind());
        assertTrue(p.reason().contains("marks a record as not complete"), p.reason());

        JournalFiles.flip(first, seventh + 3, 0x80);
        final Path newest = file("in", 1).path();
        final long end = JournalVerifier.verify(JournalDirectory.open(config, "in")).files().get(1).dataEnd();
        JournalFiles.writeInt(newest, end, 0x80000000); // a writer claimed the header, then died
        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "in"));
        assertFalse(v.damaged(), v.problems().toString());
        assertEquals(Kind.INCOMPLETE_TAIL, only(v).kind());
    }

    @Test
    void aLengthWordClaimingAHugeRecordIsCorruptNotACrash()
    {
        final Path path = file("out", 1).path();
        final long position = positionOf("out", outIndexes.get(PER_CYCLE + 3));
        JournalFiles.writeInt(path, position, 0x3F000096);

        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "out")));
        assertEquals(Kind.CORRUPT, p.kind());
        assertEquals(outIndexes.get(PER_CYCLE + 3), p.index());
        assertTrue(p.reason().contains("its length word is damaged"), p.reason());
    }

    @Test
    void aRecordWithAGoodChecksumThatIsNoMessageOfItsJournalIsUndecodable()
    {
        final TestRecords records = new TestRecords();
        final long index;
        try (ChronicleJournal out = ChronicleJournal.open(config, "out"))
        {
            index = out.append(records.buffer, 0, records.event(1, 2, 3)); // an Event in "out"
        }
        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "out")));
        assertEquals(Kind.UNDECODABLE, p.kind());
        assertEquals(index, p.index());
        assertTrue(p.reason().contains("SBE template 3 does not belong in journal 'out'"), p.reason());

        records.buffer.putShort(4, (short)1234); // schema id
        try (ChronicleJournal in = ChronicleJournal.open(config, "in"))
        {
            in.append(records.buffer, 0, records.event(1, 2, 3) - 5); // and cut short
        }
        final List<JournalProblem> in = JournalVerifier.verify(JournalDirectory.open(config, "in")).problems();
        assertEquals(1, in.size(), in.toString());
        assertTrue(in.get(0).reason().startsWith("Event: variable-length field runs past the end of the record"), in.get(0).reason());
    }

    @Test
    void aRecordWrittenWithoutATrailerIsCorruptAndTheReasonSaysItPredatesChecksums()
    {
        final TestRecords records = new TestRecords();
        final int length = records.event(1, 2, 3);
        try (ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("in")).build();
            ExcerptAppender appender = queue.createAppender())
        {
            final Bytes<?> bytes = Bytes.allocateElasticDirect(length);
            for (int i = 0; i < length; i++)
            {
                bytes.writeByte(records.buffer.getByte(i));
            }
            appender.writeBytes(bytes);
            bytes.releaseLast();
        }
        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "in")));
        assertEquals(Kind.CORRUPT, p.kind());
        assertTrue(p.reason().contains("written by a Rill build from before journal checksums"), p.reason());
    }

    @Test
    void anEmptyCycleFileIsTruncated() throws Exception
    {
        Files.write(file("out", 1).path(), new byte[0]);
        final JournalProblem p = only(JournalVerifier.verify(JournalDirectory.open(config, "out")));
        assertEquals(Kind.TRUNCATED, p.kind());
        assertEquals(file("out", 1).name(), p.file());
        assertTrue(p.reason().contains("too short for its queue header"), p.reason());
    }

    @Test
    void aDirectoryThatIsNoJournalIsAJournalException() throws Exception
    {
        Files.createDirectories(dir.resolve("empty"));
        final JournalException e = assertThrows(JournalException.class, () -> JournalDirectory.open(config, "empty"));
        assertTrue(e.getMessage().contains("is not a journal"), e.getMessage());
        assertThrows(JournalException.class, () -> JournalDirectory.open(config, "missing"));
    }

    @Test
    void theStartCheckRefusesDamageInInFromItsIndexAndAtTheEndOfOutOnly()
    {
        JournalStartCheck.requireIntact(config, "in", JournalStartCheck.FROM_FIRST, "out");

        JournalFiles.flip(file("in", 0).path(), positionOf("in", inIndexes.get(40)) + 30, 0x01);
        final JournalCorruptException e = assertThrows(JournalCorruptException.class,
            () -> JournalStartCheck.requireIntact(config, "in", JournalStartCheck.FROM_FIRST, "out"));
        assertEquals("in", e.journal());
        assertEquals(file("in", 0).name(), e.file());
        assertEquals(inIndexes.get(40), e.index());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("run `rill journal verify`; start with --quarantine-corrupt"), e.getMessage());

        // from a later index (a checkpoint), the damage before it is not read
        JournalStartCheck.requireIntact(config, "in", inIndexes.get(41), "out");

        // in "out" only the last records are checked: damage before them is verify's to find
        JournalFiles.flip(file("out", 1).path(), positionOf("out", outIndexes.get(PER_CYCLE + 10)) + 30, 0x01);
        JournalStartCheck.requireIntact(config, "in", inIndexes.get(41), "out");
        final int last = outIndexes.size() - 1;
        JournalFiles.flip(file("out", 1).path(), positionOf("out", outIndexes.get(last)) + 30, 0x01);
        final JournalCorruptException outDamage = assertThrows(JournalCorruptException.class,
            () -> JournalStartCheck.requireIntact(config, "in", inIndexes.get(41), "out"));
        assertEquals("out", outDamage.journal());
        assertEquals(outIndexes.get(last), outDamage.index());
    }

    @Test
    void aRecordWrittenWithoutItsHeaderByAKilledWriterIsATornTailThatTheStartCheckClears() throws Exception
    {
        // Chronicle writes a record's bytes first and its header last: SIGKILL in between.
        final long lastIndex = inIndexes.get(inIndexes.size() - 1);
        final long position = positionOf("in", lastIndex);
        final Path newest = file("in", 1).path();
        JournalFiles.writeInt(newest, position, 0);

        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "in"));
        assertFalse(v.damaged(), v.problems().toString());
        assertEquals(Kind.TORN_TAIL, only(v).kind());
        assertEquals(position, only(v).position());

        JournalStartCheck.requireIntact(config, "in", JournalStartCheck.FROM_FIRST, "out");
        assertEquals(List.of(), JournalVerifier.verify(JournalDirectory.open(config, "in")).problems(), "the torn bytes are cleared");

        try (ChronicleJournal in = ChronicleJournal.openReadOnly(config, "in"); var reader = in.newReader())
        {
            final List<Long> read = new ArrayList<>();
            while (reader.poll((i, b, o, l) -> read.add(i), 1000) > 0)
            {
                // to the end
            }
            assertEquals(inIndexes.subList(0, inIndexes.size() - 1), read, "readers see every record before the torn one");
        }
        // Appending over it in the same cycle is the crash soak's part (rill soak, CrashSoakTest): a
        // header zeroed here by hand leaves Chronicle's own write position on it, which a real kill
        // before the header write does not.
    }

    @Test
    void aZeroedHeaderWithWholeRecordsAfterItIsDamageAndIsNeverCleared() throws Exception
    {
        final long position = positionOf("in", inIndexes.get(inIndexes.size() - 3)); // two whole records follow it
        final Path newest = file("in", 1).path();
        JournalFiles.writeInt(newest, position, 0);
        final byte[] before = Files.readAllBytes(newest);

        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "in"));
        assertTrue(v.damaged(), v.problems().toString());
        assertEquals(Kind.CORRUPT, v.problems().get(0).kind());
        assertThrows(JournalCorruptException.class,
            () -> JournalStartCheck.requireIntact(config, "in", JournalStartCheck.FROM_FIRST, "out"));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(newest)), "the start check changed nothing");
    }

    @Test
    void theStartCheckPassesWhenTheJournalsDoNotExistYet()
    {
        JournalStartCheck.requireIntact(JournalConfig.of(dir.resolve("fresh")), "in", JournalStartCheck.FROM_FIRST, "out");
    }

    @Test
    void aQuarantinedFileIsMovedAsIsAndTheJournalThenOpensAppendsAndReads()
    {
        final CycleFile damaged = file("in", 1);
        final long size = damaged.size();
        JournalFiles.truncate(damaged.path(), positionOf("in", inIndexes.get(PER_CYCLE + 20)) + 7);
        assertThrows(JournalCorruptException.class,
            () -> JournalStartCheck.requireIntact(config, "in", JournalStartCheck.FROM_FIRST, "out"));

        final JournalQuarantine.QuarantinedFile moved = JournalQuarantine.quarantine(config, "in", damaged.name());
        assertEquals(dir.resolve("quarantine").resolve("in").resolve(damaged.name()), moved.to());
        assertFalse(Files.exists(damaged.path()));
        assertTrue(Files.exists(moved.to()));
        assertTrue(size > 0);
        assertEquals(20, moved.records(), "the records before the cut one");
        assertEquals(inIndexes.get(PER_CYCLE), moved.firstIndex());

        JournalStartCheck.requireIntact(config, "in", JournalStartCheck.FROM_FIRST, "out");
        final TestRecords records = new TestRecords();
        try (ChronicleJournal in = ChronicleJournal.open(config, "in"))
        {
            final long index = in.append(records.buffer, 0, records.event(999, 1, 1));
            assertEquals(index, in.lastIndex());
            final List<Long> read = new ArrayList<>();
            try (var reader = in.newReader())
            {
                while (reader.poll((i, b, o, l) -> read.add(i), 100) > 0)
                {
                    // drain
                }
            }
            assertEquals(PER_CYCLE + 1, read.size(), "the first cycle and the new record");
            assertEquals(index, read.get(read.size() - 1));
        }
        assertFalse(JournalVerifier.verify(JournalDirectory.open(config, "in")).damaged());
    }

    @Test
    void quarantiningTheCurrentCyclesFileLetsTheJournalStartThatCycleAfresh()
    {
        final CycleFile current = file("out", 1);
        JournalFiles.flip(current.path(), positionOf("out", outIndexes.get(outIndexes.size() - 1)) + 9, 0x01);
        JournalQuarantine.quarantine(config, "out", current.name());

        final SetTimeProvider sameCycle = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_002));
        final TestRecords records = new TestRecords();
        try (ChronicleJournal out = TestJournals.open(config, "out", sameCycle))
        {
            assertEquals(outIndexes.get(PER_CYCLE - 2), out.lastIndex(), "the last Result of the first cycle");
            final long index = out.append(records.buffer, 0, records.result(1, 1));
            assertEquals(outIndexes.get(PER_CYCLE - 1), index, "the cycle starts again at its first index");
        }
        final JournalVerification v = JournalVerifier.verify(JournalDirectory.open(config, "out"));
        assertEquals(List.of(), v.problems());
        assertEquals(PER_CYCLE, v.recordsChecked());

        final CycleFile again = file("out", 1);
        JournalFiles.flip(again.path(), positionOf("out", outIndexes.get(PER_CYCLE - 1)) + 9, 0x01);
        final JournalQuarantine.QuarantinedFile second = JournalQuarantine.quarantine(config, "out", again.name());
        assertEquals(dir.resolve("quarantine/out/" + again.name() + ".1"), second.to(), "an earlier quarantined file is kept");
    }

    private CycleFile file(final String journal, final int i)
    {
        return JournalDirectory.open(config, journal).cycleFiles().get(i);
    }

    private long positionOf(final String journal, final long index)
    {
        final long[] position = {-1};
        new JournalScanner(JournalDirectory.open(config, journal)).scan(Journal.NO_INDEX, new JournalVisitor()
        {
            @Override
            public void onRecord(final CycleFile file, final long i, final long p, final DirectBuffer b, final int o, final int l)
            {
                if (i == index)
                {
                    position[0] = p;
                }
            }

            @Override
            public void onProblem(final JournalProblem problem)
            {
            }
        });
        assertTrue(position[0] > 0, "record " + index + " found");
        return position[0];
    }

    private static JournalProblem only(final JournalVerification v)
    {
        assertEquals(1, v.problems().size(), () -> String.join("\n", v.problems().stream().map(JournalProblem::describe).toList()));
        return v.problems().get(0);
    }
}
