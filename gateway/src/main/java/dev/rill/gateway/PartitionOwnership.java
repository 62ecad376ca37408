package dev.rill.gateway;

import java.util.Arrays;

import dev.rill.bus.ConfigException;

/**
 * Which partitions of a partitioned bus this node serves ({@code partitions:} in rill.yaml,
 * docs/scale-out.md §3). With it the gateway refuses, with Nack {@code WRONG_PARTITION}, every
 * event whose key's partition ({@link dev.rill.gateway.client.PartitionHash}) is not in
 * {@link #owned()}.
 *
 * @param mapVersion     the version of the partition map this node serves (named in every refusal).
 * @param partitionCount N, the number of partitions of that map.
 * @param owned          the partitions this node serves, each 0 to N-1, no repeats; may be empty (a node
 *                       drained of all its partitions refuses every event). Copied and sorted.
 */
public record PartitionOwnership(long mapVersion, int partitionCount, int[] owned)
{
    public PartitionOwnership
    {
        if (mapVersion < 1)
        {
            throw ConfigException.invalid("partitions.map", "version " + mapVersion, "a partition map whose version is at least 1");
        }
        if (partitionCount < 1 || partitionCount > dev.rill.gateway.client.PartitionMap.MAX_PARTITIONS)
        {
            throw ConfigException.invalid("partitions.map", partitionCount + " partitions",
                "a partition map of 1 to " + dev.rill.gateway.client.PartitionMap.MAX_PARTITIONS + " partitions");
        }
        if (owned == null)
        {
            throw ConfigException.invalid("partitions.owned", null, "a list of the partition ids this node serves, e.g. [0, 2]");
        }
        owned = owned.clone();
        Arrays.sort(owned);
        for (int i = 0; i < owned.length; i++)
        {
            if (owned[i] < 0 || owned[i] >= partitionCount)
            {
                throw ConfigException.invalid("partitions.owned", owned[i], "a partition id of the map, 0 to " + (partitionCount - 1));
            }
            if (i > 0 && owned[i] == owned[i - 1])
            {
                throw ConfigException.invalid("partitions.owned", owned[i], "each partition id once");
            }
        }
    }

    /** @return the owned partitions (a copy). */
    @Override
    public int[] owned()
    {
        return owned.clone();
    }

    /** @return whether this node serves {@code partition}. */
    public boolean owns(final int partition)
    {
        return Arrays.binarySearch(owned, partition) >= 0;
    }

    @Override
    public String toString()
    {
        return "partitions " + Arrays.toString(owned) + " of " + partitionCount + " (map version " + mapVersion + ")";
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof PartitionOwnership p && p.mapVersion == mapVersion && p.partitionCount == partitionCount &&
            Arrays.equals(p.owned, owned);
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(mapVersion) * 31 * 31 + partitionCount * 31 + Arrays.hashCode(owned);
    }
}
