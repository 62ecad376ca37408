package dev.rill.ops.partition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.gateway.PartitionOwnership;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.PartitionAckListener;
import dev.rill.gateway.client.PartitionHash;
import dev.rill.gateway.client.PartitionMap;
import dev.rill.gateway.client.PartitionedProducer;
import dev.rill.gateway.client.RillProducer;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitioned mode through real servers on loopback (docs/scale-out.md §3): each server owns some
 * partitions and refuses the rest with Nack 36 WRONG_PARTITION; a {@link PartitionedProducer}
 * routes each key to its owner and follows a partition that moves, without loss or duplicates,
 * as read back from every server's journal "in".
 */
class PartitionedBusTest
{
    private static final Path MODEL = Path.of("..", "models", "fraud", "1");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 3;
    private static final long BASE_PRODUCER = 7;

    @TempDir
    Path dir;

    @Test
    void aNodeRefusesKeysOfPartitionsItDoesNotOwnWithWrongPartitionAndJournalsOnlyItsOwn() throws Exception
    {
        final long ownedKey = keyIn(0, 2, 0);
        final long foreignKey = keyIn(1, 2, 0);
        final Outcomes outcomes = new Outcomes();
        try (RillServer server = start("solo", 0, 4, 2, 0))
        {
            try (RillProducer producer = RillProducer.connect(
                ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(1, 1), outcomes))
            {
                producer.send("payments", ownedKey, now(), payment(1));
                producer.send("payments", foreignKey, now(), payment(2));
                assertTrue(producer.awaitAllAcknowledged(WAIT));
            }
            assertEquals(List.of(1L), outcomes.acked);
            assertEquals(1, outcomes.nacks.size(), outcomes.nacks.toString());
            final String nack = outcomes.nacks.get(0);
            assertTrue(nack.startsWith("2 WRONG_PARTITION "), nack);
            assertTrue(nack.contains("key " + foreignKey + " is in partition 1 of 2"), "names the key's partition: " + nack);
            assertTrue(nack.contains("it owns [0] of partition map version 4"), "names what the node owns and its map version: " + nack);
            assertEquals(1, server.gateway().refusedCount(ErrorCode.WRONG_PARTITION));
            awaitTrue(() -> server.deadLetters().written() == 1, "the refused event in the dead-letter journal");
        }
        final List<long[]> journaled = journaled("solo");
        assertEquals(1, journaled.size(), "only the owned key is journaled");
        assertEquals(ownedKey, journaled.get(0)[2]);
    }

