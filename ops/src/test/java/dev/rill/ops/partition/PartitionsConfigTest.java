package dev.rill.ops.partition;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.rill.bus.ConfigException;
import dev.rill.gateway.PartitionOwnership;
import dev.rill.ops.RillConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** rill.yaml's {@code partitions:} section: the map file it names and the partitions the node owns. */
class PartitionsConfigTest
{
    @TempDir
    Path dir;

    @BeforeEach
    void writeMap() throws Exception
    {
        Files.writeString(dir.resolve("partitions.yaml"), """
            version: 3
            partitions:
              - {id: 0, endpoints: ["10.0.0.1:7301"]}
              - {id: 1, endpoints: ["10.0.0.2:7301"]}
              - {id: 2, endpoints: ["10.0.0.1:7301"]}
              - {id: 3, endpoints: ["10.0.0.2:7301"]}
            """);
    }

    @Test
    void theSectionGivesTheGatewayTheMapsVersionAndCountAndTheOwnedPartitions()
    {
        final PartitionOwnership owned = parse("partitions: {map: partitions.yaml, owned: [2, 0]}\n").gateway().partitions();
        assertEquals(3, owned.mapVersion());
        assertEquals(4, owned.partitionCount());
        assertArrayEquals(new int[] {0, 2}, owned.owned());
        assertTrue(owned.owns(2) && !owned.owns(1));
        assertEquals(0, parse("partitions: {map: partitions.yaml, owned: []}\n").gateway().partitions().owned().length,
            "a drained node owns nothing");
        assertNull(parse("dataDir: data\n").gateway().partitions(), "without the section the node is not partitioned");
    }

    @Test
    void mistakesNameTheKey()
    {
        assertError("partitions: {owned: [0]}\n", "partitions.map: value 'null'");
        assertError("partitions: {map: partitions.yaml}\n", "partitions.owned: value 'null'");
        assertError("partitions: {map: partitions.yaml, owned: [4]}\n", "partitions.owned: value '4' is invalid: a partition id of the map, 0 to 3");
        assertError("partitions: {map: partitions.yaml, owned: [1, 1]}\n", "partitions.owned: value '1' is invalid: each partition id once");
        assertError("partitions: {map: missing.yaml, owned: [0]}\n", "partitions.map: ");
        assertError("partitions: {map: partitions.yaml, owned: [0], count: 4}\n", "unknown key 'partitions.count'");
    }

    @Test
    void aBrokenMapFileIsReportedUnderPartitionsMapWithItsOwnKey() throws Exception
    {
        Files.writeString(dir.resolve("partitions.yaml"), "version: 3\npartitions: [{id: 1, endpoints: ['a:1']}]\n");
        assertError("partitions: {map: partitions.yaml, owned: [0]}\n", "partitions.map: ");
        assertError("partitions: {map: partitions.yaml, owned: [0]}\n", "partitions[0].id: value '1' is invalid");
    }

    private RillConfig parse(final String yaml)
    {
        return RillConfig.parse(yaml, "rill.yaml", dir);
    }

    private void assertError(final String yaml, final String expected)
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith("rill.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
