package dev.rill.gateway.client;

import dev.rill.bus.codec.AckDecoder;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.NackDecoder;
import dev.rill.bus.codec.PongDecoder;
import dev.rill.bus.codec.ReplyDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.SubscribedDecoder;
import dev.rill.bus.codec.WelcomeDecoder;
import org.agrona.DirectBuffer;

/**
 * Checks a frame from the server before the client decodes it: the schema is Rill's, the block
 * holds every field the client reads, and each variable-length field lies inside the frame. SBE
 * flyweights trust lengths; this is the one place the client does not.
 *
 * <p>Stateless and allocation-free apart from the refusal text; any thread.
 */
public final class ServerFrames
{
    private static final int HEADER = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int VAR_LENGTH_FIELD = 2;

    private ServerFrames()
    {
    }

    /**
     * @param message the frame's message (header and body), exactly {@code length} bytes from 0.
     * @return null when the message may be decoded; else what is wrong with it. Messages of a type
     *         the client does not know pass (the client ignores them).
     */
    public static String check(final DirectBuffer message, final int length)
    {
        if (length < HEADER)
        {
            return "frame of " + length + " bytes is shorter than the message header";
        }
        final int blockLength = message.getShort(0, MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        final int templateId = message.getShort(2, MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        final int schemaId = message.getShort(4, MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        final int version = message.getShort(6, MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        if (schemaId != MessageHeaderDecoder.SCHEMA_ID)
        {
            return "schema id " + schemaId + " is not Rill's (" + MessageHeaderDecoder.SCHEMA_ID + ")";
        }
        switch (templateId)
        {
            case WelcomeDecoder.TEMPLATE_ID:
                return fields("Welcome", message, length, blockLength, WelcomeDecoder.BLOCK_LENGTH, 1);
            case AckDecoder.TEMPLATE_ID:
                return fields("Ack", message, length, blockLength, AckDecoder.BLOCK_LENGTH, 0);
            case NackDecoder.TEMPLATE_ID:
                return fields("Nack", message, length, blockLength, NackDecoder.BLOCK_LENGTH, 1);
            case ResultDecoder.TEMPLATE_ID:
                // correctsOutIndex (version 3) ends the block: a version 1 or 2 Result stops before it, and
                // the decoder reads it from any Result of version 3 on (a short one was found by ServerFramesFuzzTest).
                return fields("Result", message, length, blockLength,
                    version >= 3 ? ResultDecoder.BLOCK_LENGTH : ResultDecoder.correctsOutIndexEncodingOffset(), 2);
            case SubscribedDecoder.TEMPLATE_ID:
                return fields("Subscribed", message, length, blockLength, SubscribedDecoder.BLOCK_LENGTH, 1);
            case ErrorDecoder.TEMPLATE_ID:
                return fields("Error", message, length, blockLength, ErrorDecoder.BLOCK_LENGTH, 1);
            case PongDecoder.TEMPLATE_ID:
                return fields("Pong", message, length, blockLength, PongDecoder.BLOCK_LENGTH, 0);
            case ReplyDecoder.TEMPLATE_ID:
                return fields("Reply", message, length, blockLength, ReplyDecoder.BLOCK_LENGTH, 1);
            default:
                return null;
        }
    }

    private static String fields(
        final String name, final DirectBuffer message, final int length, final int blockLength, final int minBlock, final int varFields)
    {
        if (blockLength < minBlock)
        {
            return name + " block of " + blockLength + " bytes is shorter than its fields (" + minBlock + ")";
        }
        int at = HEADER + blockLength;
        if (at > length)
        {
            return name + " of " + length + " bytes is shorter than its block";
        }
        for (int i = 0; i < varFields; i++)
        {
            if (at + VAR_LENGTH_FIELD > length)
            {
                return name + " of " + length + " bytes ends before its variable-length field " + (i + 1);
            }
            at += VAR_LENGTH_FIELD + (message.getShort(at, MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF);
            if (at > length)
            {
                return name + " variable-length field " + (i + 1) + " runs past the end of the frame (" + length + " bytes)";
            }
        }
        return null;
    }
}
