package dev.rill.gateway;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Pipeline;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.Stage;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.PongDecoder;
import dev.rill.bus.codec.SubscribedDecoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.gateway.client.ServerFrames;
import dev.rill.journal.JournalConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the server's per-message decoding: arbitrary bytes into a real {@link ServerConnection}
 * behind a real {@link FrameDecoder}, in Netty's EmbeddedChannel, with a real {@link Pipeline}
 * (stages that do nothing: accepted events are simply consumed) and a real, empty journal "out"
 * for subscriptions. The stream is written one frame at a time so each frame's answer is known.
 *
 * <p>Properties: no exception escapes the connection; every frame gets the answer docs/protocol.md
 * gives it (Nack with the right code and the connection open, or Error and the connection closed,
 * Pong for a Ping, Subscribed or Nack for a Subscribe, nothing or a Nack for an Event); nothing is
 * answered after an Error; every answer is a well-formed server frame; a connection that never got
 * a Hello accepted gets Error HANDSHAKE_TIMEOUT when its handshake timeout passes.
 */
class ServerConnectionFuzzTest
{
    private static final Set<ErrorCode> EVENT_REFUSALS = Set.of(ErrorCode.MALFORMED_MESSAGE, ErrorCode.UNKNOWN_TOPIC,
        ErrorCode.FIELD_COUNT_MISMATCH, ErrorCode.NOT_A_NUMBER, ErrorCode.SEQ_NOT_INCREASING, ErrorCode.EVENT_TOO_LARGE,
        ErrorCode.UNKNOWN_SCHEMA_VERSION, ErrorCode.MISSING_FIELD, ErrorCode.VALUE_OUT_OF_RANGE, ErrorCode.WRONG_FIELD_TYPE,
        ErrorCode.EVENT_TOO_LATE, ErrorCode.NOT_AUTHORIZED);
    private static final Duration HANDSHAKE = Duration.ofSeconds(5);

    private static Path dir;
    private static ChronicleJournal out;
    private static Pipeline pipeline;
    private static Gateway gateway;
    private static int nextId;

    @BeforeAll
    static void startPipeline() throws IOException
    {
        dir = Files.createTempDirectory("rill-fuzz-");
        out = ChronicleJournal.open(JournalConfig.of(dir), "out");
        final Stage nothing = new Stage()
        {
            @Override
            public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
            {
            }

            @Override
            public String name()
            {
                return "nothing";
            }
        };
        final PipelineConfig config = PipelineConfig.defaults();
        pipeline = new Pipeline(config, nothing, nothing, nothing);
        gateway = new Gateway(GatewayConfig.defaults().withPort(0).withMaxFrameLength(512)
            .withLimits(ConnectionLimits.defaults().withHandshakeTimeout(HANDSHAKE)),
            new TopicRegistry(List.of(TestBus.PAYMENTS)), new OffsetEpochNanoClock());
        gateway.attach(pipeline, out);
        pipeline.start();
    }

