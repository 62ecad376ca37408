package dev.rill.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ReplyEncoder;
import dev.rill.bus.codec.ResultEncoder;
import dev.rill.bus.codec.StartPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes the seed corpus of the fuzz tests: valid frames of every message type each side sends,
 * and truncated ones. Run from the repository root after changing the schema (see docs/fuzzing.md):
 * {@code java -cp <gateway test classpath> dev.rill.gateway.FuzzSeeds gateway/src/test/resources}.
 */
final class FuzzSeeds
{
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    private static final FrameWriter WRITER = new FrameWriter();

    private FuzzSeeds()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path root = Path.of(args[0], "dev", "rill", "gateway");
        final Path decoder = root.resolve("FrameDecoderFuzzTestInputs/decoderReportsExactlyTheFramesOfTheStream");
        final Path server = root.resolve("ServerConnectionFuzzTestInputs/everyFrameGetsItsDocumentedAnswer");
        final Path client = root.resolve("client/ServerFramesFuzzTestInputs/checkedServerFramesDecodeInsideTheirBytes");

        final byte[] hello = frame(WRITER.hello(ALLOC, 7, 1, "", "fuzz"));
        final byte[] event = frame(WRITER.event(ALLOC, 7, 1, 42, 1_000, "payments".getBytes(StandardCharsets.UTF_8),
            new double[] {12.5, 3}, 2));
        final byte[] event2 = frame(WRITER.event(ALLOC, 7, 2, 43, 2_000, "payments".getBytes(StandardCharsets.UTF_8),
            new double[] {7, 4}, 2));
        final byte[] ping = frame(WRITER.ping(ALLOC, 99));
        final byte[] subscribe = frame(WRITER.subscribe(ALLOC, StartPosition.EARLIEST, 0, "payments", ""));
        final byte[] commit = frame(WRITER.commit(ALLOC, 0));
        final byte[] oversized = concat(le(5000), Arrays.copyOfRange(event, 4, event.length));

        // The server: a producer session, a subscriber session, and each kind of damage.
        write(server, "producer", concat(hello, event, event2, ping));
        write(server, "subscriber", concat(hello, subscribe, ping, commit));
        write(server, "event-before-hello", concat(event, hello));
        write(server, "truncated-event", concat(hello, Arrays.copyOf(event, event.length - 5)));
        write(server, "truncated-hello", Arrays.copyOf(hello, 10));
        write(server, "oversized-then-event", concat(hello, oversized, event));
        write(server, "negative-length", concat(hello, le(-1), event));
        write(server, "zero-length", concat(hello, le(0)));
        write(server, "garbage-after-frame", concat(hello, event, "garbage!garbage!".getBytes(StandardCharsets.US_ASCII)));
        write(server, "server-messages", concat(hello, frame(WRITER.ack(ALLOC, 1)),
            frame(WRITER.nack(ALLOC, 1, ErrorCode.MALFORMED_MESSAGE, "x"))));

        // The decoder: the same streams; the last three bytes choose piece size and refusals.
        final byte[] control = {1, 0, 7};
        write(decoder, "producer", concat(hello, event, event2, ping, control));
        write(decoder, "oversized", concat(hello, oversized, event, control));
        write(decoder, "negative-length", concat(hello, le(-7), event, control));
        write(decoder, "truncated", concat(hello, Arrays.copyOf(event, 20), control));

        // The client: every message type a server sends, whole and cut short.
        final byte[][] messages = {
            message(WRITER.welcome(ALLOC, 7, 1, 41, 4096, "rill")),
            message(WRITER.ack(ALLOC, 41)),
            message(WRITER.nack(ALLOC, 41, ErrorCode.UNKNOWN_TOPIC, "unknown topic 'x'")),
            result(),
            message(WRITER.subscribed(ALLOC, 0, "payments")),
            message(WRITER.error(ALLOC, ErrorCode.IDLE_TIMEOUT, "idle")),
            message(WRITER.pong(ALLOC, 99)),
            reply(),
        };
        final String[] names = {"welcome", "ack", "nack", "result", "subscribed", "error", "pong", "reply"};
        for (int i = 0; i < messages.length; i++)
        {
            write(client, names[i], messages[i]);
            write(client, names[i] + "-truncated", Arrays.copyOf(messages[i], messages[i].length - 3));
        }
    }

    private static byte[] result()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ResultEncoder r = new ResultEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        r.outIndex(5).inIndex(4).producerId(7).seq(1).key(42).eventTimeNanos(1).ingestTimeNanos(2).scoredTimeNanos(3)
            .publishTimeNanos(4).modelVersion(1).score(0.25).correctsOutIndex(-1).topic("payments").modelName("fraud");
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + r.encodedLength());
    }

    private static byte[] reply()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ReplyEncoder r = new ReplyEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        r.seq(1).outIndex(5).inIndex(4).scoredTimeNanos(3).modelVersion(1).score(0.25).modelName("fraud");
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + r.encodedLength());
    }

    private static byte[] frame(final ByteBuf buf)
    {
        final byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    private static byte[] message(final ByteBuf buf)
    {
        final byte[] framed = frame(buf);
        return Arrays.copyOfRange(framed, 4, framed.length);
    }

    private static byte[] le(final int value)
    {
        return new byte[] {(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)};
    }

    private static byte[] concat(final byte[]... parts)
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

    private static void write(final Path dir, final String name, final byte[] bytes) throws IOException
    {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}
