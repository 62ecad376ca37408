package dev.rill.journal;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.NamedPosition;
import dev.rill.bus.SubscriberPositions;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention against real Chronicle journals whose clock the test moves, so cycles roll at once:
 * four hourly cycle files A, B, C, D (D the current one), three records each.
 */
class JournalRetentionTest
{
    private static final int RECORDS_PER_CYCLE = 3;
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final SetTimeProvider clock = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0, TimeUnit.NANOSECONDS);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private ChronicleJournal journal;
    /** indexes[cycle][record]: cycle 0 is A, 3 is D. */
    private final long[][] indexes = new long[4][RECORDS_PER_CYCLE];
    private final String[] names = new String[4];
    private final int[] cycles = new int[4];

    @BeforeEach
    void fourCycles()
    {
        journal = ChronicleJournal.open(new JournalConfig(dir, "FAST_HOURLY", false), "in", clock);
        for (int cycle = 0; cycle < 4; cycle++)
        {
            for (int r = 0; r < RECORDS_PER_CYCLE; r++)
            {
                indexes[cycle][r] = append(journal, 200);
            }
            if (cycle < 3)
            {
                clock.advanceMillis(HOUR.toMillis());
            }
        }
        assertEquals(4, cycleFileNames().size());
        final List<CycleFile> files = listFiles();
        for (int i = 0; i < 4; i++)
        {
            names[i] = files.get(i).path().getFileName().toString();
            cycles[i] = files.get(i).cycle();
        }
    }

    @AfterEach
    void close()
    {
        journal.close();
    }

    @Test
    void neverDeletesWhatTheSafeInIndexNeedsAndDeletesWhatItMay()
    {
        clock.advanceMillis(Duration.ofHours(10).toMillis()); // every file is now well past maxAge
        final AtomicLong safe = new AtomicLong(indexes[2][1]); // the checkpoint is in the middle of C
        final JournalRetention retention = retention(new RetentionConfig(HOUR, 0, null), safe::get);

        assertEquals(2, retention.runOnce(), "A and B: every record below the safe index");
        assertEquals(List.of(fileOf(2), fileOf(3)), cycleFileNames());
        assertEquals(indexes[2][0], journal.firstIndex(), "Chronicle's view was refreshed at once");
        assertEquals(List.of(indexes[2][0], indexes[2][1], indexes[2][2], indexes[3][0], indexes[3][1], indexes[3][2]), readIndexes());
        assertTrue(log.get(0).contains("deleted in/" + fileOf(0)) && log.get(0).contains("indexes " + indexes[0][0] + ".." + indexes[0][2]) &&
            log.get(0).contains("older than journal.retention.maxAge 1h") && log.get(0).contains("below the safe in index"), log.get(0));
        assertTrue(log.get(2).contains("keeping in/" + fileOf(2)) && log.get(2).contains("at index " + indexes[2][1]), log.get(2));

        assertEquals(0, retention.runOnce(), "nothing changed: nothing more goes");
        assertEquals(3, log.size(), "and the same reason is not logged again: " + log);

        safe.set(indexes[3][2] + 1); // everything is safe now, the current cycle too
        assertEquals(1, retention.runOnce());
        assertEquals(List.of(fileOf(3)), cycleFileNames(), "the current (last) cycle is never deleted");
        final long next = append(journal, 200);
        assertTrue(next > indexes[3][2], "the appender goes on");
        assertEquals(List.of(indexes[3][0], indexes[3][1], indexes[3][2], next), readIndexes());
        assertEquals(3, retention.deletedFiles());
    }

    @Test
    void aJournalKeepsEveryFileANamedSubscriberHasNotProcessed() // the rule for "out", on this fixture's journal
    {
        clock.advanceMillis(Duration.ofHours(10).toMillis());
        try (SubscriberPositionStore positions = SubscriberPositionStore.open(dir, line -> { }))
        {
            final NamedPosition fast = positions.register("fast", indexes[2][2]);
            final NamedPosition slow = positions.register("slow", indexes[0][1]); // in the middle of A
            final JournalRetention retention = retention(new RetentionConfig(HOUR, 0, null), () -> firstNeeded(positions));

            assertEquals(0, retention.runOnce(), "slow has not processed all of A");
            assertEquals(4, cycleFileNames().size());
            assertTrue(log.get(0).contains("keeping in/" + fileOf(0)), log.toString());

            assertTrue(slow.commit(indexes[0][2])); // all of A
            assertEquals(1, retention.runOnce());
            assertEquals(List.of(fileOf(1), fileOf(2), fileOf(3)), cycleFileNames());

            assertTrue(slow.commit(indexes[3][0]));
            assertEquals(2, retention.runOnce(), "B and C: fast committed all of C");
            assertEquals(List.of(fileOf(3)), cycleFileNames());
            assertEquals(indexes[2][2], fast.committed());

            positions.register("newcomer", NamedPosition.NOTHING);
            assertEquals(NamedPosition.NOTHING, positions.lowestCommitted(), "a name that processed nothing holds everything");
        }
    }

    @Test
    void overTheSizeBudgetTheOldestGoFirstButNeverWhatIsNeeded()
    {
        final JournalCycleFiles files = journal.cycleFiles();
        final long c = files.extent(cycleOf(2)).dataBytes();
        final long d = files.extent(cycleOf(3)).dataBytes();
        assertTrue(c > RECORDS_PER_CYCLE * 200 && c < 1 << 20, "records' bytes, not the sparse file's length: " + c);
        final AtomicLong safe = new AtomicLong(indexes[1][0]); // B is still needed
        final JournalRetention retention = retention(new RetentionConfig(null, c + d, null), safe::get);

        assertEquals(1, retention.runOnce(), "A goes; B must stay although the journal is over budget");
        assertEquals(List.of(fileOf(1), fileOf(2), fileOf(3)), cycleFileNames());
        assertTrue(log.get(0).contains("over journal.retention.maxBytes"), log.get(0));
        assertTrue(log.get(1).contains("keeping in/" + fileOf(1)), log.get(1));

        safe.set(Long.MAX_VALUE);
        assertEquals(1, retention.runOnce(), "B goes; C and D fit the budget");
        assertEquals(List.of(fileOf(2), fileOf(3)), cycleFileNames());
    }

    @Test
    void aFileAReaderHoldsOpenIsKeptUntilItIsReleased() throws Exception
    {
        clock.advanceMillis(Duration.ofHours(10).toMillis());
        final JournalRetention retention = retention(new RetentionConfig(HOUR, 0, null), () -> Long.MAX_VALUE);
        final JournalCycleFiles files = journal.cycleFiles();
        final JournalReader reader = journal.newReader();
        assertTrue(reader.moveTo(indexes[0][1]));
        assertEquals(1, reader.poll((index, buffer, offset, length) -> { }, 1));
        awaitTrue(() -> files.held(cycleOf(0)), "Chronicle tells the listener the reader acquired A");

        assertEquals(0, retention.runOnce(), "A is open in a reader, and files go oldest first");
        assertTrue(log.get(0).contains("keeping in/" + fileOf(0)) && log.get(0).contains("open"), log.get(0));

        reader.close();
        awaitTrue(() -> !files.held(cycleOf(0)), "Chronicle tells the listener the reader released A");
        assertEquals(3, retention.runOnce());
        assertEquals(List.of(fileOf(3)), cycleFileNames());
    }

    @Test
    void aLiveReaderOfALaterCycleReadsOnWhileOlderFilesAreDeleted()
    {
        clock.advanceMillis(Duration.ofHours(10).toMillis());
        final JournalRetention retention = retention(new RetentionConfig(HOUR, 0, null), () -> indexes[2][0]);
        final JournalReader reader = journal.newReader();
        assertTrue(reader.moveTo(indexes[2][0]));
        assertEquals(2, retention.runOnce());
        final List<Long> read = new ArrayList<>();
        while (reader.poll((index, buffer, offset, length) -> read.add(index), 10) > 0)
        {
            // drain
        }
        assertEquals(List.of(indexes[2][0], indexes[2][1], indexes[2][2], indexes[3][0], indexes[3][1], indexes[3][2]), read);
        reader.close();
    }

    @Test
    void filesYoungerThanMaxAgeStayAndNoLimitMeansNoThread()
    {
        final JournalRetention retention = retention(new RetentionConfig(Duration.ofDays(1), 0, null), () -> Long.MAX_VALUE);
        assertEquals(0, retention.runOnce());
        assertEquals(4, cycleFileNames().size());
        assertEquals(List.of(), log);
        try (JournalRetention none = new JournalRetention(RetentionConfig.keepForever(),
            List.of(new JournalRetention.Retained(journal, () -> Long.MAX_VALUE, "x")), log::add))
        {
            assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("rill-retention")));
        }
    }

    @Test
    void theRetentionThreadDeletesByItself() throws Exception
    {
        clock.advanceMillis(Duration.ofHours(10).toMillis());
        try (JournalRetention retention = new JournalRetention(new RetentionConfig(HOUR, 0, Duration.ofSeconds(1)),
            List.of(new JournalRetention.Retained(journal, () -> Long.MAX_VALUE, "everything")), log::add))
        {
            awaitTrue(() -> retention.deletedFiles() == 3, "the thread ran");
            assertEquals(List.of(fileOf(3)), cycleFileNames());
        }
    }

    @Test
    void theLastResultsInIndexIsTheDefaultSafeInIndex()
    {
        try (ChronicleJournal out = ChronicleJournal.open(new JournalConfig(dir, "FAST_HOURLY", false), "out", clock))
        {
            final LastResultInIndex safe = new LastResultInIndex(out);
            assertEquals(Journal.NO_INDEX, safe.getAsLong(), "no Result: nothing of 'in' is safe");
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
            final dev.rill.bus.codec.ResultEncoder result = new dev.rill.bus.codec.ResultEncoder()
                .wrapAndApplyHeader(buffer, 0, new dev.rill.bus.codec.MessageHeaderEncoder());
            for (final long inIndex : new long[] {indexes[0][0], indexes[2][1]})
            {
                result.inIndex(inIndex).putTopic(new byte[0], 0, 0).putModelName(new byte[0], 0, 0);
                out.append(buffer, 0, dev.rill.bus.codec.MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength());
                result.wrapAndApplyHeader(buffer, 0, new dev.rill.bus.codec.MessageHeaderEncoder());
            }
            assertEquals(indexes[2][1], safe.getAsLong());
        }
    }

    private JournalRetention retention(final RetentionConfig config, final LongSupplier firstNeeded)
    {
        final String neededBy = "the safe in index";
        return new JournalRetention(config, List.of(new JournalRetention.Retained(journal, firstNeeded, neededBy)), line ->
        {
            log.add(line);
            System.out.println(line); // in the test report, to read what operators read
        }, false);
    }

    private static long firstNeeded(final SubscriberPositions positions)
    {
        final long lowest = positions.lowestCommitted();
        return lowest == SubscriberPositions.NO_NAMES ? Long.MAX_VALUE : lowest + 1;
    }

    private int cycleOf(final int cycle)
    {
        return cycles[cycle];
    }

    private String fileOf(final int cycle)
    {
        return names[cycle];
    }

    private List<CycleFile> listFiles()
    {
        try
        {
            return journal.cycleFiles().list();
        }
        catch (final java.io.IOException e)
        {
            throw new AssertionError(e);
        }
    }

    private List<String> cycleFileNames()
    {
        try (Stream<Path> files = Files.list(dir.resolve("in")))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().collect(Collectors.toList());
        }
        catch (final java.io.IOException e)
        {
            throw new AssertionError(e);
        }
    }

    private List<Long> readIndexes()
    {
        final List<Long> read = new ArrayList<>();
        try (JournalReader reader = journal.newReader())
        {
            reader.toStart();
            while (reader.poll((index, buffer, offset, length) -> read.add(index), 100) > 0)
            {
                // drain
            }
        }
        return read;
    }

    private static long append(final ChronicleJournal journal, final int length)
    {
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        return journal.append(direct, 0, length);
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }
}
