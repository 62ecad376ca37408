package dev.rill.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.PingEncoder;
import dev.rill.bus.codec.PongDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.WelcomeDecoder;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table of hostile byte streams against a real server (loopback, real gateway, pipeline and
 * journals): each gets its documented answer (Nack or Error with its code, the connection left open
 * or closed), and a well-behaved producer and subscriber on other connections keep going, their
 * events acknowledged and delivered, during and after every case. The well-behaved clients only
 * stay open through the idle timeout because the Java client pings when it has sent nothing.
 */
class HostileFrameTest
{
    private static final Duration HANDSHAKE = Duration.ofSeconds(1);
    private static final Duration IDLE = Duration.ofSeconds(3);

    /** What a case must get: answers in order (template id, code or -1), then the connection open or closed. */
    private record Case(String name, boolean hello, byte[] bytes, int[][] answers, boolean closed)
    {
    }

    @TempDir
    Path dir;

    @Test
    void everyHostileStreamGetsItsAnswerWhileGoodClientsCarryOn() throws Exception
    {
        final byte[] event = RawClient.event(1, "payments", 10, 3);
        final byte[] ping = ping(1);
        final Case[] table = {
            new Case("truncated frame (topic runs past its frame)", true,
                RawClient.frame(Arrays.copyOf(event, event.length - 4)), answers(nack(ErrorCode.MALFORMED_MESSAGE)), false),
            new Case("oversized frame, then a good one", true, concat(le(5000), new byte[5000], RawClient.frame(ping)),
                answers(nack(ErrorCode.FRAME_TOO_LARGE), pong()), false),
            new Case("lying length (100 for a 16-byte Ping), then more frames", true,
                concat(le(100), ping, RawClient.frame(ping), RawClient.frame(ping), RawClient.frame(ping), RawClient.frame(ping),
                    RawClient.frame(ping), RawClient.frame(ping)),
                // the Ping swallows 84 bytes of what follows; the rest starts mid-frame: a huge length, skipped; then silence
                answers(pong(), nack(ErrorCode.FRAME_TOO_LARGE), error(ErrorCode.IDLE_TIMEOUT)), true),
            new Case("unknown template", true, RawClient.frame(withTemplate(ping, 999)),
                answers(nack(ErrorCode.UNKNOWN_MESSAGE_TYPE)), false),
            new Case("server-only template (Ack)", true, RawClient.frame(withTemplate(ping, 5)),
                answers(nack(ErrorCode.UNEXPECTED_MESSAGE)), false),
            new Case("schema version from the future", true, RawClient.frame(withVersion(ping, 99)),
                answers(nack(ErrorCode.UNSUPPORTED_SCHEMA)), false),
            new Case("garbage after a valid frame", true,
                concat(RawClient.frame(ping), "garbage!garbage!".getBytes(StandardCharsets.US_ASCII)),
                // "garb" reads as a huge length, whose head (24 bytes) never completes: nothing, then the idle timeout
                answers(pong(), error(ErrorCode.IDLE_TIMEOUT)), true),
            new Case("half a frame, then silence", true, Arrays.copyOf(RawClient.frame(event), 30),
                answers(error(ErrorCode.IDLE_TIMEOUT)), true),
            new Case("half a Hello, then silence", false, Arrays.copyOf(RawClient.frame(RawClient.hello(3)), 12),
                answers(error(ErrorCode.HANDSHAKE_TIMEOUT)), true),
            new Case("negative length", true, concat(le(-5), RawClient.frame(ping)), answers(error(ErrorCode.BAD_FRAME_LENGTH)), true),
            new Case("zero length", true, le(0), answers(error(ErrorCode.BAD_FRAME_LENGTH)), true),
            new Case("no Hello at all", false, new byte[0], answers(error(ErrorCode.HANDSHAKE_TIMEOUT)), true),
            new Case("Event before Hello", false, RawClient.frame(event), answers(error(ErrorCode.HELLO_REQUIRED)), true),
        };

        final GatewayConfig config = GatewayConfig.defaults().withPort(0)
            .withLimits(ConnectionLimits.defaults().withHandshakeTimeout(HANDSHAKE).withIdleTimeout(IDLE));
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, config))
        {
            final ClientConfig client = ClientConfig.of("127.0.0.1", bus.address.getPort()).withPingInterval(Duration.ofMillis(200));
            final AtomicLong delivered = new AtomicLong();
            final GatewayTest.Acks acks = new GatewayTest.Acks();
            try (RillSubscriber subscriber = RillSubscriber.subscribe(client, "payments", StartPosition.LATEST, 0, r -> delivered.incrementAndGet());
                 RillProducer producer = RillProducer.connect(client.withProducer(9, 1), acks))
            {
                long sent = 0;
                for (final Case c : table)
                {
                    final long[] refusedBefore = refusals(bus);
                    try (RawClient raw = new RawClient(bus.address))
                    {
                        if (c.hello())
                        {
                            raw.sendFrame(RawClient.hello(0));
                            assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()), c.name() + ": Welcome");
                        }
                        raw.sendRaw(c.bytes());
                        sent += sendAndAwait(producer, 25, c.name()); // during the case
                        for (final int[] expected : c.answers())
                        {
                            final byte[] answer = raw.readFrame();
                            assertNotNull(answer, c.name() + ": closed before its answer " + Arrays.toString(expected));
                            assertEquals(expected[0], RawClient.templateId(answer), c.name() + ": answer type");
                            assertEquals(expected[1], code(answer), c.name() + ": answer code");
                        }
                        if (c.closed())
                        {
                            assertTrue(raw.closedByServer(), c.name() + ": closed after its Error");
                        }
                        else
                        {
                            raw.sendFrame(ping(2));
                            assertEquals(PongDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()), c.name() + ": still open");
                        }
                    }
                    for (final int[] expected : c.answers())
                    {
                        if (expected[1] > 0)
                        {
                            final ErrorCode code = ErrorCode.ofCode(expected[1]);
                            assertTrue(bus.gateway.refusedCount(code) > refusedBefore[code.ordinal()], c.name() + ": " + code + " counted");
                        }
                    }
                    sent += sendAndAwait(producer, 25, c.name()); // and after it
                    awaitDelivered(delivered, sent, c.name());
                }
                assertTrue(acks.nacked.isEmpty(), "the good producer was never refused");
                assertEquals(0, acks.errors.get(), "the good producer never got an Error");
                assertTrue(subscriber.isOpen(), "the good subscriber, which only receives, outlived every idle timeout by pinging");
            }
        }
    }

    private static long sendAndAwait(final RillProducer producer, final int events, final String during) throws InterruptedException
    {
        for (int i = 0; i < events; i++)
        {
            producer.send("payments", i, System.nanoTime(), i, 1);
        }
        assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)), during + ": the good producer's events are acknowledged");
        return events;
    }

    private static void awaitDelivered(final AtomicLong delivered, final long expected, final String after)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.get() < expected && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        assertEquals(expected, delivered.get(), after + ": the good subscriber received every Result");
    }

    private static long[] refusals(final TestBus bus)
    {
        final long[] counts = new long[ErrorCode.values().length];
        for (final ErrorCode code : ErrorCode.values())
        {
            counts[code.ordinal()] = bus.gateway.refusedCount(code);
        }
        return counts;
    }

    private static int code(final byte[] message)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(message);
        final int templateId = RawClient.templateId(message);
        if (templateId == NackDecoder.TEMPLATE_ID)
        {
            return new NackDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder()).code();
        }
        if (templateId == ErrorDecoder.TEMPLATE_ID)
        {
            return new ErrorDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder()).code();
        }
        return -1;
    }

    private static int[][] answers(final int[]... answers)
    {
        return answers;
    }

    private static int[] nack(final ErrorCode code)
    {
        return new int[] {NackDecoder.TEMPLATE_ID, code.code()};
    }

    private static int[] error(final ErrorCode code)
    {
        return new int[] {ErrorDecoder.TEMPLATE_ID, code.code()};
    }

    private static int[] pong()
    {
        return new int[] {PongDecoder.TEMPLATE_ID, -1};
    }

    static byte[] ping(final long timeNanos)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final PingEncoder encoder = new PingEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.timeNanos(timeNanos);
        return RawClient.copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] withTemplate(final byte[] message, final int templateId)
    {
        final byte[] copy = message.clone();
        new UnsafeBuffer(copy).putShort(2, (short)templateId, java.nio.ByteOrder.LITTLE_ENDIAN);
        return copy;
    }

    private static byte[] withVersion(final byte[] message, final int version)
    {
        final byte[] copy = message.clone();
        new UnsafeBuffer(copy).putShort(6, (short)version, java.nio.ByteOrder.LITTLE_ENDIAN);
        return copy;
    }

    static byte[] le(final int value)
    {
        return new byte[] {(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)};
    }

    static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] p : parts)
        {
            length += p.length;
        }
        final byte[] all = new byte[length];
        int at = 0;
        for (final byte[] p : parts)
        {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
