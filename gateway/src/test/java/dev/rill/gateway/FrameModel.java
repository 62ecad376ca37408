package dev.rill.gateway;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A plain reading of the framing rules of docs/protocol.md §3, written independently of
 * {@link FrameDecoder}, for the fuzz tests to compare the decoder with: it splits a whole byte
 * stream into what the decoder must report, piece by piece.
 */
final class FrameModel
{
    /** What one piece of the stream is. */
    enum Kind
    {
        FRAME, OVERSIZED, BAD_LENGTH
    }

    /**
     * @param kind   what the piece is.
     * @param start  offset of its length prefix in the stream.
     * @param end    offset after its last byte in the stream (for an oversized frame: as far as the stream goes).
     * @param length the declared length.
     * @param seq    for an oversized frame, the Event seq the decoder can see in its head, else -1.
     */
    record Piece(Kind kind, int start, int end, int length, long seq)
    {
        String describe(final byte[] stream)
        {
            switch (kind)
            {
                case FRAME:
                    return "frame " + hex(stream, start + 4, end);
                case OVERSIZED:
                    return "oversized " + length + " seq " + seq;
                default:
                    return "bad length " + length;
            }
        }
    }

    private static final int SEQ_PEEK = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset() + 8;

    private FrameModel()
    {
    }

    /** @return the pieces the decoder must report for {@code stream}, in order; an incomplete tail reports nothing. */
    static List<Piece> split(final byte[] stream, final int maxFrameLength)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(stream);
        final List<Piece> pieces = new ArrayList<>();
        int at = 0;
        while (stream.length - at >= 4)
        {
            final int length = buffer.getInt(at, ByteOrder.LITTLE_ENDIAN);
            if (length < MessageHeaderDecoder.ENCODED_LENGTH)
            {
                pieces.add(new Piece(Kind.BAD_LENGTH, at, stream.length, length, -1));
                return pieces; // the stream is unusable from here
            }
            final int available = stream.length - at - 4;
            if (length > maxFrameLength)
            {
                final int peek = Math.min(length, SEQ_PEEK);
                if (available < peek)
                {
                    return pieces;
                }
                long seq = -1;
                if (peek == SEQ_PEEK && (buffer.getShort(at + 6, ByteOrder.LITTLE_ENDIAN) & 0xFFFF) == EventDecoder.TEMPLATE_ID &&
                    (buffer.getShort(at + 8, ByteOrder.LITTLE_ENDIAN) & 0xFFFF) == EventDecoder.SCHEMA_ID)
                {
                    seq = buffer.getLong(at + 4 + MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset(),
                        ByteOrder.LITTLE_ENDIAN);
                }
                final int end = (int)Math.min(stream.length, (long)at + 4 + length);
                pieces.add(new Piece(Kind.OVERSIZED, at, end, length, seq));
                at = end;
                continue;
            }
            if (available < length)
            {
                return pieces;
            }
            pieces.add(new Piece(Kind.FRAME, at, at + 4 + length, length, -1));
            at += 4 + length;
        }
        return pieces;
    }

    static String hex(final byte[] bytes, final int from, final int to)
    {
        final StringBuilder s = new StringBuilder((to - from) * 2);
        for (int i = from; i < to; i++)
        {
            s.append(Character.forDigit((bytes[i] >> 4) & 0xF, 16)).append(Character.forDigit(bytes[i] & 0xF, 16));
        }
        return s.toString();
    }
}
