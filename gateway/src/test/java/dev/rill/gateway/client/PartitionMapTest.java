package dev.rill.gateway.client;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.rill.bus.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partition map file and the key hash every client and server shares. */
class PartitionMapTest
{
    @TempDir
    Path dir;

    @Test
    void aMapFileLoadsWithItsVersionAndEachPartitionsEndpointsInIdOrder() throws Exception
    {
        final Path file = dir.resolve("partitions.yaml");
        Files.writeString(file, """
            version: 7
            partitions:
              - {id: 1, endpoints: ["10.0.0.2:7301", "10.0.0.3:7302"]}
              - id: 0
                endpoints: ["[::1]:7301"]
            """);
        final PartitionMap map = PartitionMap.load(file);
        assertEquals(7, map.version());
        assertEquals(2, map.count());
        assertEquals(List.of(InetSocketAddress.createUnresolved("::1", 7301)), map.endpoints(0));
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.0.0.2", 7301), InetSocketAddress.createUnresolved("10.0.0.3", 7302)),
            map.endpoints(1));
        assertEquals(PartitionHash.partitionOf(12345, 2), map.partitionOf(12345));
    }

    @Test
    void validationErrorsNameTheFileAndTheKey()
    {
        assertError("partitions: [{id: 0, endpoints: ['a:1']}]\n", "version: value 'null'");
        assertError("version: 0\npartitions: [{id: 0, endpoints: ['a:1']}]\n", "version: value '0'");
        assertError("version: 1\n", "partitions: value 'null'");
        assertError("version: 1\npartitions: []\n", "partitions: value '[]'");
        assertError("version: 1\npartitions: [{id: 0, endpoints: ['a:1']}, {id: 2, endpoints: ['b:1']}]\n",
            "partitions[1].id: value '2' is invalid: 0 to 1");
        assertError("version: 1\npartitions: [{id: 0, endpoints: ['a:1']}, {id: 0, endpoints: ['b:1']}]\n",
            "partitions[1].id: value '0' is invalid: an id not used before");
        assertError("version: 1\npartitions: [{id: 0, endpoints: []}]\n", "partitions[0].endpoints: value '[]'");
        assertError("version: 1\npartitions: [{id: 0, endpoints: ['a:1', 'nohost']}]\n", "partitions[0].endpoints[1]: value 'nohost'");
        assertError("version: 1\npartitions: [{id: 0, endpoints: ['a:70000']}]\n", "partitions[0].endpoints[0]: value 'a:70000'");
        assertError("version: 1\npartitions: [{id: 0, endpoints: ['a:x']}]\n", "partitions[0].endpoints[0]: value 'a:x'");
        assertError("version: 1\npartitions: [{id: 0, endpoint: ['a:1']}]\n", "unknown key 'partitions[0].endpoint'");
        assertError("version: one\npartitions: [{id: 0, endpoints: ['a:1']}]\n", "version: wrong kind of value");
        assertError("version: 1\nowners: []\n", "unknown key 'owners'");
        final ConfigException missing = assertThrows(ConfigException.class, () -> PartitionMap.load(dir.resolve("absent.yaml")));
        assertTrue(missing.getMessage().contains("absent.yaml: cannot read the partition map"), missing.getMessage());
    }

    @Test
    void sequentialKeysSpreadEvenlyOverEightPartitions()
    {
        final int partitions = 8;
        final int keys = 100_000;
        final int[] counts = new int[partitions];
        for (long key = 0; key < keys; key++)
        {
            counts[PartitionHash.partitionOf(key, partitions)]++;
        }
        final double even = keys / (double)partitions;
        for (int p = 0; p < partitions; p++)
        {
            assertTrue(Math.abs(counts[p] - even) <= even * 0.05, "partition " + p + " got " + counts[p] + " of " + keys + " keys; even is " + even);
        }
        final int[] negative = new int[partitions];
        for (long key = -1; key >= -keys; key--)
        {
            negative[PartitionHash.partitionOf(key, partitions)]++;
        }
        for (int p = 0; p < partitions; p++)
        {
            assertTrue(Math.abs(negative[p] - even) <= even * 0.05, "negative keys: partition " + p + " got " + negative[p]);
        }
    }

    @Test
    void theHashIsTheSplitMix64FinaliserOfTheDocumentedTestVectors()
    {
        // docs/protocol.md §7.9 lists these for clients in other languages; changing them moves every key.
        assertEquals(0L, PartitionHash.mix64(0));
        assertEquals(0x5692161D100B05E5L, PartitionHash.mix64(1));
        assertEquals(0xA759EA27D4727622L, PartitionHash.mix64(42));
        assertEquals(0xB4D055FCF2CBBD7BL, PartitionHash.mix64(-1));
        assertEquals(0, PartitionHash.partitionOf(0, 4));
        assertEquals(1, PartitionHash.partitionOf(1, 4));
        assertEquals(2, PartitionHash.partitionOf(42, 4));
        assertEquals(3, PartitionHash.partitionOf(-1, 4), "a negative mix64 still maps into 0..N-1 (floorMod, not %)");
        assertTrue(PartitionHash.partitionOf(Long.MIN_VALUE, 3) >= 0, "floorMod keeps a negative hash in 0..N-1");
    }

    private void assertError(final String yaml, final String expected)
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> PartitionMap.parse(yaml, "partitions.yaml"));
        assertTrue(e.getMessage().startsWith("partitions.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
