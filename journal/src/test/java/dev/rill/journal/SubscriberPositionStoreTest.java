package dev.rill.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.NamedPosition;
import dev.rill.bus.SubscriberPositions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriberPositionStoreTest
{
    @TempDir
    Path dir;

    @Test
    void committedPositionsSurviveAReopenAndTheFileIsReadableText() throws Exception
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            assertTrue(store.register("billing", NamedPosition.NOTHING).commit(1234));
            store.register("audit", NamedPosition.NOTHING);
        }
        final String text = Files.readString(dir.resolve(SubscriberPositionStore.FILE_NAME));
        assertTrue(text.contains("\naudit -1\nbilling 1234\ncrc32c "), text);
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            assertEquals(1234, store.find("billing").committed());
            assertEquals(NamedPosition.NOTHING, store.find("audit").committed());
            assertEquals(Map.of("audit", -1L, "billing", 1234L), store.snapshot());
        }
    }

    @Test
    void theWriterThreadMakesACommitDurableWithoutAClose() throws Exception
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, TimeUnit.MILLISECONDS.toNanos(5), line -> { }))
        {
            store.register("billing", NamedPosition.NOTHING).commit(77);
            final Path file = dir.resolve(SubscriberPositionStore.FILE_NAME);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !SubscriberPositionFile.read(file).equals(Map.of("billing", 77L)))
            {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            assertEquals(Map.of("billing", 77L), SubscriberPositionFile.read(file), "written by the background thread");
        }
    }

    @Test
    void positionsOnlyMoveForwardAndRegisteringAgainKeepsThePosition()
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            final NamedPosition billing = store.register("billing", 10);
            assertTrue(billing.commit(20));
            assertTrue(billing.commit(20), "the same index again is fine");
            assertFalse(billing.commit(19));
            assertEquals(20, billing.committed());
            assertSame(billing, store.register("billing", 5), "an existing name keeps its position");
            assertEquals(20, store.find("billing").committed());
            assertEquals(null, store.find("nobody"));
        }
    }

    @Test
    void theLowestCommittedIsWhatRetentionMustKeepAndNoNamesHoldNothing()
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            assertEquals(SubscriberPositions.NO_NAMES, store.lowestCommitted());
            store.register("fast", 500);
            store.register("slow", 100);
            assertEquals(100, store.lowestCommitted());
            store.find("slow").commit(900);
            assertEquals(500, store.lowestCommitted());
            store.register("new", NamedPosition.NOTHING);
            assertEquals(NamedPosition.NOTHING, store.lowestCommitted(), "a name that processed nothing holds everything");
        }
    }

    @Test
    void aCorruptFileStopsTheOpenWithAMessageNamingTheFileAndWhatToDo() throws Exception
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            store.register("billing", NamedPosition.NOTHING).commit(1234);
        }
        final Path file = dir.resolve(SubscriberPositionStore.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("billing 1234", "billing 9234"));
        final JournalException e = assertThrows(JournalException.class, () -> SubscriberPositionStore.open(dir, line -> { }));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("corrupt") &&
            e.getMessage().contains("checksum") && e.getMessage().contains("backup"), e.getMessage());

        Files.writeString(file, "billing 5\n");
        assertTrue(assertThrows(JournalException.class, () -> SubscriberPositionStore.open(dir, line -> { }))
            .getMessage().contains("no checksum line"));
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnoredAndReplaced() throws Exception
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            store.register("billing", NamedPosition.NOTHING).commit(42);
        }
        final Path temp = dir.resolve(SubscriberPositionStore.FILE_NAME + ".tmp");
        Files.write(temp, "half a fi".getBytes(StandardCharsets.UTF_8)); // a crash between write and rename
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            assertEquals(42, store.find("billing").committed());
            store.find("billing").commit(43);
        }
        assertFalse(Files.exists(temp), "renamed over the real file by the next write");
        assertEquals(Map.of("billing", 43L), SubscriberPositionFile.read(dir.resolve(SubscriberPositionStore.FILE_NAME)));
    }

    @Test
    void aFailedWriteIsLoggedOnceAndTheCommitIsWrittenWhenItCanBe() throws Exception
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final Path file = dir.resolve(SubscriberPositionStore.FILE_NAME);
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, TimeUnit.HOURS.toNanos(1), log::add))
        {
            store.register("billing", NamedPosition.NOTHING).commit(1);
            Files.createDirectory(dir.resolve(SubscriberPositionStore.FILE_NAME + ".tmp")); // the temp file cannot be created
            assertFalse(store.flush());
            assertFalse(store.flush());
            assertEquals(1, log.size(), log.toString());
            assertTrue(log.get(0).contains("cannot write") && log.get(0).contains("kept in memory"), log.get(0));
            Files.delete(dir.resolve(SubscriberPositionStore.FILE_NAME + ".tmp"));
            assertTrue(store.flush());
            assertEquals(Map.of("billing", 1L), SubscriberPositionFile.read(file));
        }
    }
}
