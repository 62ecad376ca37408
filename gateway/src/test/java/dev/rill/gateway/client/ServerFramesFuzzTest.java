package dev.rill.gateway.client;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.AckDecoder;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.PongDecoder;
import dev.rill.bus.codec.ReplyDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.SubscribedDecoder;
import dev.rill.bus.codec.WelcomeDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the client's decoding of server frames (Welcome, Ack, Nack, Result, Subscribed, Error,
 * Pong, Reply): a frame {@link ServerFrames#check} lets through decodes, every field and string
 * as the client reads them, inside the frame's own bytes (the view is exactly the frame, and
 * Agrona's bounds checks throw on any read past it); a frame it refuses gets a reason, and one of
 * a foreign schema is always refused.
 *
 * <p>Seeds in {@code src/test/resources/dev/rill/gateway/client/ServerFramesFuzzTestInputs/}.
 */
class ServerFramesFuzzTest
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final WelcomeDecoder welcome = new WelcomeDecoder();
    private final AckDecoder ack = new AckDecoder();
    private final NackDecoder nack = new NackDecoder();
    private final ResultDecoder result = new ResultDecoder();
    private final SubscribedDecoder subscribed = new SubscribedDecoder();
    private final ErrorDecoder error = new ErrorDecoder();
    private final PongDecoder pong = new PongDecoder();
    private final ReplyDecoder reply = new ReplyDecoder();
    private long sink;

    @FuzzTest(maxDuration = "20s")
    void checkedServerFramesDecodeInsideTheirBytes(final byte[] message)
    {
        final UnsafeBuffer view = new UnsafeBuffer(message);
        final String problem = ServerFrames.check(view, message.length);
        if (problem != null)
        {
            assertFalse(problem.isBlank(), "a refusal says why");
            return;
        }
        assertTrue(message.length >= MessageHeaderDecoder.ENCODED_LENGTH, "a frame shorter than the header passed");
        header.wrap(view, 0);
        assertTrue(header.schemaId() == MessageHeaderDecoder.SCHEMA_ID, "a foreign schema passed");
        decode(view, header.templateId(), header.blockLength(), header.version());
    }

    /** Reads what the client reads of each message type, in schema order; throws when a read leaves the frame. */
    private void decode(final UnsafeBuffer view, final int templateId, final int block, final int version)
    {
        final int at = MessageHeaderDecoder.ENCODED_LENGTH;
        long sum = 0;
        switch (templateId)
        {
            case WelcomeDecoder.TEMPLATE_ID:
                welcome.wrap(view, at, block, version);
                sum += welcome.producerId() + welcome.epoch() + welcome.lastSeq() + welcome.maxFrameLength();
                sum += welcome.serverName().length();
                break;
            case AckDecoder.TEMPLATE_ID:
                ack.wrap(view, at, block, version);
                sum += ack.seq();
                break;
            case NackDecoder.TEMPLATE_ID:
                nack.wrap(view, at, block, version);
                sum += nack.seq();
                ErrorCode.ofCode(nack.code()); // unknown codes are null, never an exception
                sum += nack.message().length();
                break;
            case ResultDecoder.TEMPLATE_ID:
                result.wrap(view, at, block, version);
                sum += result.outIndex() + result.inIndex() + result.producerId() + result.seq() + result.key() +
                    result.eventTimeNanos() + result.ingestTimeNanos() + result.scoredTimeNanos() + result.publishTimeNanos() +
                    result.modelVersion() + result.flags().getRaw() + (long)result.score();
                if (version >= 3)
                {
                    sum += result.correctsOutIndex();
                }
                sum += result.topic().length();
                sum += result.modelName().length();
                break;
            case SubscribedDecoder.TEMPLATE_ID:
                subscribed.wrap(view, at, block, version);
                sum += subscribed.startIndex() + subscribed.topic().length();
                break;
            case ErrorDecoder.TEMPLATE_ID:
                error.wrap(view, at, block, version);
                ErrorCode.ofCode(error.code());
                sum += error.message().length();
                break;
            case PongDecoder.TEMPLATE_ID:
                pong.wrap(view, at, block, version);
                sum += pong.timeNanos();
                break;
            case ReplyDecoder.TEMPLATE_ID:
                reply.wrap(view, at, block, version);
                sum += reply.seq() + reply.outIndex() + reply.inIndex() + reply.scoredTimeNanos() + reply.modelVersion() +
                    reply.flags().getRaw() + (long)reply.score();
                sum += reply.modelName().length();
                break;
            default:
                return; // the client ignores message types it does not know
        }
        sink = sum; // keeps the reads from being optimised away (an assertion on the sum was a finding of its own)
    }
}
