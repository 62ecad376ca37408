package dev.rill.gateway.client;

/**
 * The function that puts an event's key in a partition, shared by clients and servers so they
 * always agree: {@code partition = floorMod(mix64(key), count)}.
 *
 * <p>{@link #mix64} is the finaliser of SplitMix64 (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", 2014; the same constants as {@code java.util.SplittableRandom}):
 * every input bit affects every output bit, so sequential keys (card ids, account numbers) spread
 * evenly over the partitions. It is fixed: changing it moves every key, so it is part of the
 * protocol (docs/protocol.md §7.9 gives test vectors for clients in other languages).
 *
 * <p>Stateless; any thread; allocates nothing.
 */
public final class PartitionHash
{
    private PartitionHash()
    {
    }

    /**
     * @return the SplitMix64 finaliser of {@code key}:
     *         {@code z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >>> 27)) * 0x94D049BB133111EB; z ^ (z >>> 31)}.
     */
    public static long mix64(final long key)
    {
        long z = key;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param count number of partitions, at least 1.
     * @return the partition of {@code key}: {@code floorMod(mix64(key), count)}, 0 to count - 1.
     */
    public static int partitionOf(final long key, final int count)
    {
        return Math.floorMod(mix64(key), count);
    }
}
