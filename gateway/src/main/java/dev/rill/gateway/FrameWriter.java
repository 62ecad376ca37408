package dev.rill.gateway;

import java.nio.charset.StandardCharsets;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.AckEncoder;
import dev.rill.bus.codec.CommitEncoder;
import dev.rill.bus.codec.ErrorEncoder;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.HelloEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.NackEncoder;
import dev.rill.bus.codec.PingEncoder;
import dev.rill.bus.codec.PongEncoder;
import dev.rill.bus.codec.ReplyEncoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribeEncoder;
import dev.rill.bus.codec.SubscribedEncoder;
import dev.rill.bus.codec.WelcomeEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes Rill frames (4-byte little-endian length, then the SBE message) straight into Netty
 * buffers, through an Agrona view of the buffer's memory: no intermediate copy.
 *
 * <p>One instance per connection, used only by the thread that owns the connection's writes
 * (its event loop on the server; the sending thread in the client). Fixed-size frames (Ack, Ping,
 * Event, Commit) allocate nothing but the pooled buffer; frames carrying text encode the text per call.
 */
public final class FrameWriter
{
    private static final boolean DIRECT = PlatformDependent.hasUnsafe() && PlatformDependent.directBufferPreferred();
    private static final int HEADER = MessageHeaderEncoder.ENCODED_LENGTH;

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final HelloEncoder hello = new HelloEncoder();
    private final WelcomeEncoder welcome = new WelcomeEncoder();
    private final EventEncoder event = new EventEncoder();
    private final AckEncoder ack = new AckEncoder();
    private final NackEncoder nack = new NackEncoder();
    private final SubscribeEncoder subscribe = new SubscribeEncoder();
    private final SubscribedEncoder subscribed = new SubscribedEncoder();
    private final ErrorEncoder error = new ErrorEncoder();
    private final PingEncoder ping = new PingEncoder();
    private final PongEncoder pong = new PongEncoder();
    private final CommitEncoder commit = new CommitEncoder();
    private final ReplyEncoder reply = new ReplyEncoder();

    /** @return a pooled buffer of at least {@code capacity} bytes whose memory an UnsafeBuffer can wrap. */
    public static ByteBuf allocate(final ByteBufAllocator alloc, final int capacity)
    {
        return DIRECT ? alloc.directBuffer(capacity) : alloc.heapBuffer(capacity);
    }

    /**
     * Points {@code view} at {@code length} bytes of {@code buf} from {@code index}.
     */
    public static void wrap(final UnsafeBuffer view, final ByteBuf buf, final int index, final int length)
    {
        if (buf.hasMemoryAddress())
        {
            view.wrap(buf.memoryAddress() + index, length);
        }
        else if (buf.hasArray())
        {
            view.wrap(buf.array(), buf.arrayOffset() + index, length);
        }
        else
        {
            throw new IllegalStateException("buffer exposes neither memory address nor array: " + buf);
        }
    }

    public ByteBuf hello(final ByteBufAllocator alloc, final long producerId, final int epoch, final String token, final String clientName)
    {
        final byte[] t = utf8(token);
        final byte[] n = utf8(clientName);
        final ByteBuf buf = begin(alloc, HEADER + HelloEncoder.BLOCK_LENGTH + 4 + t.length + n.length);
        hello.wrapAndApplyHeader(view, 0, header).producerId(producerId).epoch(epoch);
        hello.putToken(t, 0, t.length).putClientName(n, 0, n.length);
        return end(buf, HEADER + hello.encodedLength());
    }

    public ByteBuf welcome(final ByteBufAllocator alloc, final long producerId, final int epoch, final long lastSeq, final int maxFrameLength, final String serverName)
    {
        final byte[] n = utf8(serverName);
        final ByteBuf buf = begin(alloc, HEADER + WelcomeEncoder.BLOCK_LENGTH + 2 + n.length);
        welcome.wrapAndApplyHeader(view, 0, header).producerId(producerId).epoch(epoch).lastSeq(lastSeq)
            .maxFrameLength(maxFrameLength).putServerName(n, 0, n.length);
        return end(buf, HEADER + welcome.encodedLength());
    }

    /**
     * Encodes an Event frame.
     *
     * @param topic  UTF-8 topic name bytes.
     * @param fields values; the first {@code fieldCount} are sent.
     */
    public ByteBuf event(
        final ByteBufAllocator alloc, final long producerId, final long seq, final long key, final long eventTimeNanos,
        final byte[] topic, final double[] fields, final int fieldCount)
    {
        return event(alloc, producerId, seq, key, eventTimeNanos, 0, topic, fields, fieldCount, (byte)0);
    }

