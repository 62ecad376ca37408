package dev.rill.ops.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.ops.soak.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members, each its own {@code rill serve} process. The leader is killed with SIGKILL while
 * idempotent producers send; the survivors elect a new leader, the producers fail over to it and
 * resume by seq, and every acknowledged event has exactly one Result, in order per producer, on
 * both survivors, as their subscribers saw them (no gap, no duplicate).
 */
class LeaderFailoverTest
{
    private static final int PRODUCERS = 3;
    private static final int PER_PRODUCER = 3000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void killingTheLeaderUnderLoadLosesNoAcknowledgedEventAndSurvivorsPublishEachOnceInOrder() throws Exception
    {
        final int[] gateways = ReplicatedModeTest.freePorts(3);
        final int[] admins = ReplicatedModeTest.freePorts(3);
        final int base = 23_000 + ThreadLocalRandom.current().nextInt(300) * 50;
        final List<ServerProcess> members = new ArrayList<>();
        final List<RillSubscriber> subscribers = new ArrayList<>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                members.add(null);
            }
            final List<Thread> starts = new ArrayList<>();
            final List<Throwable> startFailures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final int id = i;
                final Path config = writeConfig(id, gateways, admins, base);
                final Thread t = new Thread(() ->
                {
                    try
                    {
                        members.set(id, ServerProcess.start(config, dir.resolve("member-" + id + ".log"), 120_000));
                    }
                    catch (final Exception e)
                    {
                        startFailures.add(e);
                    }
                });
                t.start();
                starts.add(t);
            }
            for (final Thread t : starts)
            {
                t.join();
            }
            assertEquals(List.of(), startFailures);
            final int[] leader = {-1};
            assertTrue(LocalCluster.await(() -> (leader[0] = leader(admins, -1)) >= 0, Duration.ofSeconds(60)), "a leader is elected");
            final int oldLeader = leader[0];

            // Subscribers on the two followers, from the start of journal out.
            final Map<Integer, List<long[]>> seen = new ConcurrentHashMap<>();
            for (int m = 0; m < 3; m++)
            {
                if (m != oldLeader)
                {
                    final List<long[]> results = new CopyOnWriteArrayList<>();
                    seen.put(m, results);
                    subscribers.add(RillSubscriber.subscribe(ClientConfig.of("127.0.0.1", gateways[m]), "payments",
                        StartPosition.EARLIEST, 0, r -> results.add(new long[] {r.producerId(), r.seq()})));
                }
            }

            final List<String> endpoints = new ArrayList<>();
            for (int m = 0; m < 3; m++)
            {
                endpoints.add("127.0.0.1:" + gateways[(oldLeader + m) % 3]);
            }
            final AtomicLong lastAckNanos = new AtomicLong();
            final AtomicLong killNanos = new AtomicLong(Long.MAX_VALUE);
            final AtomicLong firstAckAfterKill = new AtomicLong(Long.MAX_VALUE);
            final AtomicLong ackedBeforeKill = new AtomicLong();
            final long[][] acked = new long[PRODUCERS][];
            final List<Thread> producers = new ArrayList<>();
            final List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int p = 0; p < PRODUCERS; p++)
            {
                final int index = p;
                final long producerId = 100 + p;
                acked[p] = new long[] {0};
                final Thread t = new Thread(() ->
                {
                    final AckListener listener = new AckListener()
                    {
                        @Override
                        public void onAck(final long seq)
                        {
                            if (seq != acked[index][0] + 1)
                            {
                                failures.add(new AssertionError("producer " + producerId + ": ack " + seq + " after " + acked[index][0]));
                            }
                            acked[index][0] = seq;
                            final long now = System.nanoTime();
                            lastAckNanos.set(now);
                            if (now > killNanos.get())
                            {
                                firstAckAfterKill.accumulateAndGet(now, Math::min);
                            }
                            else
                            {
                                ackedBeforeKill.incrementAndGet();
                            }
                        }

                        @Override
                        public void onNack(final long seq, final ErrorCode code, final String message)
                        {
                            failures.add(new AssertionError("producer " + producerId + ": event " + seq + " refused: " + code + " " + message));
                        }
                    };
                    final ClientConfig client = ClientConfig.of("127.0.0.1", gateways[oldLeader]).withProducer(producerId, 1)
                        .withFailover(endpoints.subList(1, 3)).withMaxInFlight(256);
                    try (RillProducer producer = RillProducer.connect(client, listener))
                    {
                        final byte[] topic = RillProducer.topic("payments");
                        final double[] fields = {10, 5411, 14, 3.2, 400, 1};
                        for (int i = 0; i < PER_PRODUCER; i++)
                        {
                            fields[0] = 10 + i % 500;
                            producer.send(topic, producerId * 1000 + i % 100, System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                        }
                        if (!producer.awaitAllAcknowledged(Duration.ofSeconds(120)))
                        {
                            failures.add(new AssertionError("producer " + producerId + ": not every event acknowledged"));
                        }
                    }
                    catch (final Exception e)
                    {
                        failures.add(e);
                    }
                }, "producer-" + producerId);
                producers.add(t);
                t.start();
            }

            // Under load: kill the leader once a good part is acknowledged.
            assertTrue(LocalCluster.await(() -> ackedBeforeKill.get() >= PRODUCERS * PER_PRODUCER / 4L, Duration.ofSeconds(60)),
                "acks flow before the kill");
            killNanos.set(System.nanoTime());
            members.get(oldLeader).kill();

            for (final Thread t : producers)
            {
                t.join(180_000);
            }
            assertEquals(List.of(), failures);
            final int newLeader = leader(admins, oldLeader);
            assertTrue(newLeader >= 0 && newLeader != oldLeader, "a survivor leads: " + newLeader);
            final long failoverMillis = (firstAckAfterKill.get() - killNanos.get()) / 1_000_000;
            System.out.println("leader " + oldLeader + " killed after " + ackedBeforeKill.get() + " acks; member " + newLeader +
                " leads; acknowledgements flowed again after " + failoverMillis + " ms");
            for (int p = 0; p < PRODUCERS; p++)
            {
                assertEquals(PER_PRODUCER, acked[p][0], "producer " + (100 + p) + ": every event acknowledged");
            }

            final int total = PRODUCERS * PER_PRODUCER;
            for (final Map.Entry<Integer, List<long[]>> e : seen.entrySet())
            {
                final List<long[]> results = e.getValue();
                assertTrue(LocalCluster.await(() -> results.size() >= total, Duration.ofSeconds(60)),
                    "member " + e.getKey() + "'s subscriber sees every Result: " + results.size());
                final long[] last = new long[PRODUCERS];
                for (final long[] r : results)
                {
                    final int p = (int)(r[0] - 100);
                    assertEquals(last[p] + 1, r[1], "member " + e.getKey() + ", producer " + r[0] + ": no gap, no duplicate, in order");
                    last[p] = r[1];
                }
                assertEquals(total, results.size(), "member " + e.getKey() + ": exactly one Result per event");
            }
        }
        finally
        {
            for (final RillSubscriber s : subscribers)
            {
                s.close();
            }
            for (final ServerProcess m : members)
            {
                if (m != null)
                {
                    m.kill();
                }
            }
        }
    }

    /** @return the member whose /cluster page says LEADER (other than {@code except}), -1 for none. */
    static int leader(final int[] admins, final int except)
    {
        final HttpClient http = HttpClient.newHttpClient();
        for (int m = 0; m < admins.length; m++)
        {
            if (m == except)
            {
                continue;
            }
            try
            {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admins[m] + "/cluster"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                final JsonNode status = JSON.readTree(r.body());
                if ("LEADER".equals(status.path("role").asText()))
                {
                    return m;
                }
            }
            catch (final Exception e)
            {
                // not up, or killed: not the leader
            }
        }
        return -1;
    }

    private Path writeConfig(final int id, final int[] gateways, final int[] admins, final int base) throws Exception
    {
        final StringBuilder members = new StringBuilder();
        for (int m = 0; m < 3; m++)
        {
            members.append("    - { id: ").append(m).append(", host: 127.0.0.1, portBase: ").append(base + m * 10)
                .append(", gateway: \"127.0.0.1:").append(gateways[m]).append("\" }\n");
        }
        final Path config = dir.resolve("member-" + id + ".yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dir.resolve("member-" + id).toAbsolutePath(),
            "gateway:",
            "  port: " + gateways[id],
            "admin:",
            "  port: " + admins[id],
            "model:",
            "  directory: " + LocalCluster.MODEL.toAbsolutePath().normalize(),
            "cluster:",
            "  memberId: " + id,
            "  aeronDir: " + dir.resolve("aeron-" + id).toAbsolutePath(),
            "  leaderHeartbeatTimeout: 1s",
            "  members:",
            members.toString()));
        return config;
    }
}
