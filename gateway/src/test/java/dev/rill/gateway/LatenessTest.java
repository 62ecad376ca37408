package dev.rill.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.TopicRegistry;
import dev.rill.gateway.client.RillProducer;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.rill.gateway.RequestReplyTest.Replies;
import static dev.rill.gateway.RequestReplyTest.await;
import static dev.rill.gateway.RequestReplyTest.client;
import static dev.rill.gateway.RequestReplyTest.outRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Late and out-of-order events over real loopback connections (docs/protocol.md §7.8). */
class LatenessTest
{
    private static final byte[] PAYMENTS = RillProducer.topic("payments");
    private static final long HOUR = Duration.ofHours(1).toNanos();
    private static final int LATE = EventSlot.FLAG_LATE;
    private static final int OUT_OF_ORDER = EventSlot.FLAG_OUT_OF_ORDER;

    @TempDir
    Path dir;

    @Test
    void lateEventIsFlaggedInItsResultAndReplyAndCountedWhenTheActionIsFlag() throws Exception
    {
        final LatenessConfig lateness = new LatenessConfig(Duration.ofSeconds(5), LatenessAction.FLAG, null, Map.of());
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withLateness(lateness)))
        {
            final Replies replies = new Replies();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(3, 1), replies, replies))
            {
                final long now = System.currentTimeMillis() * 1_000_000L;
                producer.send(PAYMENTS, 1, now, new double[] {1, 1}, 2, RillProducer.REPLY);
                producer.send(PAYMENTS, 2, now + Duration.ofMillis(1).toNanos() - HOUR, new double[] {2, 1}, 2, RillProducer.REPLY);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                await(() -> replies.flags.size() == 2, "two Replies");
            }
            assertTrue(replies.nacks.isEmpty(), "flag mode refuses nothing: " + replies.nacks);
            assertEquals(List.of(0, LATE | OUT_OF_ORDER), replies.flags, "the late event's Reply says LATE (and out of order: an hour before the first)");
            assertEquals(List.of(0L, (long)(LATE | OUT_OF_ORDER)), outRecords(bus).stream().map(r -> r[1]).toList(), "and so does its Result");
            assertEquals(1, bus.gateway.lateEvents());
            assertEquals(0, bus.gateway.lateRefusals());
        }
    }

    @Test
    void lateEventIsRefusedWithEventTooLateInRejectModeAndTheEventsAroundItAreJournaled() throws Exception
    {
        // Default: an hour, flag; the topic's own setting (1 s, reject) wins.
        final LatenessConfig lateness = new LatenessConfig(Duration.ofHours(1), LatenessAction.FLAG, null,
            Map.of("payments", new TopicLateness(Duration.ofSeconds(1), LatenessAction.REJECT)));
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withLateness(lateness)))
        {
            final Replies replies = new Replies();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(4, 1), replies, replies))
            {
                final long now = System.currentTimeMillis() * 1_000_000L;
                producer.send(PAYMENTS, 1, now, new double[] {1, 1}, 2, (byte)0);
                producer.send(PAYMENTS, 2, now - Duration.ofMinutes(1).toNanos(), new double[] {2, 1}, 2, RillProducer.REPLY);
                producer.send(PAYMENTS, 3, now, new double[] {3, 1}, 2, (byte)0);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
            }
            assertEquals(List.of("ack 1", "ack 3", "nack 2 29"), replies.log.stream().sorted().toList(),
                "the late event alone is refused, with code 29; no Reply for it");
            assertTrue(replies.nacks.get(0).contains("behind the server's clock") && replies.nacks.get(0).contains("allows 1000 ms"),
                replies.nacks.get(0));
            assertEquals(List.of(0L, 0L), outRecords(bus).stream().map(r -> r[1]).toList(), "events 1 and 3 are journaled, unflagged");
            assertEquals(1, bus.gateway.lateRefusals());
            assertEquals(1, bus.gateway.refusedCount(ErrorCode.EVENT_TOO_LATE));
            assertEquals(0, bus.gateway.lateEvents());
        }
    }

    @Test
    void outOfOrderEventsAreFlaggedAndKeepTheOrderTheyWereSentIn() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final Replies replies = new Replies();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(5, 1), replies, replies))
            {
                final long t = System.currentTimeMillis() * 1_000_000L;
                final long ms = 1_000_000L;
                final long[] times = {t, t - 5 * ms, t + ms, t - ms, t + 2 * ms};
                for (int i = 0; i < times.length; i++)
                {
                    producer.send(PAYMENTS, i, times[i], new double[] {i + 1, 1}, 2, (byte)0);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
            }
            final List<long[]> out = outRecords(bus);
            assertEquals(List.of(0L, (long)OUT_OF_ORDER, 0L, (long)OUT_OF_ORDER, 0L), out.stream().map(r -> r[1]).toList(),
                "an event earlier than one sent before it is flagged; none is dropped");
            assertEquals(2, bus.gateway.outOfOrderEvents());
            assertTrue(replies.nacks.isEmpty());
        }
    }

    @Test
    void eventFromTooFarInTheFutureIsRefusedWithValueOutOfRange() throws Exception
    {
        final LatenessConfig lateness = new LatenessConfig(null, LatenessAction.FLAG, Duration.ofMinutes(1), Map.of());
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withLateness(lateness)))
        {
            final Replies replies = new Replies();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(6, 1), replies))
            {
                final long now = System.currentTimeMillis() * 1_000_000L;
                producer.send(PAYMENTS, 1, now + HOUR, new double[] {1, 1}, 2, (byte)0);
                producer.send(PAYMENTS, 2, now - 24 * HOUR, new double[] {2, 1}, 2, (byte)0); // no lateness limit set
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
            }
            assertEquals(List.of("ack 2", "nack 1 27"), replies.log.stream().sorted().toList());
            assertTrue(replies.nacks.get(0).contains("ahead of the server's clock"), replies.nacks.get(0));
        }
    }

    @Test
    void aLatenessOverrideForAnUnknownTopicIsAConfigErrorNamingTheKey()
    {
        final LatenessConfig lateness = new LatenessConfig(null, null, null,
            Map.of("paymnets", new TopicLateness(Duration.ofSeconds(1), null)));
        final ConfigException e = assertThrows(ConfigException.class, () -> new Gateway(
            GatewayConfig.defaults().withLateness(lateness), new TopicRegistry(List.of(TestBus.PAYMENTS)), new OffsetEpochNanoClock()));
        assertTrue(e.getMessage().contains("gateway.lateness.topics.paymnets"), e.getMessage());
    }
}
