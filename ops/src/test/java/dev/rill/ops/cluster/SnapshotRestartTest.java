package dev.rill.ops.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A follower stopped after a snapshot misses events while it is down; restarted, it loads its
 * snapshot, replays the log after it (dropping what it had journaled already) and catches up: its
 * journal "out" ends up with every event once, in order, as the leader's does.
 */
class SnapshotRestartTest
{
    @TempDir
    Path dir;

    @Test
    void aMemberRestartedFromItsSnapshotCatchesUpWithEveryEventOnceInOrder() throws Exception
    {
        final int[] ports = ReplicatedModeTest.freePorts(LocalCluster.MEMBERS);
        final List<RillConfig> configs = LocalCluster.configs(dir, ports);
        final List<RillServer> servers = new ArrayList<>();
        try
        {
            for (final RillConfig c : configs)
            {
                servers.add(RillServer.start(c));
            }
            assertTrue(LocalCluster.await(() -> ReplicatedModeTest.leader(servers) >= 0, Duration.ofSeconds(30)), "a leader is elected");
            final int leader = ReplicatedModeTest.leader(servers);
            final int follower = (leader + 1) % LocalCluster.MEMBERS;
            final ClientConfig client = ClientConfig.of("127.0.0.1", ports[leader]).withProducer(7, 1);
            try (RillProducer producer = RillProducer.connect(client, new ReplicatedModeTest.Acks()))
            {
                send(producer, 1000);

                // A snapshot at 1000 events, on every member.
                assertTrue(servers.get(leader).cluster().snapshot(), "the leader takes the snapshot request");
                assertTrue(LocalCluster.await(() -> servers.stream().allMatch(s -> s.cluster().service().snapshotsTaken() >= 1),
                    Duration.ofSeconds(30)), "every member wrote its snapshot");

                send(producer, 500);                                     // 1001-1500: the follower journals them too
                assertTrue(LocalCluster.await(() -> ReplicatedModeTest.results(servers.get(follower)).size() == 1500,
                    Duration.ofSeconds(30)), "the follower has 1500 before it stops");
                servers.get(follower).close();
                send(producer, 500);                                     // 1501-2000: committed by the two others
            }

            final RillServer restarted = RillServer.start(configs.get(follower));
            servers.set(follower, restarted);
            final ClusterCheckpoint loaded = restarted.cluster().service().loadedSnapshot();
            assertNotNull(loaded, "the member started from its snapshot");
            assertEquals(1, loaded.producerCount());
            assertEquals(7, loaded.producerIds()[0]);
            assertEquals(1000, loaded.lastSeqs()[0], "the snapshot covers the first 1000 events");
            assertTrue(LocalCluster.await(() -> ReplicatedModeTest.results(restarted).size() >= 2000, Duration.ofSeconds(60)),
                "the restarted member catches up");
            final long leaderCommit = servers.get(leader).cluster().commitPosition();
            assertTrue(LocalCluster.await(() -> restarted.cluster().service().appliedPosition() >= leaderCommit, Duration.ofSeconds(30)),
                "its applied log position reaches the leader's commit position");
            final List<Long> seqs = ReplicatedModeTest.results(restarted);
            assertEquals(2000, seqs.size(), "no Result twice: the replayed 1001-1500 were dropped as already journaled");
            for (int i = 0; i < seqs.size(); i++)
            {
                assertEquals(i + 1, seqs.get(i), "Result " + i + " in order");
            }
            assertEquals(ReplicatedModeTest.results(servers.get(leader)), seqs, "the same Results as the leader's, in the same order");
        }
        finally
        {
            for (final RillServer s : servers)
            {
                s.close();
            }
        }
    }

    private static void send(final RillProducer producer, final int count) throws InterruptedException
    {
        final byte[] topic = RillProducer.topic("payments");
        final double[] fields = {42.5, 5411, 14, 3.2, 400, 1};
        for (int i = 0; i < count; i++)
        {
            producer.send(topic, 1000 + (i % 50), System.currentTimeMillis() * 1_000_000L, fields, fields.length);
        }
        assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)), "every event acknowledged");
    }
}
