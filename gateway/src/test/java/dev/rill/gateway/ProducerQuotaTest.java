package dev.rill.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-producer quotas end to end over TCP: a real gateway, pipeline and journals, the Java
 * producer, and a quota clock the test steps by hand, so how much each producer may send is
 * the bucket's arithmetic and never the wall clock. Quota: 100 events/s, burst 1 s (a full
 * bucket holds 100 events; a connection is read again once a quarter of it, 25 events, has
 * refilled).
 */
class ProducerQuotaTest
{
    private static final long RATE = 100;
    private static final long T0 = 1_000_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong quotaTime = new AtomicLong(T0);

    @Test
    void inRefuseModeEventsBeyondTheQuotaGetNack24AndEveryAcknowledgedEventIsJournaled() throws Exception
    {
        final Fates a = new Fates();
        final Fates b = new Fates();
        try (TestBus bus = bus(QuotaAction.REFUSE);
            RillProducer over = RillProducer.connect(client(bus).withProducer(5, 1), a);
            RillProducer under = RillProducer.connect(client(bus).withProducer(6, 1), b))
        {
            sendAndAwait(over, 100);
            assertEquals(100, a.acked.size(), "a full bucket: 100 events at once");
            assertEquals(0, a.nacked.size());

            final long refusedSeq = over.send("payments", 1, 0, 1, 1);
            awaitTrue(() -> a.nacked.containsKey(refusedSeq), "the 101st event, with the clock stopped, is refused");
            assertEquals(ErrorCode.QUOTA_EXCEEDED, a.nacked.get(refusedSeq));
            assertTrue(a.messages.get(refusedSeq).contains("producer 5 is over its quota of 100 events/s, burst 1s"),
                a.messages.get(refusedSeq));
            assertEquals(1, bus.gateway.quotaRefusals());
            assertEquals(1, bus.gateway.quotaThrottles());
            assertEquals(1, bus.gateway.quotaPausedConnections(), "and the connection is not read until the bucket refills");

            sendAndAwait(under, 60);
            assertEquals(60, b.acked.size(), "another producer under its quota is served while the first is held");
            assertEquals(0, b.nacked.size());
            assertEquals(100, a.acked.size());

            final List<Long> rest = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                rest.add(over.send("payments", 1, 0, 1, 1));
            }
            quotaTime.addAndGet(TimeUnit.MILLISECONDS.toNanos(300)); // 30 events of room
            awaitTrue(() -> bus.gateway.quotaThrottles() == 2 && a.acked.size() >= 130 && a.nacked.containsKey(rest.get(30)),
                "read again, then held again once the 30 are taken");
            assertEquals(130, a.acked.size(), "exactly what 0.3 s at 100 events/s refills");
            assertEquals(ErrorCode.QUOTA_EXCEEDED, a.nacked.get(rest.get(30)), "the first event beyond them is refused");

            quotaTime.addAndGet(TimeUnit.SECONDS.toNanos(10)); // the bucket fills up: at most 100 more
            assertTrue(over.awaitAllAcknowledged(Duration.ofSeconds(30)), "every event gets its answer");
            assertEquals(151, a.acked.size() + a.nacked.size(), "each event acknowledged or refused, once");
            assertTrue(a.acked.size() <= 230, "at most the bucket's arithmetic: " + a.acked.size());
            a.nacked.values().forEach(code -> assertEquals(ErrorCode.QUOTA_EXCEEDED, code));
            assertEquals(a.acked.keySet(), new java.util.HashSet<>(seqsIn(bus, 5)), "'in' holds exactly the acknowledged events");
            assertEquals(a.nacked.size(), bus.gateway.quotaRefusals());
            assertEquals(List.of(new ProducerQuotaCount(5, bus.gateway.quotaThrottles(), a.nacked.size()),
                new ProducerQuotaCount(6, 0, 0)), bus.gateway.producerQuotaCounts());
        }
    }

    @Test
    void inPauseModeEveryEventIsAcknowledgedInOrderAtTheRateTheBucketAllows() throws Exception
    {
        final Fates a = new Fates();
        final Fates b = new Fates();
        try (TestBus bus = bus(QuotaAction.PAUSE);
            RillProducer over = RillProducer.connect(client(bus).withProducer(7, 1), a);
            RillProducer under = RillProducer.connect(client(bus).withProducer(8, 1), b))
        {
            for (int i = 0; i < 250; i++)
            {
                over.send("payments", i, 0, i, 1);
            }
            awaitTrue(() -> bus.gateway.quotaPausedConnections() == 1 && a.acked.size() >= 100,
                "the producer is held once its bucket is empty");
            assertEquals(100, a.acked.size(), "with the clock stopped: the full bucket, 100 events, and not one more");

            sendAndAwait(under, 60);
            assertEquals(60, b.acked.size(), "another producer under its quota is served while the first is held");
            assertEquals(100, a.acked.size());
            assertEquals(1, bus.gateway.quotaPausedConnections());

            quotaTime.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
            awaitTrue(() -> bus.gateway.quotaThrottles() == 2 && a.acked.size() >= 150, "read again, then held again");
            assertEquals(150, a.acked.size(), "100 * (1 s burst + 0.5 s): the bucket's arithmetic");

            quotaTime.addAndGet(TimeUnit.SECONDS.toNanos(1));
            assertTrue(over.awaitAllAcknowledged(Duration.ofSeconds(30)));
            assertEquals(250, a.acked.size(), "nothing lost: every event is acknowledged");
            assertEquals(0, a.nacked.size(), "and nothing refused");
            assertEquals(a.order, sorted(a.order), "acknowledged in send order");
            final List<Long> journaled = seqsIn(bus, 7);
            assertEquals(250, journaled.size());
            assertEquals(sorted(journaled), journaled, "journaled in send order");
            assertEquals(0, bus.gateway.quotaRefusals());
            assertEquals(0, bus.gateway.quotaPausedConnections());
            assertEquals(new ProducerQuotaCount(7, 2, 0), bus.gateway.producerQuotaCounts().get(0));
        }
    }

    @Test
    void aProducerWithoutLimitsInTheOverridesIsNeverHeld() throws Exception
    {
        final QuotaConfig quota = new QuotaConfig(RATE, 0, Duration.ofSeconds(1), QuotaAction.REFUSE,
            Map.of(9L, new QuotaLimits(0, 0, Duration.ofSeconds(1))));
        final Fates fates = new Fates();
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withQuota(quota),
                g -> g.quotaClock(quotaTime::get));
            RillProducer exempt = RillProducer.connect(client(bus).withProducer(9, 1), fates))
        {
            sendAndAwait(exempt, 500);
            assertEquals(500, fates.acked.size(), "five times the default quota with the clock stopped");
            assertEquals(0, bus.gateway.quotaThrottles());
            assertEquals(List.of(), bus.gateway.producerQuotaCounts(), "no bucket, no counters");
        }
    }

    private TestBus bus(final QuotaAction action) throws Exception
    {
        final QuotaConfig quota = new QuotaConfig(RATE, 0, Duration.ofSeconds(1), action, Map.of());
        return new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withQuota(quota),
            g -> g.quotaClock(quotaTime::get));
    }

    private static void sendAndAwait(final RillProducer producer, final int events) throws InterruptedException
    {
        for (int i = 0; i < events; i++)
        {
            producer.send("payments", i, 0, i, 1);
        }
        assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
    }

    private static List<Long> seqsIn(final TestBus bus, final long producerId)
    {
        final List<Long> seqs = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EventDecoder event = new EventDecoder();
        try (JournalReader reader = bus.in.newReader())
        {
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == EventDecoder.TEMPLATE_ID)
                {
                    event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    if (event.producerId() == producerId)
                    {
                        seqs.add(event.seq());
                    }
                }
            }, 1000) > 0)
            {
                // read to the end
            }
        }
        return seqs;
    }

    private static List<Long> sorted(final List<Long> seqs)
    {
        final List<Long> copy = new ArrayList<>(seqs);
        copy.sort(null);
        return copy;
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

    /** What the server answered for each seq, and the order of the acknowledgements. */
    static final class Fates implements AckListener
    {
        final ConcurrentHashMap<Long, Boolean> acked = new ConcurrentHashMap<>();
        final List<Long> order = new CopyOnWriteArrayList<>();
        final ConcurrentHashMap<Long, ErrorCode> nacked = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Long, String> messages = new ConcurrentHashMap<>();

        @Override
        public void onAck(final long seq)
        {
            acked.put(seq, Boolean.TRUE);
            order.add(seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            nacked.put(seq, code);
            messages.put(seq, message);
        }
    }
}
