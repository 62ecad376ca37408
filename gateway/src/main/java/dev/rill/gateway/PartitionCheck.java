package dev.rill.gateway;

import java.util.Arrays;

import dev.rill.gateway.client.PartitionHash;

/**
 * The gateway's test of an event's key against the partitions this node owns
 * ({@link PartitionOwnership}). One instance per gateway, shared by its connections.
 *
 * <p>Immutable; any thread. {@link #refusal(long)} allocates nothing for an owned key (a hash
 * and an array read); the message of a refused key is built then.
 */
final class PartitionCheck
{
    private final boolean[] owned;
    private final String ownedText;
    private final long mapVersion;

    PartitionCheck(final PartitionOwnership ownership)
    {
        this.owned = new boolean[ownership.partitionCount()];
        for (final int p : ownership.owned())
        {
            owned[p] = true;
        }
        this.ownedText = Arrays.toString(ownership.owned());
        this.mapVersion = ownership.mapVersion();
    }

    /**
     * @return null when this node owns {@code key}'s partition; else the Nack message of
     *         {@code WRONG_PARTITION}, naming the key's partition, the partitions owned and the map version.
     */
    String refusal(final long key)
    {
        final int partition = PartitionHash.partitionOf(key, owned.length);
        if (owned[partition])
        {
            return null;
        }
        return "key " + key + " is in partition " + partition + " of " + owned.length + ", which this server does not own " +
            "(it owns " + ownedText + " of partition map version " + mapVersion + "); the event was not journaled: " +
            "reload the partition map and send it to partition " + partition + "'s owner";
    }
}
