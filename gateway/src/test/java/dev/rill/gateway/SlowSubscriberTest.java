package dev.rill.gateway;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribeEncoder;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber that does not read (a small receive buffer, nothing read) beside a producer and a
 * fast subscriber: the producer's acks and the fast subscriber's deliveries carry on, since each
 * subscription reads journal "out" at its own pace. Without a lag limit the slow one later catches
 * up from the journal and misses nothing; with {@code gateway.subscriberMaxLag} it gets Error
 * SUBSCRIBER_TOO_SLOW after what was already queued for it, and is closed and counted.
 */
class SlowSubscriberTest
{
    private static final int EVENTS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aSubscriberThatDoesNotReadSlowsNeitherTheProducerNorAFastSubscriberAndCatchesUpFromTheJournal() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final AtomicLong fast = new AtomicLong();
            final ClientConfig client = ClientConfig.of("127.0.0.1", bus.address.getPort());
            try (Socket slow = stalledSubscriber(bus);
                 RillSubscriber subscriber = RillSubscriber.subscribe(client, "", StartPosition.EARLIEST, 0, r -> fast.incrementAndGet());
                 RillProducer producer = RillProducer.connect(client.withProducer(11, 1), new GatewayTest.Acks()))
            {
                produce(producer);
                awaitCount(fast, EVENTS, "the fast subscriber received every Result while the slow one read nothing");
                assertTrue(bus.gateway.maxSubscriberLag() > 0, "the slow subscriber is behind");

                assertEquals(EVENTS, readResults(slow, EVENTS, false), "reading at last, the slow one gets every Result from the journal");
            }
            assertEquals(0, bus.gateway.refusedCount(ErrorCode.SUBSCRIBER_TOO_SLOW), "no lag limit, nobody closed");
        }
    }

    @Test
    void aSubscriberFurtherBehindThanSubscriberMaxLagGetsSubscriberTooSlowAndIsClosed() throws Exception
    {
        final GatewayConfig config = GatewayConfig.defaults().withPort(0)
            .withLimits(ConnectionLimits.defaults().withSubscriberMaxLag(20_000));
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, config))
        {
            final AtomicLong fast = new AtomicLong();
            final ClientConfig client = ClientConfig.of("127.0.0.1", bus.address.getPort());
            try (Socket slow = stalledSubscriber(bus);
                 RillSubscriber subscriber = RillSubscriber.subscribe(client, "", StartPosition.EARLIEST, 0, r -> fast.incrementAndGet());
                 RillProducer producer = RillProducer.connect(client.withProducer(12, 1), new GatewayTest.Acks()))
            {
                produce(producer);
                awaitCount(fast, EVENTS, "the fast subscriber, never behind by much, received every Result");
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (bus.gateway.refusedCount(ErrorCode.SUBSCRIBER_TOO_SLOW) == 0 && System.nanoTime() < deadline)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                assertEquals(1, bus.gateway.refusedCount(ErrorCode.SUBSCRIBER_TOO_SLOW), "the slow one is counted once");
                final int before = readResults(slow, EVENTS, true);
                assertTrue(before < EVENTS, "it got what was queued before the Error, not everything: " + before);
                assertTrue(subscriber.isOpen(), "the fast subscriber stays");
            }
        }
    }

    private static void produce(final RillProducer producer) throws InterruptedException
    {
        for (int i = 0; i < EVENTS; i++)
        {
            producer.send("payments", i, System.nanoTime(), i, 1);
        }
        assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)), "the producer's events are acknowledged");
    }

    /** A subscriber with a small receive window that subscribes from the start and then reads nothing. */
    private static Socket stalledSubscriber(final TestBus bus) throws IOException
    {
        final Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connecting: the server's writes stall soon
        socket.connect(new InetSocketAddress(bus.address.getAddress(), bus.address.getPort()));
        socket.setSoTimeout(30_000);
        final OutputStream output = socket.getOutputStream();
        output.write(RawClient.frame(RawClient.hello(0)));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        subscribe.start(StartPosition.LATEST).index(0).topic("");
        output.write(RawClient.frame(RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + subscribe.encodedLength())));
        output.flush();
        return socket;
    }

    /**
     * Reads Results until {@code wanted} of them or, when {@code untilError}, until Error
     * SUBSCRIBER_TOO_SLOW and the end of the stream. @return the Results read.
     */
    private static int readResults(final Socket socket, final int wanted, final boolean untilError) throws IOException
    {
        final DataInputStream input = new DataInputStream(socket.getInputStream());
        int results = 0;
        while (untilError || results < wanted)
        {
            final byte[] lengthBytes = new byte[4];
            try
            {
                input.readFully(lengthBytes);
            }
            catch (final EOFException e)
            {
                throw new AssertionError("closed without Error SUBSCRIBER_TOO_SLOW after " + results + " Results");
            }
            final byte[] message = new byte[new UnsafeBuffer(lengthBytes).getInt(0, ByteOrder.LITTLE_ENDIAN)];
            input.readFully(message);
            final int templateId = RawClient.templateId(message);
            if (templateId == ResultDecoder.TEMPLATE_ID)
            {
                results++;
            }
            else if (templateId == ErrorDecoder.TEMPLATE_ID)
            {
                final ErrorDecoder error = new ErrorDecoder().wrapAndApplyHeader(new UnsafeBuffer(message), 0, new MessageHeaderDecoder());
                assertEquals(ErrorCode.SUBSCRIBER_TOO_SLOW.code(), error.code(), "Error code");
                assertTrue(untilError, "an Error where none was expected");
                assertEquals(-1, input.read(), "closed after the Error");
                return results;
            }
        }
        return results;
    }

    private static void awaitCount(final AtomicLong count, final long wanted, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count.get() < wanted && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        assertEquals(wanted, count.get(), what);
    }
}