    @Test
    void eachKeyLandsOnceOnTheServerOwningItsPartition() throws Exception
    {
        final RillServer[] servers = new RillServer[PARTITIONS];
        final Acks acks = new Acks();
        final int events = 3000;
        try
        {
            for (int p = 0; p < PARTITIONS; p++)
            {
                servers[p] = start("node" + p, 0, 1, PARTITIONS, p);
            }
            final Path mapFile = writeMap(1, port(servers[0]), port(servers[1]), port(servers[2]));
            try (PartitionedProducer producer = PartitionedProducer.connect(
                ClientConfig.of("127.0.0.1", 1).withProducer(BASE_PRODUCER, 1).withMaxInFlight(256), PartitionMap.reloading(mapFile), acks))
            {
                for (int i = 0; i < events; i++)
                {
                    producer.send("payments", key(i), now(), payment(i));
                }
                assertTrue(producer.awaitAllAcknowledged(WAIT), producer.outstanding() + " events not acknowledged");
                assertEquals(0, producer.rerouted());
            }
        }
        finally
        {
            closeAll(servers);
        }
        assertEquals(List.of(), acks.problems);
        assertEquals(events, acks.total());
        final Map<Long, String> where = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++)
        {
            final Set<Long> seqs = new HashSet<>();
            for (final long[] e : journaled("node" + p))
            {
                assertEquals(p, PartitionHash.partitionOf(e[2], PARTITIONS), "node" + p + " holds key " + e[2] + " of another partition");
                assertEquals(PartitionedProducer.producerId(BASE_PRODUCER, p), e[0], "partition " + p + "'s producer id");
                assertTrue(seqs.add(e[1]), "seq " + e[1] + " journaled twice on node" + p);
                assertEquals(null, where.put(e[2], "node" + p), "key " + e[2] + " journaled twice");
            }
            assertEquals(acks.seqs(p), seqs, "partition " + p + ": the acknowledged seqs are the journaled ones");
            assertTrue(seqs.size() > events / PARTITIONS * 0.9, "partition " + p + " got " + seqs.size() + " of " + events);
        }
        assertEquals(events, where.size(), "every event journaled");
    }

    @Test
    void aMovedPartitionsRefusedEventsAreReroutedToTheNewOwnerWithoutLossOrDuplicates() throws Exception
    {
        final RillServer[] servers = new RillServer[PARTITIONS];
        final Acks acks = new Acks();
        final int batch = 1500;
        long refusedByOldOwner = 0;
        long deadLettersOfOldOwner = 0;
        int journaledBeforeTheMove = -1;
        long rerouted;
        try
        {
            // Version 1: node0 owns 0, node1 owns 1, node2 owns 2.
            for (int p = 0; p < PARTITIONS; p++)
            {
                servers[p] = start("node" + p, 0, 1, PARTITIONS, p);
            }
            final int[] ports = {port(servers[0]), port(servers[1]), port(servers[2])};
            final Path mapFile = writeMap(1, ports[0], ports[1], ports[2]);
            try (PartitionedProducer producer = PartitionedProducer.connect(
                ClientConfig.of("127.0.0.1", 1).withProducer(BASE_PRODUCER, 1).withMaxInFlight(64), PartitionMap.reloading(mapFile), acks))
            {
                sendBatch(producer, 0, batch);
                assertTrue(producer.awaitAllAcknowledged(WAIT), producer.outstanding() + " events not acknowledged");

                // Move partition 1 from node1 to node2 (ops/runbooks/partition-move.md): (1) the new owner serves it,
                servers[2].close();
                servers[2] = start("node2", ports[2], 2, PARTITIONS, 1, 2);
                // (2) the new map is published, (3) the old owner stops serving it, while events keep coming.
                writeMap(2, ports[0], ports[2], ports[2]);
                final CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> sendBatch(producer, batch, batch));
                servers[1].close();
                journaledBeforeTheMove = journaled("node1").size();
                servers[1] = start("node1", ports[1], 2, PARTITIONS);
                sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                sendBatch(producer, 2 * batch, batch); // anything still routed to node1 is refused there now
                assertTrue(producer.awaitAllAcknowledged(WAIT), producer.outstanding() + " events not acknowledged");
                rerouted = producer.rerouted();
                assertEquals(2, producer.map().version(), "the producer follows map version 2");
            }
            refusedByOldOwner = servers[1].gateway().refusedCount(ErrorCode.WRONG_PARTITION);
            final RillServer oldOwner = servers[1];
            final long refusals = refusedByOldOwner;
            awaitTrue(() -> oldOwner.deadLetters().written() == refusals, "one dead letter per refusal");
            deadLettersOfOldOwner = oldOwner.deadLetters().written();
        }
        finally
        {
            closeAll(servers);
        }
        final int sent = 3 * batch;
        assertEquals(List.of(), acks.problems, "no event was refused for good");
        assertTrue(refusedByOldOwner > 0, "the old owner refused partition 1's events after the move");
        assertEquals(refusedByOldOwner, rerouted, "every refusal was sent again to the new owner");
        assertEquals(refusedByOldOwner, acks.rerouted.get());
        assertEquals(refusedByOldOwner, deadLettersOfOldOwner);
        assertEquals(sent, acks.total(), "one Ack per event sent");

        final List<long[]> node1 = journaled("node1");
        assertEquals(journaledBeforeTheMove, node1.size(), "the old owner journaled nothing after it stopped owning partition 1");
        final Map<Long, String> where = new HashMap<>();
        final Map<Long, Set<Long>> seqsByProducer = new HashMap<>();
        int partitionOneOnNewOwner = 0;
        for (int n = 0; n < PARTITIONS; n++)
        {
            for (final long[] e : journaled("node" + n))
            {
                final int p = PartitionHash.partitionOf(e[2], PARTITIONS);
                assertTrue(n == p || (p == 1 && n == 2), "node" + n + " journaled key " + e[2] + " of partition " + p);
                partitionOneOnNewOwner += p == 1 && n == 2 ? 1 : 0;
                assertEquals(null, where.put(e[2], "node" + n), "key " + e[2] + " journaled twice (also on " + where.get(e[2]) + ")");
                assertTrue(seqsByProducer.computeIfAbsent(e[0], k -> new HashSet<>()).add(e[1]),
                    "(producer " + e[0] + ", seq " + e[1] + ") journaled twice across the servers");
            }
        }
        assertEquals(sent, where.size(), "every event sent is journaled exactly once across the servers");
        assertTrue(partitionOneOnNewOwner > 0, "partition 1's later events are on the new owner");
        // Order per partition survives the move: keys were sent in increasing order, the refused ones were
        // sent again before anything later, so partition 1 reads in key order across the old and the new owner.
        final List<Long> partitionOne = new ArrayList<>();
        for (final String n : List.of("node1", "node2"))
        {
            journaled(n).stream().filter(e -> e[0] == PartitionedProducer.producerId(BASE_PRODUCER, 1)).forEach(e -> partitionOne.add(e[2]));
        }
        for (int i = 1; i < partitionOne.size(); i++)
        {
            assertTrue(partitionOne.get(i) > partitionOne.get(i - 1), "partition 1 out of send order at " + i + ": key " +
                partitionOne.get(i) + " after " + partitionOne.get(i - 1));
        }
        for (int p = 0; p < PARTITIONS; p++)
        {
            assertEquals(acks.seqs(p), seqsByProducer.get(PartitionedProducer.producerId(BASE_PRODUCER, p)),
                "partition " + p + ": the acknowledged seqs are exactly the journaled ones");
        }
    }

    @Test
    void aRefusedEventWithNoNewOwnerGoesBackToTheCallerAfterTheMoveTimeout() throws Exception
    {
        final Acks acks = new Acks();
        try (RillServer drained = start("drained", 0, 1, 1))
        {
            final Path mapFile = writeMap(1, port(drained));
            try (PartitionedProducer producer = PartitionedProducer.connect(ClientConfig.of("127.0.0.1", 1).withProducer(BASE_PRODUCER, 1),
                PartitionMap.reloading(mapFile), acks, Duration.ofMillis(300)))
            {
                final long seq = producer.send("payments", 42, now(), payment(1));
                assertTrue(producer.awaitAllAcknowledged(WAIT), "the refusal is final once the move timeout passes");
                assertEquals(1, acks.problems.size(), acks.problems.toString());
                final String nack = acks.problems.get(0);
                assertTrue(nack.startsWith("partition 0 seq " + seq + " WRONG_PARTITION: "), nack);
                assertTrue(nack.contains("not sent again: no partition map newer than version 1 gives partition 0 another owner"), nack);
                assertEquals(0, producer.rerouted());
            }
        }
        assertEquals(0, acks.total());
        assertEquals(List.of(), journaled("drained"));
    }

    private RillServer start(final String name, final int port, final long mapVersion, final int partitions, final int... owned)
    {
        final RillConfig d = RillConfig.defaults(dir.resolve(name));
        return RillServer.start(d.withModel(new ModelConfig(MODEL, "payments", 0.0))
            .withAdmin(AdminConfig.defaults().withPort(0))
            .withGateway(d.gateway().withPort(port).withPartitions(new PartitionOwnership(mapVersion, partitions, owned))));
    }

    private Path writeMap(final long version, final int... ports) throws Exception
    {
        final StringBuilder yaml = new StringBuilder("version: " + version + "\npartitions:\n");
        for (int p = 0; p < ports.length; p++)
        {
            yaml.append("  - {id: ").append(p).append(", endpoints: [\"127.0.0.1:").append(ports[p]).append("\"]}\n");
        }
        final Path file = dir.resolve("partitions.yaml");
        final Path next = dir.resolve("partitions.yaml.next");
        Files.writeString(next, yaml);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // readers never see half a map
        return file;
    }

    private static void sendBatch(final PartitionedProducer producer, final int from, final int count)
    {
        for (int i = from; i < from + count; i++)
        {
            producer.send("payments", key(i), now(), payment(i));
        }
    }

    /** @return {producerId, seq, key} of every Event in the node's journal "in", in journal order. */
    private List<long[]> journaled(final String node)
    {
        final List<long[]> events = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EventDecoder event = new EventDecoder();
        try (ChronicleJournal in = ChronicleJournal.openReadOnly(JournalConfig.of(dir.resolve(node)), RillServer.IN);
             JournalReader reader = in.newReader())
        {
            reader.toStart();
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == EventDecoder.TEMPLATE_ID)
                {
                    event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    events.add(new long[] {event.producerId(), event.seq(), event.key()});
                }
            }, 1000) > 0)
            {
                // drain
            }
        }
        return events;
    }

    private static long key(final int i)
    {
        return 4_000_000_000L + i; // card-like ids, sequential
    }

    /** @return the n-th key (from 0) that falls in {@code partition} of {@code count}. */
    private static long keyIn(final int partition, final int count, final int n)
    {
        int seen = 0;
        for (long k = 1; ; k++)
        {
            if (PartitionHash.partitionOf(k, count) == partition && seen++ == n)
            {
                return k;
            }
        }
    }

    private static double[] payment(final int i)
    {
        return new double[] {10 + i % 90, 5411, 14, 3.2, 400, 1};
    }

    private static long now()
    {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static int port(final RillServer server)
    {
        return server.address().getPort();
    }

    private static void closeAll(final RillServer[] servers)
    {
        for (final RillServer s : servers)
        {
            if (s != null)
            {
                s.close();
            }
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Every (partition, seq) acknowledged, how often, and anything refused for good; from any thread. */
    private static final class Acks implements PartitionAckListener
    {
        final Map<Integer, Map<Long, AtomicInteger>> acked = new ConcurrentHashMap<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final AtomicInteger rerouted = new AtomicInteger();

        @Override
        public void onAck(final int partition, final long seq)
        {
            if (acked.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).computeIfAbsent(seq, s -> new AtomicInteger())
                .incrementAndGet() > 1)
            {
                problems.add("partition " + partition + " seq " + seq + " acknowledged twice");
            }
        }

        @Override
        public void onNack(final int partition, final long seq, final ErrorCode code, final String message)
        {
            problems.add("partition " + partition + " seq " + seq + " " + code + ": " + message);
        }

        @Override
        public void onRerouted(final int partition, final long refusedSeq, final long seq, final long mapVersion)
        {
            rerouted.incrementAndGet();
            if (seq <= refusedSeq || mapVersion != 2 || partition != 1)
            {
                problems.add("rerouted partition " + partition + " seq " + refusedSeq + " as " + seq + " under map " + mapVersion);
            }
        }

        Set<Long> seqs(final int partition)
        {
            return new HashSet<>(acked.getOrDefault(partition, Map.of()).keySet());
        }

        int total()
        {
            return acked.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** Acked seqs and Nacks as "seq CODE message" of a plain producer. */
    private static final class Outcomes implements AckListener
    {
        final List<Long> acked = new CopyOnWriteArrayList<>();
        final List<String> nacks = new CopyOnWriteArrayList<>();

        @Override
        public void onAck(final long seq)
        {
            acked.add(seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            nacks.add(seq + " " + code + " " + message);
        }
    }
}
