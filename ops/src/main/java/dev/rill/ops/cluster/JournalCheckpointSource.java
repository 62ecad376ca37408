package dev.rill.ops.cluster;

import java.util.Objects;

import dev.rill.bus.Journal;
import dev.rill.journal.ProducerTable;

/**
 * Makes a {@link ClusterCheckpoint} from a member's journals and producer table, and checks a
 * loaded one against them.
 *
 * <p>Called on the service thread with the pipeline drained ({@link RillClusteredService} waits
 * for that before a snapshot; at start the pipeline has only replayed recovery), so the producer
 * table, owned by the journal stage, is not being written while it is read.
 */
public final class JournalCheckpointSource implements ClusterCheckpoint.Source
{
    private final Journal in;
    private final Journal out;
    private final ProducerTable producers;

    public JournalCheckpointSource(final Journal in, final Journal out, final ProducerTable producers)
    {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.producers = Objects.requireNonNull(producers, "producers");
    }

    @Override
    public ClusterCheckpoint take(final long logPosition)
    {
        final int n = producers.size();
        final long[] ids = new long[n];
        final long[] seqs = new long[n];
        final int[] epochs = new int[n];
        final int[] i = {0};
        producers.forEach(p ->
        {
            ids[i[0]] = p.id();
            seqs[i[0]] = p.lastSeq();
            epochs[i[0]] = p.epoch();
            i[0]++;
        });
        return new ClusterCheckpoint(logPosition, in.lastIndex(), out.lastIndex(), ids, seqs, epochs);
    }

    /**
     * Every producer the snapshot knows must be journaled here at least as far: the log after the
     * snapshot is all that will be replayed, so a journal that lost events before it (a data
     * directory restored from an old backup, or deleted while the cluster directory was kept)
     * would stay without them.
     */
    @Override
    public void check(final ClusterCheckpoint checkpoint)
    {
        for (int i = 0; i < checkpoint.producerCount(); i++)
        {
            final ProducerTable.Producer p = producers.find(checkpoint.producerIds()[i]);
            final long journaled = p == null ? ProducerTable.NO_SEQ : p.lastSeq();
            if (journaled < checkpoint.lastSeqs()[i])
            {
                throw new IllegalStateException("this member's journal \"in\" holds producer " + checkpoint.producerIds()[i] +
                    " up to seq " + journaled + ", but its cluster snapshot at log position " + checkpoint.logPosition() +
                    " says " + checkpoint.lastSeqs()[i] + " was journaled: the data directory is older than the cluster directory. " +
                    "Rebuild this member: stop it, move its data and cluster directories aside, start it empty and let it catch up " +
                    "from the leader (ops/runbooks/cluster-lost-member.md)");
            }
        }
    }
}