    /**
     * Encodes an Event frame that may ask for a Reply.
     *
     * @param options {@code EventOptions} bits: 0, {@link dev.rill.bus.EventSlot#OPTION_REPLY} or
     *                {@link dev.rill.bus.EventSlot#OPTION_REPLY_ONLY}.
     */
    public ByteBuf event(
        final ByteBufAllocator alloc, final long producerId, final long seq, final long key, final long eventTimeNanos,
        final byte[] topic, final double[] fields, final int fieldCount, final byte options)
    {
        return event(alloc, producerId, seq, key, eventTimeNanos, 0, topic, fields, fieldCount, options);
    }

    /**
     * Encodes an Event frame of a schema version of its topic (docs/protocol.md §13.1).
     *
     * @param schemaVersion the topic's schema version the values follow; 0 means version 1.
     */
    public ByteBuf event(
        final ByteBufAllocator alloc, final long producerId, final long seq, final long key, final long eventTimeNanos,
        final int schemaVersion, final byte[] topic, final double[] fields, final int fieldCount)
    {
        return event(alloc, producerId, seq, key, eventTimeNanos, schemaVersion, topic, fields, fieldCount, (byte)0);
    }

    /**
     * Encodes an Event frame of a schema version of its topic that may ask for a Reply.
     *
     * @param schemaVersion the topic's schema version the values follow; 0 means version 1.
     * @param options       {@code EventOptions} bits: 0, REPLY or REPLY_ONLY.
     */
    public ByteBuf event(
        final ByteBufAllocator alloc, final long producerId, final long seq, final long key, final long eventTimeNanos,
        final int schemaVersion, final byte[] topic, final double[] fields, final int fieldCount, final byte options)
    {
        final ByteBuf buf = begin(alloc, eventLength(topic.length, fieldCount));
        event.wrapAndApplyHeader(view, 0, header)
            .producerId(producerId).seq(seq).key(key).eventTimeNanos(eventTimeNanos).ingestTimeNanos(0).connectionId(0)
            .schemaVersion(schemaVersion);
        view.putByte(HEADER + EventEncoder.optionsEncodingOffset(), options); // pooled memory is not zeroed
        final EventEncoder.FieldsEncoder group = event.fieldsCount(fieldCount);
        for (int i = 0; i < fieldCount; i++)
        {
            group.next().value(fields[i]);
        }
        event.putTopic(topic, 0, topic.length);
        return end(buf, HEADER + event.encodedLength());
    }

    /** @return the encoded length of an Event message (without the length prefix). */
    public static int eventLength(final int topicLength, final int fieldCount)
    {
        return HEADER + EventEncoder.BLOCK_LENGTH + EventEncoder.FieldsEncoder.sbeHeaderSize() +
            fieldCount * EventEncoder.FieldsEncoder.sbeBlockLength() + EventEncoder.topicHeaderLength() + topicLength;
    }

    /** @return the frame length (length prefix included) of a Reply naming a model of {@code modelNameLength} bytes. */
    public static int replyFrameLength(final int modelNameLength)
    {
        return FrameDecoder.LENGTH_FIELD + HEADER + ReplyEncoder.BLOCK_LENGTH + ReplyEncoder.modelNameHeaderLength() + modelNameLength;
    }

    /**
     * Appends a Reply frame to {@code batch} (growing it if needed); allocates nothing else.
     *
     * @param modelName UTF-8 model name; empty when not scored.
     */
    public void reply(
        final ByteBuf batch, final long seq, final long outIndex, final long inIndex, final long scoredTimeNanos,
        final int modelVersion, final byte flags, final double score, final byte[] modelName)
    {
        final int frameLength = replyFrameLength(modelName.length);
        batch.ensureWritable(frameLength);
        final int start = batch.writerIndex();
        wrap(view, batch, start + FrameDecoder.LENGTH_FIELD, frameLength - FrameDecoder.LENGTH_FIELD);
        reply.wrapAndApplyHeader(view, 0, header).seq(seq).outIndex(outIndex).inIndex(inIndex).scoredTimeNanos(scoredTimeNanos)
            .modelVersion(modelVersion);
        view.putByte(HEADER + ReplyEncoder.flagsEncodingOffset(), flags);
        reply.score(score).putModelName(modelName, 0, modelName.length);
        batch.writeIntLE(frameLength - FrameDecoder.LENGTH_FIELD);
        batch.writerIndex(start + frameLength);
    }

