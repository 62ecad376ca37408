package dev.rill.ops.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.cli.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members in one JVM on loopback, each a whole Rill server (gateway, pipeline, Chronicle
 * journals, ONNX model) plus its Aeron Cluster member.
 */
class ReplicatedModeTest
{
    @TempDir
    Path dir;

    @Test
    void followersRefuseProducersWithNotLeaderAndEveryMemberJournalsTheLeadersEventsInTheSameOrder() throws Exception
    {
        final int[] ports = freePorts(LocalCluster.MEMBERS);
        final List<RillConfig> configs = LocalCluster.configs(dir, ports);
        final List<RillServer> servers = new ArrayList<>();
        try
        {
            for (final RillConfig c : configs)
            {
                servers.add(RillServer.start(c));
            }
            assertTrue(LocalCluster.await(() -> leader(servers) >= 0, Duration.ofSeconds(30)), "a leader is elected");
            final int leader = leader(servers);
            final int follower = (leader + 1) % LocalCluster.MEMBERS;
            assertTrue(LocalCluster.await(() -> servers.stream().allMatch(s -> s.cluster().service().leaderMemberId() == leader),
                Duration.ofSeconds(30)), "every member has heard of the new leadership term");

            final RillClientException refused = assertThrows(RillClientException.class, () -> RillProducer.connect(
                ClientConfig.of("127.0.0.1", ports[follower]).withProducer(7, 1).withReconnect(false, null), new Acks()));
            assertEquals(ErrorCode.NOT_LEADER, refused.code(), refused.getMessage());
            assertTrue(refused.getMessage().contains("127.0.0.1:" + ports[leader]), "names the leader's gateway: " + refused.getMessage());

            // A producer given every gateway, the follower first, passes it over and lands on the leader.
            final Acks acks = new Acks();
            final int events = 2000;
            try (RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", ports[follower]).withProducer(7, 1)
                .withFailover(List.of("127.0.0.1:" + ports[(follower + 1) % 3], "127.0.0.1:" + ports[(follower + 2) % 3])), acks))
            {
                final byte[] topic = RillProducer.topic("payments");
                final double[] fields = {42.5, 5411, 14, 3.2, 400, 1};
                for (int i = 0; i < events; i++)
                {
                    fields[0] = 42.5 + i;
                    producer.send(topic, 1000 + (i % 50), System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)), "every event acknowledged");
            }
            assertEquals(events, acks.acked.size());

            for (int m = 0; m < LocalCluster.MEMBERS; m++)
            {
                final RillServer server = servers.get(m);
                assertTrue(LocalCluster.await(() -> results(server).size() >= events, Duration.ofSeconds(30)),
                    "member " + m + " publishes every event");
                final List<Long> seqs = results(server);
                assertEquals(events, seqs.size(), "member " + m + ": exactly one Result per event");
                for (int i = 0; i < events; i++)
                {
                    assertEquals(i + 1, seqs.get(i), "member " + m + ": Result " + i + " in producer order");
                }
            }

            // rill cluster status: one line per member, one leader, every member applied all of the log.
            final List<String> admins = new ArrayList<>();
            for (final RillServer s : servers)
            {
                admins.add("127.0.0.1:" + s.admin().address().getPort());
            }
            assertTrue(LocalCluster.await(() -> CommandRun.of("cluster", "status", "--members", String.join(",", admins)).status() == 0 &&
                servers.stream().allMatch(s -> s.cluster().service().appliedPosition() >= servers.get(leader).cluster().commitPosition()),
                Duration.ofSeconds(30)), "status exits 0 once every member has applied the log");
            final CommandRun status = CommandRun.of("cluster", "status", "--members", String.join(",", admins));
            final List<String> lines = status.out().lines().toList();
            assertEquals(4, lines.size(), status.out());
            assertTrue(lines.get(0).startsWith("member"), status.out());
            assertEquals(1, lines.stream().filter(l -> l.contains(" LEADER ")).count(), status.out());
            for (int m = 1; m < 4; m++)
            {
                final String[] cols = lines.get(m).trim().split("\\s+");
                assertEquals(String.valueOf(leader), cols[2], "every member knows the leader: " + lines.get(m));
                assertEquals("0", cols[5], "no lag: " + lines.get(m));
            }

            servers.get(follower).close();
            final CommandRun degraded = CommandRun.of("cluster", "status", "--members", String.join(",", admins));
            assertEquals(1, degraded.status(), "a silent member makes status exit 1");
            assertTrue(degraded.out().contains("no answer: " + admins.get(follower)), degraded.out());
        }
        finally
        {
            for (final RillServer s : servers)
            {
                s.close();
            }
        }
    }

    static int leader(final List<RillServer> servers)
    {
        for (int i = 0; i < servers.size(); i++)
        {
            final ClusterMember c = servers.get(i).cluster();
            if (c != null && c.isLeader())
            {
                return i;
            }
        }
        return -1;
    }

    /** @return the seqs of producer 7's Results in journal "out", in journal order. */
    static List<Long> results(final RillServer server)
    {
        final List<Long> seqs = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ResultDecoder result = new ResultDecoder();
        try (JournalReader reader = server.out().newReader())
        {
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                if (result.producerId() == 7)
                {
                    seqs.add(result.seq());
                }
            }, 1000) > 0)
            {
                // drain
            }
        }
        catch (final Exception e)
        {
            throw new AssertionError(e);
        }
        return seqs;
    }

    static int[] freePorts(final int n) throws IOException
    {
        final int[] ports = new int[n];
        final List<ServerSocket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                final ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
        }
        finally
        {
            for (final ServerSocket s : sockets)
            {
                s.close();
            }
        }
        return ports;
    }

    static final class Acks implements AckListener
    {
        final Set<Long> acked = ConcurrentHashMap.newKeySet();

        @Override
        public void onAck(final long seq)
        {
            acked.add(seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            throw new AssertionError("event " + seq + " refused: " + code + " " + message);
        }
    }
}
