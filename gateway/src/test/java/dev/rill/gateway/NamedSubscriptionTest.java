package dev.rill.gateway;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.CommitEncoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.ProducerSessionEncoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribeEncoder;
import dev.rill.bus.codec.SubscribedDecoder;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.journal.SubscriberPositionStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named subscriptions and Commit over TCP against a real gateway, pipeline, journals and
 * positions store: what is accepted, what is refused with which code, and where NAMED resumes.
 */
class NamedSubscriptionTest
{
    @TempDir
    Path dir;

    private SubscriberPositionStore positions;
    private TestBus bus;
    private final List<Long> outIndexes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception
    {
        positions = SubscriberPositionStore.open(dir, line -> { });
        bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0), g -> g.subscriberPositions(positions));
        try (RillProducer producer = RillProducer.connect(client().withProducer(1, 1), new GatewayTest.Acks()))
        {
            for (int i = 0; i < 20; i++)
            {
                producer.send("payments", i, System.nanoTime(), i, 1);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
        }
        try (RillSubscriber all = RillSubscriber.subscribe(client(), "", StartPosition.EARLIEST, 0, r -> outIndexes.add(r.outIndex())))
        {
            awaitSize(outIndexes, 20);
        }
    }

    @AfterEach
    void stop()
    {
        bus.close();
        positions.close();
    }

    @Test
    void aNamedSubscriptionCommitsAndTheNextNamedOneResumesRightAfterIt() throws Exception
    {
        final List<Long> first = new CopyOnWriteArrayList<>();
        try (RillSubscriber s = RillSubscriber.subscribe(client(), "payments", StartPosition.NAMED, 0, "billing", r -> first.add(r.outIndex())))
        {
            assertEquals(outIndexes.get(0), s.startIndex(), "a new name starts at the oldest Result");
            awaitSize(first, 20);
            s.commit(outIndexes.get(6));
            awaitTrue(() -> positions.find("billing").committed() == outIndexes.get(6));
            assertEquals(0, s.commitRefusals());
        }
        final List<Long> second = new CopyOnWriteArrayList<>();
        try (RillSubscriber s = RillSubscriber.subscribe(client(), "payments", StartPosition.NAMED, 0, "billing", r -> second.add(r.outIndex())))
        {
            assertEquals(outIndexes.get(7), s.startIndex());
            awaitSize(second, 13);
        }
        assertEquals(outIndexes.subList(7, 20), second, "no gap, no repeat");
    }

    @Test
    void aNewNameStartingElsewhereIsRegisteredJustBeforeItsStart() throws Exception
    {
        try (RillSubscriber ignored = RillSubscriber.subscribe(client(), "", StartPosition.INDEX, outIndexes.get(5), "audit", r -> { }))
        {
            awaitTrue(() -> positions.find("audit") != null);
            assertEquals(outIndexes.get(5) - 1, positions.find("audit").committed());
        }
        try (RillSubscriber ignored = RillSubscriber.subscribe(client(), "", StartPosition.LATEST, 0, "tail", r -> { }))
        {
            awaitTrue(() -> positions.find("tail") != null);
            assertEquals(outIndexes.get(19), positions.find("tail").committed(), "everything before LATEST counts as processed");
        }
    }

    @Test
    void commitsThatCannotBeRightAreRefusedWithBadSubscriptionAndTheirIndex() throws Exception
    {
        final long last = outIndexes.get(19);
        try (RawClient raw = helloed())
        {
            raw.sendFrame(commit(5));
            assertNack(raw.readFrame(), ErrorCode.BAD_SUBSCRIPTION, 5, "named subscription");
            raw.sendFrame(subscribe(StartPosition.EARLIEST, 0, "payments", ""));
            assertEquals(SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
            raw.sendFrame(commit(outIndexes.get(3)));
            assertNack(readNonResult(raw), ErrorCode.BAD_SUBSCRIPTION, outIndexes.get(3), "named subscription");
        }
        try (RawClient raw = helloed())
        {
            raw.sendFrame(subscribe(StartPosition.NAMED, 0, "payments", "ledger"));
            assertEquals(SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
            raw.sendFrame(commit(last + 1000));
            assertNack(readNonResult(raw), ErrorCode.BAD_SUBSCRIPTION, last + 1000, "beyond journal out");
            raw.sendFrame(commit(outIndexes.get(10)));
            raw.sendFrame(commit(outIndexes.get(4)));
            assertNack(readNonResult(raw), ErrorCode.BAD_SUBSCRIPTION, outIndexes.get(4), "only move forward");
            assertEquals(outIndexes.get(10), positions.find("ledger").committed(), "the refused Commit changed nothing");
        }
    }

    @Test
    void aNewerSubscriptionTakesTheNameAndTheOlderOnesCommitsAreRefused() throws Exception
    {
        try (RawClient older = helloed(); RawClient newer = helloed())
        {
            older.sendFrame(subscribe(StartPosition.NAMED, 0, "", "ledger"));
            assertEquals(SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(older.readFrame()));
            newer.sendFrame(subscribe(StartPosition.NAMED, 0, "", "ledger"));
            assertEquals(SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(newer.readFrame()));
            older.sendFrame(commit(outIndexes.get(2)));
            assertNack(readNonResult(older), ErrorCode.BAD_SUBSCRIPTION, outIndexes.get(2), "taken by a newer subscription");
            newer.sendFrame(commit(outIndexes.get(3)));
            awaitTrue(() -> positions.find("ledger").committed() == outIndexes.get(3));
        }
    }

    @Test
    void badNamesNamedWithoutANameAndJournalOnlyMessagesAreRefused() throws Exception
    {
        try (RawClient raw = helloed())
        {
            raw.sendFrame(subscribe(StartPosition.NAMED, 0, "payments", ""));
            assertNack(raw.readFrame(), ErrorCode.BAD_SUBSCRIPTION, -1, "needs a subscription name");
            raw.sendFrame(subscribe(StartPosition.EARLIEST, 0, "payments", "no spaces please"));
            assertNack(raw.readFrame(), ErrorCode.BAD_SUBSCRIPTION, -1, "is invalid");
            raw.sendFrame(producerSession());
            assertNack(raw.readFrame(), ErrorCode.UNEXPECTED_MESSAGE, -1, "not sent by clients");
            raw.sendFrame(truncatedName());
            assertNack(raw.readFrame(), ErrorCode.MALFORMED_MESSAGE, -1, "name runs past");
            raw.sendFrame(version1Subscribe());
            assertEquals(SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()), "a version 1 Subscribe (no name) still works");
        }
        assertEquals(java.util.Map.of(), positions.snapshot(), "refused subscriptions registered no name");
    }

    private RawClient helloed() throws Exception
    {
        final RawClient raw = new RawClient(bus.address);
        raw.sendFrame(RawClient.hello(0));
        assertEquals(dev.rill.bus.codec.WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
        return raw;
    }

    /** @return the next frame that is not a Result (a subscriber's stream interleaves with Nacks). */
    private static byte[] readNonResult(final RawClient raw) throws Exception
    {
        while (true)
        {
            final byte[] frame = raw.readFrame();
            if (frame == null || RawClient.templateId(frame) != dev.rill.bus.codec.ResultDecoder.TEMPLATE_ID)
            {
                return frame;
            }
        }
    }

    private static void assertNack(final byte[] frame, final ErrorCode code, final long seq, final String says)
    {
        assertNotNull(frame, "expected a Nack " + code + ", the server closed the connection");
        assertEquals(NackDecoder.TEMPLATE_ID, RawClient.templateId(frame), "expected a Nack " + code);
        final NackDecoder nack = new NackDecoder();
        nack.wrapAndApplyHeader(new UnsafeBuffer(frame), 0, new MessageHeaderDecoder());
        assertEquals(code.code(), nack.code());
        assertEquals(seq, nack.seq(), "a Commit's Nack carries its outIndex");
        final String message = nack.message();
        assertTrue(message.contains(says), message);
    }

    private static byte[] subscribe(final StartPosition start, final long index, final String topic, final String name)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final SubscribeEncoder encoder = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.start(start).index(index).topic(topic).name(name);
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] truncatedName()
    {
        final byte[] full = subscribe(StartPosition.EARLIEST, 0, "payments", "ledger");
        final byte[] cut = new byte[full.length - 3];
        System.arraycopy(full, 0, cut, 0, cut.length);
        return cut;
    }

    private static byte[] version1Subscribe()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final SubscribeEncoder encoder = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.start(StartPosition.EARLIEST).index(0).topic("payments");
        buffer.putShort(6, (short)1, ByteOrder.LITTLE_ENDIAN); // header version 1: a client older than named subscriptions
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] commit(final long outIndex)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final CommitEncoder encoder = new CommitEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.outIndex(outIndex);
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] producerSession()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final ProducerSessionEncoder encoder = new ProducerSessionEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.producerId(1).epoch(2).timeNanos(3);
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private ClientConfig client()
    {
        return ClientConfig.of("127.0.0.1", bus.address.getPort());
    }

    private static void awaitSize(final List<?> list, final int size) throws InterruptedException
    {
        awaitTrue(() -> list.size() >= size);
        assertEquals(size, list.size());
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertTrue(condition.getAsBoolean());
    }
}