    public ByteBuf ack(final ByteBufAllocator alloc, final long seq)
    {
        final ByteBuf buf = begin(alloc, HEADER + AckEncoder.BLOCK_LENGTH);
        ack.wrapAndApplyHeader(view, 0, header).seq(seq);
        return end(buf, HEADER + ack.encodedLength());
    }

    public ByteBuf nack(final ByteBufAllocator alloc, final long seq, final ErrorCode code, final String message)
    {
        final byte[] m = utf8(message);
        final ByteBuf buf = begin(alloc, HEADER + NackEncoder.BLOCK_LENGTH + 2 + m.length);
        nack.wrapAndApplyHeader(view, 0, header).seq(seq).code(code.code()).putMessage(m, 0, m.length);
        return end(buf, HEADER + nack.encodedLength());
    }

    public ByteBuf error(final ByteBufAllocator alloc, final ErrorCode code, final String message)
    {
        final byte[] m = utf8(message);
        final ByteBuf buf = begin(alloc, HEADER + ErrorEncoder.BLOCK_LENGTH + 2 + m.length);
        error.wrapAndApplyHeader(view, 0, header).code(code.code()).putMessage(m, 0, m.length);
        return end(buf, HEADER + error.encodedLength());
    }

    public ByteBuf subscribe(final ByteBufAllocator alloc, final StartPosition start, final long index, final String topic)
    {
        return subscribe(alloc, start, index, topic, "");
    }

    /**
     * Encodes a Subscribe (schema version 2: with a name).
     *
     * @param name the subscription's name, "" for an unnamed subscription.
     */
    public ByteBuf subscribe(final ByteBufAllocator alloc, final StartPosition start, final long index, final String topic, final String name)
    {
        final byte[] t = utf8(topic);
        final byte[] n = utf8(name);
        final ByteBuf buf = begin(alloc, HEADER + SubscribeEncoder.BLOCK_LENGTH + 2 + t.length + 2 + n.length);
        subscribe.wrapAndApplyHeader(view, 0, header).start(start).index(index).putTopic(t, 0, t.length).putName(n, 0, n.length);
        return end(buf, HEADER + subscribe.encodedLength());
    }

    /** Encodes a Commit: every Result up to {@code outIndex} is processed. Allocates only the pooled buffer. */
    public ByteBuf commit(final ByteBufAllocator alloc, final long outIndex)
    {
        final ByteBuf buf = begin(alloc, HEADER + CommitEncoder.BLOCK_LENGTH);
        commit.wrapAndApplyHeader(view, 0, header).outIndex(outIndex);
        return end(buf, HEADER + commit.encodedLength());
    }

    public ByteBuf subscribed(final ByteBufAllocator alloc, final long startIndex, final String topic)
    {
        final byte[] t = utf8(topic);
        final ByteBuf buf = begin(alloc, HEADER + SubscribedEncoder.BLOCK_LENGTH + 2 + t.length);
        subscribed.wrapAndApplyHeader(view, 0, header).startIndex(startIndex).putTopic(t, 0, t.length);
        return end(buf, HEADER + subscribed.encodedLength());
    }

    public ByteBuf ping(final ByteBufAllocator alloc, final long timeNanos)
    {
        final ByteBuf buf = begin(alloc, HEADER + PingEncoder.BLOCK_LENGTH);
        ping.wrapAndApplyHeader(view, 0, header).timeNanos(timeNanos);
        return end(buf, HEADER + ping.encodedLength());
    }

    public ByteBuf pong(final ByteBufAllocator alloc, final long timeNanos)
    {
        final ByteBuf buf = begin(alloc, HEADER + PongEncoder.BLOCK_LENGTH);
        pong.wrapAndApplyHeader(view, 0, header).timeNanos(timeNanos);
        return end(buf, HEADER + pong.encodedLength());
    }

    private ByteBuf begin(final ByteBufAllocator alloc, final int messageLength)
    {
        final ByteBuf buf = allocate(alloc, FrameDecoder.LENGTH_FIELD + messageLength);
        wrap(view, buf, buf.writerIndex() + FrameDecoder.LENGTH_FIELD, messageLength);
        return buf;
    }

    private static ByteBuf end(final ByteBuf buf, final int messageLength)
    {
        buf.writeIntLE(messageLength);
        buf.writerIndex(buf.writerIndex() + messageLength);
        return buf;
    }

    private static byte[] utf8(final String s)
    {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