    @AfterAll
    static void stopPipeline() throws IOException
    {
        pipeline.close();
        out.close();
        try (var files = Files.walk(dir))
        {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "20s")
    void everyFrameGetsItsDocumentedAnswer(final byte[] stream)
    {
        final ServerConnection connection = new ServerConnection(gateway, ++nextId & Integer.MAX_VALUE | 1);
        final int maxFrame = gateway.maxFrameLength();
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(connection, maxFrame), connection);
        try
        {
            boolean hello = false;
            boolean failed = false;
            int at = 0;
            for (final FrameModel.Piece piece : FrameModel.split(stream, maxFrame))
            {
                if (failed)
                {
                    break; // closed after its Error: nothing more is read (the Error test checks the close)
                }
                // A copy: the decoder may compact the buffer it is given, and the model reads the stream again.
                channel.writeInbound(Unpooled.copiedBuffer(stream, at, piece.end() - at));
                at = piece.end();
                channel.runPendingTasks();
                channel.checkException();
                final List<int[]> answers = answers(channel);
                final String frame = piece.describe(stream);
                switch (piece.kind())
                {
                    case BAD_LENGTH:
                        expectError(answers, ErrorCode.BAD_FRAME_LENGTH, frame);
                        failed = true;
                        continue;
                    case OVERSIZED:
                        expectNack(answers, Set.of(ErrorCode.FRAME_TOO_LARGE), frame);
                        continue;
                    default:
                        break;
                }
                final UnsafeBuffer message = new UnsafeBuffer(stream, piece.start() + 4, piece.length());
                final int templateId = message.getShort(2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                final int schemaId = message.getShort(4, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                final int version = message.getShort(6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                if (schemaId != MessageHeaderDecoder.SCHEMA_ID || version > MessageHeaderDecoder.SCHEMA_VERSION)
                {
                    expectNack(answers, Set.of(ErrorCode.UNSUPPORTED_SCHEMA), frame);
                }
                else if (!hello && templateId != 1)
                {
                    expectError(answers, ErrorCode.HELLO_REQUIRED, frame);
                    failed = true;
                }
                else if (templateId == 1) // Hello: accepted silently (Welcome comes through the ring), or refused
                {
                    if (hello)
                    {
                        expectNack(answers, Set.of(ErrorCode.DUPLICATE_HELLO), frame);
                    }
                    else if (answers.isEmpty())
                    {
                        hello = true;
                    }
                    else
                    {
                        expectNack(answers, Set.of(ErrorCode.MALFORMED_MESSAGE), frame);
                    }
                }
                else if (templateId == 3) // Event: accepted (Ack comes later) or refused with its reason
                {
                    if (!answers.isEmpty())
                    {
                        expectNack(answers, EVENT_REFUSALS, frame);
                    }
                }
                else if (templateId == 10) // Ping
                {
                    if (answers.size() == 1 && answers.get(0)[0] == PongDecoder.TEMPLATE_ID)
                    {
                        continue;
                    }
                    expectNack(answers, Set.of(ErrorCode.MALFORMED_MESSAGE), frame);
                }
                else if (templateId == 7) // Subscribe
                {
                    if (answers.size() == 1 && answers.get(0)[0] == SubscribedDecoder.TEMPLATE_ID)
                    {
                        continue;
                    }
                    expectNack(answers, Set.of(ErrorCode.MALFORMED_MESSAGE, ErrorCode.BAD_SUBSCRIPTION), frame);
                }
                else if (templateId == 12) // Commit: this server keeps no named positions, so always refused
                {
                    expectNack(answers, Set.of(ErrorCode.MALFORMED_MESSAGE, ErrorCode.BAD_SUBSCRIPTION), frame);
                }
                else
                {
                    expectNack(answers, Set.of(ErrorCode.UNEXPECTED_MESSAGE, ErrorCode.UNKNOWN_MESSAGE_TYPE), frame);
                }
            }
            if (!failed && !hello)
            {
                channel.advanceTimeBy(HANDSHAKE.toMillis() + 1, TimeUnit.MILLISECONDS);
                channel.runScheduledPendingTasks();
                channel.runPendingTasks();
                expectError(answers(channel), ErrorCode.HANDSHAKE_TIMEOUT, "no Hello");
            }
            if (failed || !hello)
            {
                assertFalse(channel.isOpen(), "the connection is closed after an Error");
            }
            channel.checkException();
        }
        finally
        {
            channel.finishAndReleaseAll();
        }
    }

    private static void expectError(final List<int[]> answers, final ErrorCode code, final String frame)
    {
        assertEquals(1, answers.size(), "one answer to " + frame);
        assertEquals(ErrorDecoder.TEMPLATE_ID, answers.get(0)[0], "an Error for " + frame);
        assertEquals(code.code(), answers.get(0)[1], "Error code for " + frame);
    }


    private static void expectNack(final List<int[]> answers, final Set<ErrorCode> codes, final String frame)
    {
        assertEquals(1, answers.size(), "one answer to " + frame);
        assertEquals(NackDecoder.TEMPLATE_ID, answers.get(0)[0], "a Nack for " + frame);
        final ErrorCode code = ErrorCode.ofCode(answers.get(0)[1]);
        assertTrue(codes.contains(code), "Nack code " + code + " for " + frame + ", expected one of " + codes);
    }

    /** @return each frame the connection wrote: {templateId, code (Nack, Error) or -1}; checks each is well-formed. */
    private static List<int[]> answers(final EmbeddedChannel channel)
    {
        final List<int[]> answers = new ArrayList<>();
        ByteBuf written;
        while ((written = channel.readOutbound()) != null)
        {
            try
            {
                while (written.isReadable())
                {
                    final int length = written.readIntLE();
                    final byte[] bytes = new byte[length];
                    written.readBytes(bytes);
                    final UnsafeBuffer message = new UnsafeBuffer(bytes);
                    assertNull(ServerFrames.check(message, length), "the server wrote a malformed frame");
                    final int templateId = message.getShort(2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                    int code = -1;
                    if (templateId == NackDecoder.TEMPLATE_ID)
                    {
                        code = new NackDecoder().wrapAndApplyHeader(message, 0, new MessageHeaderDecoder()).code();
                    }
                    else if (templateId == ErrorDecoder.TEMPLATE_ID)
                    {
                        code = new ErrorDecoder().wrapAndApplyHeader(message, 0, new MessageHeaderDecoder()).code();
                    }
                    answers.add(new int[] {templateId, code});
                }
            }
            catch (final IndexOutOfBoundsException e)
            {
                fail("the server wrote a truncated frame", e);
            }
            finally
            {
                written.release();
            }
        }
        return answers;
    }
}
