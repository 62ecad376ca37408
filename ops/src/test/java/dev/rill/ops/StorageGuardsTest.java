package dev.rill.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue-4 storage guards as {@code rill serve} wires them: named positions that survive a
 * restart, and the disk reserve. A real server on a loopback port, the real model.
 */
class StorageGuardsTest
{
    @TempDir
    Path dir;

    @Test
    void aNamedSubscriberResumesAfterItsCommitAcrossARestartWithNoGapAndNoDuplicate() throws Exception
    {
        final List<long[]> firstRun = new CopyOnWriteArrayList<>(); // {outIndex, producerId, seq}
        final long committed;
        try (RillServer server = RillServer.start(config()))
        {
            produce(server, 1, 300);
            try (RillSubscriber billing = RillSubscriber.subscribe(client(server), "payments", StartPosition.NAMED, 0, "billing",
                r -> firstRun.add(new long[] {r.outIndex(), r.producerId(), r.seq()})))
            {
                awaitTrue(() -> firstRun.size() == 300, "the new name reads everything");
                committed = firstRun.get(119)[0];
                billing.commit(firstRun.get(99)[0]);
                billing.commit(committed); // processed the first 120
                awaitTrue(() -> server.positions().find("billing").committed() == committed, "the server applied the Commit");
            }
        }

        final List<long[]> secondRun = new CopyOnWriteArrayList<>();
        try (RillServer server = RillServer.start(config()))
        {
            assertEquals(committed, server.positions().find("billing").committed(), "the position survived the restart");
            produce(server, 2, 100);
            try (RillSubscriber billing = RillSubscriber.subscribe(client(server), "payments", StartPosition.NAMED, 0, "billing",
                r -> secondRun.add(new long[] {r.outIndex(), r.producerId(), r.seq()})))
            {
                awaitTrue(() -> secondRun.size() >= 280, "the rest of the first run and the new events");
                TimeUnit.MILLISECONDS.sleep(50); // anything extra would be a duplicate
                assertEquals(firstRun.get(120)[0], billing.startIndex(), "Subscribed announces the first Result after the Commit");
            }
        }
        final List<long[]> expected = new ArrayList<>(firstRun.subList(120, 300));
        assertEquals(280, secondRun.size(), "180 not committed before the restart + 100 after it, nothing more");
        for (int i = 0; i < 180; i++)
        {
            assertEquals(expected.get(i)[0], secondRun.get(i)[0], "Result " + i + " after the Commit, in order: no gap, no repeat");
            assertEquals(expected.get(i)[2], secondRun.get(i)[2]);
        }
        for (int i = 180; i < 280; i++)
        {
            assertEquals(2, secondRun.get(i)[1]);
            assertEquals(i - 179, secondRun.get(i)[2], "then the events sent after the restart");
            assertTrue(secondRun.get(i)[0] > secondRun.get(i - 1)[0]);
        }
    }

    @Test
    void belowTheDiskReserveTheServerRefusesWithDiskFullAndAcceptsAgainOnItsOwn() throws Exception
    {
        try (RillServer server = RillServer.start(config()))
        {
            final Map<Long, ErrorCode> nacked = new ConcurrentHashMap<>();
            final Map<Long, Boolean> acked = new ConcurrentHashMap<>();
            try (RillProducer producer = RillProducer.connect(client(server).withProducer(3, 1), listener(acked, nacked)))
            {
                server.diskMonitor().probe(() -> 1L << 20); // 1 MiB usable: below the default 512 MiB reserve
                server.diskMonitor().check();
                assertEquals(1, server.gateway().belowDiskReserve());
                final long refused = send(producer, 1);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                assertEquals(ErrorCode.DISK_FULL, nacked.get(refused));

                server.diskMonitor().probe(() -> 10L << 30);
                awaitTrue(() -> server.gateway().belowDiskReserve() == 0, "the monitor thread notices space by itself");
                final long accepted = send(producer, 2);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                assertTrue(acked.containsKey(accepted), "the same connection is served again");
                assertEquals(1, server.gateway().diskFullRefusals());
            }
        }
    }

    private static long send(final RillProducer producer, final int n)
    {
        return producer.send("payments", n, System.currentTimeMillis() * 1_000_000L, 42.5, 5411, 14, 3.2, 400, 1);
    }

    private static void produce(final RillServer server, final long producerId, final int count) throws InterruptedException
    {
        try (RillProducer producer = RillProducer.connect(client(server).withProducer(producerId, 1),
            listener(new ConcurrentHashMap<>(), new ConcurrentHashMap<>())))
        {
            for (int i = 0; i < count; i++)
            {
                send(producer, i);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
        }
    }

    private static AckListener listener(final Map<Long, Boolean> acked, final Map<Long, ErrorCode> nacked)
    {
        return new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
                acked.put(seq, Boolean.TRUE);
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                nacked.put(seq, code);
            }
        };
    }

    private static ClientConfig client(final RillServer server)
    {
        return ClientConfig.of("127.0.0.1", server.address().getPort());
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private RillConfig config()
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        return new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(EndToEndTest.MODEL, "payments", 0.0), defaults.topics());
    }
}
