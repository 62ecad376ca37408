package dev.rill.gateway;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.WelcomeDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayTest
{
    @TempDir
    Path dir;

    @Test
    void acknowledgedEventsAreAllInJournalIn() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final Acks acks = new Acks();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(7, 1), acks))
            {
                for (int i = 0; i < 500; i++)
                {
                    producer.send("payments", i, System.nanoTime(), i, 12);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
            }
            assertEquals(500, acks.acked.size());
            assertTrue(acks.nacked.isEmpty());
            assertEquals(500, count(bus.in.newReader()), "every acknowledged event is in 'in'");
        }
    }

    @Test
    void everyBadFrameGetsItsDocumentedCodeWhileAnotherProducerCarriesOn() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final Acks acks = new Acks();
            try (RillProducer good = RillProducer.connect(client(bus).withProducer(1, 1), acks))
            {
                final Thread sender = new Thread(() ->
                {
                    for (int i = 0; i < 2000; i++)
                    {
                        good.send("payments", i, System.nanoTime(), 10.0 + i, 3);
                    }
                });
                sender.start();

                assertNackCode(bus, RawClient.event(1, "no-such-topic", 1, 2), ErrorCode.UNKNOWN_TOPIC, 1);
                assertNackCode(bus, RawClient.event(2, "payments", 1), ErrorCode.MISSING_FIELD, 2); // fewer than the required fields
                assertNackCode(bus, RawClient.event(2, "payments", 1, 2, 3), ErrorCode.FIELD_COUNT_MISMATCH, 2); // more than the version has
                assertNackCode(bus, RawClient.event(3, "payments", Double.NaN, 2), ErrorCode.NOT_A_NUMBER, 3);
                assertNackCode(bus, RawClient.event(4, "payments", 1, Double.POSITIVE_INFINITY), ErrorCode.NOT_A_NUMBER, 4);
                assertNackCode(bus, withHeader(RawClient.event(5, "payments", 1, 2), 2, 99), ErrorCode.UNKNOWN_MESSAGE_TYPE, -1);
                assertNackCode(bus, withHeader(RawClient.event(6, "payments", 1, 2), 6, MessageHeaderDecoder.SCHEMA_VERSION + 1), ErrorCode.UNSUPPORTED_SCHEMA, -1);
                assertNackCode(bus, withHeader(RawClient.event(7, "payments", 1, 2), 4, 1), ErrorCode.UNSUPPORTED_SCHEMA, -1);
                assertNackCode(bus, truncated(RawClient.event(8, "payments", 1, 2), 30), ErrorCode.MALFORMED_MESSAGE, -1);
                assertNackCode(bus, withHeader(RawClient.event(9, "payments", 1, 2), 2, WelcomeDecoder.TEMPLATE_ID), ErrorCode.UNEXPECTED_MESSAGE, -1);
                assertOversizedFrameIsSkippedAndTheConnectionGoesOn(bus);
                assertBadLengthClosesWithError(bus);
                assertEventBeforeHelloClosesWithError(bus);
                assertSeqMustIncrease(bus);

                sender.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(good.awaitAllAcknowledged(Duration.ofSeconds(20)));
            }
            assertEquals(2000, acks.acked.size(), "the good producer was served throughout");
            assertTrue(acks.nacked.isEmpty());
            assertEquals(1, bus.gateway.refusedCount(ErrorCode.UNKNOWN_TOPIC));
            assertEquals(2, bus.gateway.refusedCount(ErrorCode.NOT_A_NUMBER));
        }
    }

    @Test
    void subscriberReceivesEveryResultInOrderAndLive() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final List<Long> seqs = new CopyOnWriteArrayList<>();
            final List<Long> outIndexes = new CopyOnWriteArrayList<>();
            final List<Double> scores = new CopyOnWriteArrayList<>();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(3, 1), new Acks()))
            {
                for (int i = 0; i < 100; i++)
                {
                    producer.send("payments", i, System.nanoTime(), i, 1);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                try (RillSubscriber ignored = RillSubscriber.subscribe(client(bus), "payments", StartPosition.EARLIEST, 0, r ->
                {
                    outIndexes.add(r.outIndex());
                    seqs.add(r.seq());
                    scores.add(r.score());
                }))
                {
                    for (int i = 100; i < 300; i++)
                    {
                        producer.send("payments", i, System.nanoTime(), i, 1);
                    }
                    assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                    awaitSize(seqs, 300);
                }
            }
            for (int i = 0; i < 300; i++)
            {
                assertEquals(i + 1, seqs.get(i), "results arrive in order");
                assertEquals(i, scores.get(i), 0.0);
                if (i > 0)
                {
                    assertTrue(outIndexes.get(i) > outIndexes.get(i - 1));
                }
            }
        }
    }

    @Test
    void subscriberFromLatestSeesOnlyNewResultsAndFromIndexResumesExactly() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(3, 1), new Acks()))
            {
                for (int i = 0; i < 10; i++)
                {
                    producer.send("payments", i, System.nanoTime(), i, 1);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                final List<Long> all = new CopyOnWriteArrayList<>();
                try (RillSubscriber ignored = RillSubscriber.subscribe(client(bus), "", StartPosition.EARLIEST, 0, r -> all.add(r.outIndex())))
                {
                    awaitSize(all, 10);
                }
                final List<Long> fromIndex = new CopyOnWriteArrayList<>();
                try (RillSubscriber ignored = RillSubscriber.subscribe(client(bus), "", StartPosition.INDEX, all.get(4), r -> fromIndex.add(r.outIndex())))
                {
                    awaitSize(fromIndex, 6);
                }
                assertEquals(all.subList(4, 10), fromIndex);
                final List<Long> latest = new CopyOnWriteArrayList<>();
                try (RillSubscriber ignored = RillSubscriber.subscribe(client(bus), "payments", StartPosition.LATEST, 0, r -> latest.add(r.seq())))
                {
                    producer.send("payments", 99, System.nanoTime(), 1, 1);
                    awaitSize(latest, 1);
                }
                assertEquals(List.of(11L), latest);
            }
        }
    }

    @Test
    void badSubscriptionsAndTruncatedHelloGetNacksAndTheConnectionStaysUsable() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            try (RawClient raw = helloed(bus))
            {
                final byte[] subscribe = subscribe(StartPosition.EARLIEST, 0, "");
                subscribe[MessageHeaderDecoder.ENCODED_LENGTH] = 7; // no such start position
                raw.sendFrame(subscribe);
                assertCode(raw.readFrame(), ErrorCode.BAD_SUBSCRIPTION, -1);
                raw.sendFrame(subscribe(StartPosition.INDEX, 123_456_789L, ""));
                assertCode(raw.readFrame(), ErrorCode.BAD_SUBSCRIPTION, -1);
                raw.sendFrame(subscribe(StartPosition.EARLIEST, 0, "no-such-topic"));
                assertCode(raw.readFrame(), ErrorCode.BAD_SUBSCRIPTION, -1);
                raw.sendFrame(subscribe(StartPosition.EARLIEST, 0, "payments"));
                assertEquals(dev.rill.bus.codec.SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
            }
            try (RawClient raw = new RawClient(bus.address))
            {
                raw.sendFrame(truncated(RawClient.hello(1), 12));
                assertCode(raw.readFrame(), ErrorCode.MALFORMED_MESSAGE, -1);
                raw.sendFrame(RawClient.hello(1));
                assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()), "a complete Hello still works");
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitGetConnectionLimitAndAClose() throws Exception
    {
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withMaxConnections(2));
            RawClient first = helloed(bus);
            RawClient second = helloed(bus);
            RawClient third = new RawClient(bus.address))
        {
            final byte[] error = third.readFrame();
            assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(error));
            assertEquals(ErrorCode.CONNECTION_LIMIT.code(), errorCode(error));
            assertTrue(third.closedByServer());
            first.sendFrame(RawClient.event(1, "payments", 1, 2));
            assertEquals(dev.rill.bus.codec.AckDecoder.TEMPLATE_ID, RawClient.templateId(first.readFrame()), "others are served");
        }
    }

    private static byte[] subscribe(final StartPosition start, final long index, final String topic)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final dev.rill.bus.codec.SubscribeEncoder encoder = new dev.rill.bus.codec.SubscribeEncoder()
            .wrapAndApplyHeader(buffer, 0, new dev.rill.bus.codec.MessageHeaderEncoder());
        encoder.start(start).index(index).topic(topic);
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    @Test
    void duplicateResendAfterReconnectIsDroppedAndAcknowledgedAndWelcomeSaysWhereToResume() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            try (RawClient first = new RawClient(bus.address))
            {
                first.sendFrame(RawClient.hello(77));
                assertEquals(-1, welcomeLastSeq(first.readFrame()), "a new producer has journaled nothing");
                for (int seq = 1; seq <= 5; seq++)
                {
                    first.sendFrame(RawClient.event(seq, "payments", seq, 1));
                }
                awaitAck(first, 5);
            }
            try (RawClient second = new RawClient(bus.address))
            {
                second.sendFrame(RawClient.hello(77));
                assertEquals(5, welcomeLastSeq(second.readFrame()), "Welcome carries the last journaled seq");
                second.sendFrame(RawClient.event(4, "payments", 4, 1)); // a resend: its ack was lost, say
                awaitAck(second, 4);
                second.sendFrame(RawClient.event(6, "payments", 6, 1));
                awaitAck(second, 6);
            }
            assertEquals(6, count(bus.in.newReader()), "the resend was not journaled again");
            assertEquals(6, count(bus.out.newReader()), "nor published again");
        }
        try (TestBus restarted = new TestBus(dir);
            RillProducer producer = RillProducer.connect(client(restarted).withProducer(77, 2), new Acks()))
        {
            assertEquals(7, producer.nextSeq(), "after a restart the Java client resumes after the last journaled seq");
        }
    }

    private static long welcomeLastSeq(final byte[] welcome)
    {
        assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(welcome));
        final WelcomeDecoder decoder = new WelcomeDecoder();
        decoder.wrapAndApplyHeader(new UnsafeBuffer(welcome), 0, new MessageHeaderDecoder());
        return decoder.lastSeq();
    }

    private static void awaitAck(final RawClient raw, final long seq) throws Exception
    {
        final dev.rill.bus.codec.AckDecoder ack = new dev.rill.bus.codec.AckDecoder();
        while (true)
        {
            final byte[] frame = raw.readFrame();
            assertNotNull(frame, "connection closed before Ack " + seq);
            assertEquals(dev.rill.bus.codec.AckDecoder.TEMPLATE_ID, RawClient.templateId(frame));
            ack.wrapAndApplyHeader(new UnsafeBuffer(frame), 0, new MessageHeaderDecoder());
            if (ack.seq() >= seq)
            {
                assertEquals(seq, ack.seq());
                return;
            }
        }
    }

    @Test
    void fullRingPausesProducersAndNothingIsLost() throws Exception
    {
        final PipelineConfig tiny = PipelineConfig.defaults().withRingSize(8).withMaxBatch(4);
        try (TestBus bus = new TestBus(dir, tiny, TimeUnit.MICROSECONDS.toNanos(200)))
        {
            final int producers = 3;
            final int perProducer = 1500;
            final List<Acks> acks = new ArrayList<>();
            final List<Thread> threads = new ArrayList<>();
            final List<RillProducer> clients = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                final Acks a = new Acks();
                acks.add(a);
                final RillProducer producer = RillProducer.connect(client(bus).withProducer(100 + p, 1).withMaxInFlight(1024), a);
                clients.add(producer);
                final Thread t = new Thread(() ->
                {
                    for (int i = 0; i < perProducer; i++)
                    {
                        producer.send("payments", i, System.nanoTime(), i, 5);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (int p = 0; p < producers; p++)
            {
                threads.get(p).join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(clients.get(p).awaitAllAcknowledged(Duration.ofSeconds(60)));
                clients.get(p).close();
                assertEquals(perProducer, acks.get(p).acked.size());
            }
            assertTrue(bus.gateway.pauses() > 0, "the ring filled and producers were paused");
            assertEquals(producers * perProducer, count(bus.in.newReader()));
            assertEquals(producers * perProducer, count(bus.out.newReader()));
        }
    }

    private static void assertOversizedFrameIsSkippedAndTheConnectionGoesOn(final TestBus bus) throws Exception
    {
        try (RawClient raw = helloed(bus))
        {
            final double[] many = new double[1000];
            raw.sendFrame(RawClient.event(11, "payments", many));
            final byte[] nack = raw.readFrame();
            assertCode(nack, ErrorCode.FRAME_TOO_LARGE, 11);
            raw.sendFrame(RawClient.event(12, "payments", 1, 2));
            final byte[] ack = raw.readFrame();
            assertEquals(dev.rill.bus.codec.AckDecoder.TEMPLATE_ID, RawClient.templateId(ack), "the connection still works");
        }
    }

    private static void assertBadLengthClosesWithError(final TestBus bus) throws Exception
    {
        try (RawClient raw = helloed(bus))
        {
            raw.sendRaw(new byte[] {3, 0, 0, 0, 1, 2, 3});
            final byte[] error = raw.readFrame();
            assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(error));
            assertEquals(ErrorCode.BAD_FRAME_LENGTH.code(), errorCode(error));
            assertTrue(raw.closedByServer());
        }
    }

    private static void assertEventBeforeHelloClosesWithError(final TestBus bus) throws Exception
    {
        try (RawClient raw = new RawClient(bus.address))
        {
            // One write: the event, then a Hello and another event that must not be processed.
            final byte[] event = RawClient.frame(RawClient.event(1, "payments", 1, 2));
            final byte[] hello = RawClient.frame(RawClient.hello(4));
            final byte[] all = new byte[event.length * 2 + hello.length];
            System.arraycopy(event, 0, all, 0, event.length);
            System.arraycopy(hello, 0, all, event.length, hello.length);
            System.arraycopy(event, 0, all, event.length + hello.length, event.length);
            raw.sendRaw(all);
            final byte[] error = raw.readFrame();
            assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(error));
            assertEquals(ErrorCode.HELLO_REQUIRED.code(), errorCode(error));
            assertNull(raw.readFrame(), "nothing after the Error (no Welcome, no Ack): the server closed");
        }
    }

    private static void assertSeqMustIncrease(final TestBus bus) throws Exception
    {
        try (RawClient raw = helloed(bus))
        {
            raw.sendFrame(RawClient.event(5, "payments", 1, 2));
            assertEquals(dev.rill.bus.codec.AckDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
            raw.sendFrame(RawClient.event(5, "payments", 1, 2));
            assertCode(raw.readFrame(), ErrorCode.SEQ_NOT_INCREASING, 5);
        }
    }

    @Test
    void aVersionOneEventWithItsShorterBlockIsAcceptedAndAVersionFourEventWithoutItsNewFieldsIsMalformed() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            try (RawClient raw = helloed(bus))
            {
                final byte[] old = RawClient.eventVersionOne(1, "payments", 1, 2);
                assertEquals(EventDecoder.BLOCK_LENGTH - 3, RawClient.blockLength(old));
                raw.sendFrame(old);
                awaitAck(raw, 1);
            }
            // version 4 in the header but the 44-byte block of version 1: schemaVersion and options are missing
            assertNackCode(bus, withHeader(RawClient.eventVersionOne(2, "payments", 1, 2), 6, 4), ErrorCode.MALFORMED_MESSAGE, -1);
            assertEquals(1, bus.gateway.refusedCount(ErrorCode.MALFORMED_MESSAGE));
        }
    }

    private static void assertNackCode(final TestBus bus, final byte[] message, final ErrorCode code, final long seq) throws Exception
    {
        try (RawClient raw = helloed(bus))
        {
            raw.sendFrame(message);
            assertCode(raw.readFrame(), code, seq);
        }
    }

    private static void assertCode(final byte[] nack, final ErrorCode code, final long seq)
    {
        assertNotNull(nack, "expected a Nack for " + code + ", the server closed the connection");
        assertEquals(NackDecoder.TEMPLATE_ID, RawClient.templateId(nack), "expected a Nack for " + code);
        final NackDecoder decoder = new NackDecoder();
        decoder.wrapAndApplyHeader(new UnsafeBuffer(nack), 0, new MessageHeaderDecoder());
        assertEquals(code.code(), decoder.code(), "code for " + code);
        assertEquals(seq, decoder.seq());
        assertTrue(decoder.message().length() > 10, "the Nack says what was wrong");
    }

    private static int errorCode(final byte[] error)
    {
        final ErrorDecoder decoder = new ErrorDecoder();
        decoder.wrapAndApplyHeader(new UnsafeBuffer(error), 0, new MessageHeaderDecoder());
        return decoder.code();
    }

    private static final java.util.concurrent.atomic.AtomicLong NEXT_PRODUCER = new java.util.concurrent.atomic.AtomicLong(9);

    private static RawClient helloed(final TestBus bus) throws Exception
    {
        final RawClient raw = new RawClient(bus.address);
        raw.sendFrame(RawClient.hello(NEXT_PRODUCER.incrementAndGet())); // one session per producer id: a second would fence the first
        assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
        return raw;
    }

    /** Overwrites a message header field: 2 = templateId, 4 = schemaId, 6 = version. */
    private static byte[] withHeader(final byte[] message, final int offset, final int value)
    {
        final byte[] copy = message.clone();
        new UnsafeBuffer(copy).putShort(offset, (short)value, ByteOrder.LITTLE_ENDIAN);
        return copy;
    }

    private static byte[] truncated(final byte[] message, final int length)
    {
        final byte[] copy = new byte[length];
        System.arraycopy(message, 0, copy, 0, length);
        return copy;
    }

    private static ClientConfig client(final TestBus bus)
    {
        return ClientConfig.of("127.0.0.1", bus.address.getPort());
    }

    /** @return Event and Result records read (journal "in" also holds ProducerSession records). */
    private static int count(final JournalReader reader)
    {
        final int[] n = {0};
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        while (reader.poll((index, buffer, offset, length) ->
        {
            final int template = header.wrap(buffer, offset).templateId();
            if (template == EventDecoder.TEMPLATE_ID || template == ResultDecoder.TEMPLATE_ID)
            {
                n[0]++;
            }
        }, 1000) > 0)
        {
            // read to the end
        }
        reader.close();
        return n[0];
    }

    private static void awaitSize(final List<?> list, final int size) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (list.size() < size && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertEquals(size, list.size());
    }

    static final class Acks implements AckListener
    {
        final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> nacked = new ConcurrentLinkedQueue<>();
        final AtomicLong errors = new AtomicLong();

        @Override
        public void onAck(final long seq)
        {
            acked.add(seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            nacked.add(seq);
        }

        @Override
        public void onError(final ErrorCode code, final String message)
        {
            errors.incrementAndGet();
        }
    }
}
