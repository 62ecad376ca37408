package dev.rill.ops;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import dev.rill.bus.ConfigException;
import dev.rill.gateway.PartitionOwnership;
import dev.rill.gateway.client.PartitionMap;

/**
 * {@code partitions:} of rill.yaml as written: the partition map this node serves and the
 * partitions of it that it owns (docs/scale-out.md §3).
 *
 * <pre>
 * partitions:
 *   map: partitions.yaml   # the operator's partition map (relative to rill.yaml); its version and N are read from it
 *   owned: [0, 2]          # the ids this node serves; events of any other partition get Nack 36 WRONG_PARTITION
 * </pre>
 *
 * <p>Read once, when the configuration is read; allocates only then.
 *
 * @param map   path of the partition map file.
 * @param owned partition ids this node serves.
 */
record PartitionsSection(String map, List<Integer> owned)
{
    /** @return the ownership, with the map's version and partition count; ConfigException naming the key when wrong. */
    PartitionOwnership toOwnership(final Path baseDir)
    {
        if (map == null || map.isBlank())
        {
            throw ConfigException.invalid("partitions.map", map, "the path of the partition map file (partitions.yaml), " +
                "relative to this file");
        }
        if (owned == null)
        {
            throw ConfigException.invalid("partitions.owned", null, "a list of the partition ids this node serves, e.g. [0, 2] " +
                "([] for none)");
        }
        final Path file;
        try
        {
            file = baseDir.resolve(map);
        }
        catch (final InvalidPathException e)
        {
            throw ConfigException.invalid("partitions.map", map, "a file path (" + e.getReason() + ")");
        }
        final PartitionMap partitionMap;
        try
        {
            partitionMap = PartitionMap.load(file);
        }
        catch (final ConfigException e)
        {
            throw new ConfigException("partitions.map: " + e.getMessage());
        }
        final int[] ids = new int[owned.size()];
        for (int i = 0; i < ids.length; i++)
        {
            if (owned.get(i) == null)
            {
                throw ConfigException.invalid("partitions.owned", owned, "partition ids, whole numbers");
            }
            ids[i] = owned.get(i);
        }
        return new PartitionOwnership(partitionMap.version(), partitionMap.count(), ids);
    }
}
