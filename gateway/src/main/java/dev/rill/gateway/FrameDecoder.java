package dev.rill.gateway;

import java.util.List;

import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits a TCP byte stream into Rill frames: a 4-byte little-endian length, then that many bytes
 * of SBE message. Never trusts a length: one below the 8-byte message header (or negative) ends
 * the stream ({@link FrameListener#onBadFrameLength}); one above the maximum is skipped without
 * buffering it ({@link FrameListener#onOversizedFrame}) and the stream goes on.
 *
 * <p>Frames are handed to the listener in place, as offsets into the cumulation buffer, so
 * decoding allocates nothing per frame. When the listener refuses a frame (back-pressure) the
 * decoder stops; a later {@code channelRead} (even of an empty buffer) resumes at that frame.
 */
public final class FrameDecoder extends ByteToMessageDecoder
{
    /** Length of the frame's length prefix. */
    public static final int LENGTH_FIELD = 4;

    private static final int SEQ_PEEK_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH +
        EventDecoder.seqEncodingOffset() + EventDecoder.seqEncodingLength();

    private final FrameListener listener;
    private final int maxFrameLength;
    private long bytesToDiscard;
    private boolean broken;

    /**
     * @param maxFrameLength largest message length (after the prefix) accepted.
     */
    public FrameDecoder(final FrameListener listener, final int maxFrameLength)
    {
        this.listener = listener;
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        while (in.isReadable())
        {
            if (broken)
            {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (bytesToDiscard > 0)
            {
                final int skip = (int)Math.min(bytesToDiscard, in.readableBytes());
                in.skipBytes(skip);
                bytesToDiscard -= skip;
                continue;
            }
            if (in.readableBytes() < LENGTH_FIELD)
            {
                return;
            }
            final int start = in.readerIndex();
            final int length = in.getIntLE(start);
            if (length < MessageHeaderDecoder.ENCODED_LENGTH)
            {
                broken = true;
                listener.onBadFrameLength(ctx, length);
                continue;
            }
            if (length > maxFrameLength)
            {
                final int peek = Math.min(length, SEQ_PEEK_LENGTH);
                if (in.readableBytes() < LENGTH_FIELD + peek)
                {
                    return;
                }
                listener.onOversizedFrame(ctx, peekEventSeq(in, start + LENGTH_FIELD, peek), length, in, start + LENGTH_FIELD,
                    Math.min(length, in.readableBytes() - LENGTH_FIELD));
                in.skipBytes(LENGTH_FIELD);
                bytesToDiscard = length;
                continue;
            }
            if (in.readableBytes() < LENGTH_FIELD + length)
            {
                return;
            }
            if (!listener.onFrame(ctx, in, start + LENGTH_FIELD, length))
            {
                return;
            }
            in.readerIndex(start + LENGTH_FIELD + length);
        }
    }

    /**
     * While reads are paused (autoRead off) the base class would ask for one more read whenever a
     * read produced no message, which is always the case here since frames go to the listener in
     * place: skip that, so a paused connection really stops reading.
     */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().config().isAutoRead())
        {
            super.channelReadComplete(ctx);
        }
        else
        {
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
        }
    }

    private static long peekEventSeq(final ByteBuf in, final int offset, final int available)
    {
        if (available < SEQ_PEEK_LENGTH ||
            in.getUnsignedShortLE(offset + 2) != EventDecoder.TEMPLATE_ID ||
            in.getUnsignedShortLE(offset + 4) != EventDecoder.SCHEMA_ID)
        {
            return -1;
        }
        return in.getLongLE(offset + MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset());
    }
}
