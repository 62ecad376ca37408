package dev.rill.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Receives what {@link FrameDecoder} finds in a byte stream. Called on the channel's event loop.
 */
public interface FrameListener
{
    /**
     * One complete frame's message (SBE header and body, without the length prefix).
     *
     * @return false to leave the frame unread (the ring is full): the decoder stops and hands it
     *         again on the next {@code channelRead}.
     */
    boolean onFrame(ChannelHandlerContext ctx, ByteBuf buffer, int offset, int length);

    /**
     * A frame longer than the maximum; its bytes are being skipped.
     *
     * @param seq    the event's seq when the frame's head showed an Event, else -1.
     * @param length the frame's declared length.
     */
    void onOversizedFrame(ChannelHandlerContext ctx, long seq, int length);

    /**
     * As {@link #onOversizedFrame(ChannelHandlerContext, long, int)}, with the frame's first bytes
     * that have arrived (for the dead-letter journal); valid during the call only.
     */
    default void onOversizedFrame(
        final ChannelHandlerContext ctx, final long seq, final int length, final ByteBuf head, final int headOffset, final int headLength)
    {
        onOversizedFrame(ctx, seq, length);
    }

    /** A length prefix that cannot be right: the stream is unusable from here. */
    void onBadFrameLength(ChannelHandlerContext ctx, int length);
}
