package dev.rill.journal;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.Journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoreTest
{
    @TempDir
    Path dir;

    @Test
    void aCheckpointReadsBackExactly() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(dir, 3);
        final ProducerTable table = new ProducerTable();
        table.restore(1, 100, 2);
        table.restore(Long.MAX_VALUE, -1, Integer.MIN_VALUE);
        write(store, 4242, table);

        final Checkpoint c = store.loadNewestValid(m -> { throw new AssertionError(m); });
        assertEquals(4242, c.inIndex());
        assertEquals(2, c.producers().size());
        assertEquals(100, c.producers().find(1).lastSeq());
        assertEquals(2, c.producers().find(1).epoch());
        assertEquals(Integer.MIN_VALUE, c.producers().find(Long.MAX_VALUE).epoch());
        assertEquals(0, c.featureState().length);
        assertFalse(c.hasFeatureState());
    }

    @Test
    void theFeatureStateReadsBackWithItsOwnIndex() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(dir, 3);
        final ProducerTable table = new ProducerTable();
        table.restore(3, 30, 1);
        final byte[] state = {1, 2, 3, 4, 5, 6, 7};
        final ByteBuffer buffer = ByteBuffer.allocate(CheckpointStore.encodedLength(table.size(), state.length));
        CheckpointStore.encode(buffer, 500, 1, table, 480, state);
        store.write(buffer, 500);

        final Checkpoint c = store.loadNewestValid(m -> { throw new AssertionError(m); });
        assertEquals(500, c.inIndex());
        assertEquals(480, c.featureInIndex());
        assertArrayEquals(state, c.featureState());
        assertTrue(c.hasFeatureState());
        assertEquals(30, c.producers().find(3).lastSeq());
    }

    @Test
    void aFormat1CheckpointWithoutFeatureIndexStillReads() throws Exception
    {
        // Format 1 (issue 4): the header had no feature index. Written by hand here, as that version did.
        final ByteBuffer b = ByteBuffer.allocate(40 + 20 + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RILLCKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(1).putInt(0).putLong(77).putLong(1)
            .putInt(1).putInt(0).putLong(9).putLong(90).putInt(2);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int)crc.getValue());
        final Path file = Files.createDirectories(dir).resolve("checkpoint-000000000000004d.ckpt");
        Files.write(file, b.array());

        final Checkpoint c = CheckpointStore.read(file);
        assertEquals(77, c.inIndex());
        assertEquals(90, c.producers().find(9).lastSeq());
        assertEquals(Journal.NO_INDEX, c.featureInIndex());
        assertFalse(c.hasFeatureState());
    }

    @Test
    void aDamagedNewestCheckpointIsReportedAndThePreviousOneUsed() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(dir, 3);
        final ProducerTable older = new ProducerTable();
        older.restore(7, 10, 0);
        write(store, 100, older);
        final ProducerTable newer = new ProducerTable();
        newer.restore(7, 20, 0);
        final Path newest = write(store, 200, newer);

        final byte[] bytes = Files.readAllBytes(newest);
        bytes[48] ^= 0x01; // one bit of producer 7's id
        Files.write(newest, bytes);

        final List<String> warnings = new ArrayList<>();
        final Checkpoint c = store.loadNewestValid(warnings::add);
        assertEquals(100, c.inIndex(), "the previous checkpoint");
        assertEquals(10, c.producers().find(7).lastSeq());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains(newest.getFileName().toString()) && warnings.get(0).contains("checksum mismatch"),
            warnings.get(0));
    }

    @Test
    void aTruncatedCheckpointIsDamagedAndWithoutPredecessorNoneIsUsed() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(dir, 3);
        final ProducerTable table = new ProducerTable();
        table.restore(7, 10, 0);
        final Path file = write(store, 100, table);
        Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 30));

        assertThrows(CheckpointStore.CheckpointDamagedException.class, () -> CheckpointStore.read(file));
        final List<String> warnings = new ArrayList<>();
        assertNull(store.loadNewestValid(warnings::add));
        assertTrue(warnings.get(0).contains("truncated") && warnings.get(0).contains("rebuilding from all"), warnings.get(0));
    }

    @Test
    void onlyTheNewestFewAreKept() throws Exception
    {
        final CheckpointStore store = new CheckpointStore(dir, 2);
        for (long index = 1; index <= 5; index++)
        {
            write(store, index, new ProducerTable());
        }
        assertEquals(2, store.files().size());
        assertEquals(5, store.loadNewestValid(m -> { }).inIndex());
        try (var files = Files.list(dir))
        {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left behind");
        }
    }

    private static Path write(final CheckpointStore store, final long inIndex, final ProducerTable table) throws Exception
    {
        final ByteBuffer buffer = ByteBuffer.allocate(CheckpointStore.encodedLength(table.size(), 0));
        CheckpointStore.encode(buffer, inIndex, 1, table, Journal.NO_INDEX, new byte[0]);
        return store.write(buffer, inIndex);
    }
}
