package dev.rill.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.rill.bus.DiskFullAction;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.journal.DiskSpaceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The disk reserve end to end over TCP: a real gateway, pipeline and journals, and the real
 * {@link DiskSpaceMonitor} with a simulated free-space probe. The monitor's own thread is parked
 * for an hour; the test runs each check itself, so every transition happens at a known point.
 */
class DiskReserveTest
{
    private static final long RESERVE = 512L << 20;
    private static final long PLENTY = 10L << 30;
    private static final long SCARCE = 100L << 20;

    @TempDir
    Path dir;

    @Test
    void belowTheReserveNewEventsGetDiskFullAndTheSameProducerIsAcknowledgedAgainOnceSpaceFrees() throws Exception
    {
        final AtomicLong free = new AtomicLong(PLENTY);
        final List<String> log = new CopyOnWriteArrayList<>();
        final Fates fates = new Fates();
        // A slow scoring stage keeps events in the ring while the disk "fills": they must still be journaled.
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), TimeUnit.MICROSECONDS.toNanos(200),
                GatewayConfig.defaults().withPort(0), g -> g.onDiskFull(DiskFullAction.REFUSE));
            DiskSpaceMonitor monitor = monitor(free, DiskFullAction.REFUSE, bus.gateway, log);
            RillProducer producer = RillProducer.connect(client(bus).withProducer(5, 1), fates))
        {
            for (int i = 0; i < 300; i++)
            {
                producer.send("payments", i, System.nanoTime(), i, 1);
            }
            free.set(SCARCE);
            monitor.check(); // from here on, every new event is refused
            assertEquals(1, bus.gateway.belowDiskReserve(), "the gauge shows the state");
            final Set<Long> sentWhileFull = new HashSet<>();
            for (int i = 0; i < 50; i++)
            {
                sentWhileFull.add(producer.send("payments", i, System.nanoTime(), i, 2));
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
            for (final long seq : sentWhileFull)
            {
                assertEquals(ErrorCode.DISK_FULL, fates.nacked.get(seq), "seq " + seq + " sent below the reserve is refused with DISK_FULL");
            }
            assertTrue(bus.gateway.diskFullRefusals() >= 50);

            free.set(PLENTY);
            monitor.check();
            assertEquals(0, bus.gateway.belowDiskReserve());
            final Set<Long> sentAfter = new HashSet<>();
            for (int i = 0; i < 100; i++)
            {
                sentAfter.add(producer.send("payments", i, System.nanoTime(), i, 3));
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
            assertTrue(producer.isOpen(), "the producer never had to reconnect");
            assertTrue(fates.acked.keySet().containsAll(sentAfter), "the same connection is acknowledged again");

            assertEquals(450, fates.acked.size() + fates.nacked.size(), "every event got exactly one answer");
            assertEquals(fates.acked.keySet(), producerSeqsIn(bus), "'in' holds exactly the acknowledged events: none lost, none refused");
            assertEquals(2, log.size(), "one log line per transition: " + log);
            assertTrue(log.get(0).contains("below journal.diskReserve") && log.get(0).contains("refused with DISK_FULL"), log.get(0));
            assertTrue(log.get(1).contains("accepted again"), log.get(1));
        }
    }

    @Test
    void inPauseModeProducersAreNotReadBelowTheReserveAndEverythingIsAcknowledgedWhenSpaceFrees() throws Exception
    {
        final AtomicLong free = new AtomicLong(SCARCE);
        final Fates fates = new Fates();
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0),
                g -> g.onDiskFull(DiskFullAction.PAUSE));
            DiskSpaceMonitor monitor = monitor(free, DiskFullAction.PAUSE, bus.gateway, new CopyOnWriteArrayList<>());
            RillProducer producer = RillProducer.connect(client(bus).withProducer(6, 1), fates))
        {
            assertEquals(1, bus.gateway.belowDiskReserve(), "the first check runs before anything is accepted");
            for (int i = 0; i < 200; i++)
            {
                producer.send("payments", i, System.nanoTime(), i, 1);
            }
            awaitTrue(() -> bus.gateway.diskPausedConnections() == 1, "the producing connection is paused");
            assertEquals(0, fates.acked.size(), "nothing is journaled below the reserve");
            assertEquals(0, fates.nacked.size(), "and nothing is refused: producers wait");
            assertEquals(0, bus.gateway.acceptedEvents());

            free.set(PLENTY);
            monitor.check();
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)), "the connection resumes by itself");
            assertEquals(200, fates.acked.size());
            assertEquals(0, bus.gateway.diskPausedConnections());
            assertEquals(fates.acked.keySet(), producerSeqsIn(bus));
        }
    }

    private static DiskSpaceMonitor monitor(
        final AtomicLong free, final DiskFullAction action, final Gateway gateway, final List<String> log)
    {
        return new DiskSpaceMonitor("test-data", free::get, RESERVE, TimeUnit.HOURS.toNanos(1), action, gateway, log::add);
    }

    private static Set<Long> producerSeqsIn(final TestBus bus)
    {
        final Set<Long> seqs = new HashSet<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EventDecoder event = new EventDecoder();
        try (JournalReader reader = bus.in.newReader())
        {
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() != EventDecoder.TEMPLATE_ID)
                {
                    return; // the producer's ProducerSession record
                }
                event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                assertTrue(seqs.add(event.seq()), "seq " + event.seq() + " journaled once");
            }, 1000) > 0)
            {
                // read to the end
            }
        }
        return seqs;
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private static ClientConfig client(final TestBus bus)
    {
        return ClientConfig.of("127.0.0.1", bus.address.getPort());
    }

    /** What the server answered for each seq. */
    static final class Fates implements AckListener
    {
        final ConcurrentHashMap<Long, Boolean> acked = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Long, ErrorCode> nacked = new ConcurrentHashMap<>();

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
    }
}
