package dev.rill.gateway;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameDecoderTest
{
    private final Frames frames = new Frames();

    @Test
    void framesSplitAcrossReadsAreReassembled()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(frames, 4096));
        final byte[] a = RawClient.frame(RawClient.event(1, "payments", 1, 2));
        final byte[] b = RawClient.frame(RawClient.event(2, "payments", 3, 4));
        final byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        for (int i = 0; i < both.length; i += 3)
        {
            channel.writeInbound(Unpooled.wrappedBuffer(both, i, Math.min(3, both.length - i)));
        }
        assertEquals(List.of(a.length - 4, b.length - 4), frames.lengths);
    }

    @Test
    void oversizedFrameIsSkippedWithItsSeqAndTheNextFrameStillArrives()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(frames, 100));
        channel.writeInbound(Unpooled.wrappedBuffer(RawClient.frame(RawClient.event(77, "payments", new double[50]))));
        channel.writeInbound(Unpooled.wrappedBuffer(RawClient.frame(RawClient.event(78, "payments", 1, 2))));
        assertEquals(List.of(77L), frames.oversizedSeqs);
        assertEquals(1, frames.lengths.size());
    }

    @Test
    void lengthBelowTheHeaderBreaksTheStreamOnce()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(frames, 4096));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1, 1, 2, 3}));
        channel.writeInbound(Unpooled.wrappedBuffer(RawClient.frame(RawClient.event(1, "payments", 1, 2))));
        assertEquals(List.of(-1), frames.badLengths);
        assertTrue(frames.lengths.isEmpty(), "nothing after a bad length is trusted");
    }

    @Test
    void aRefusedFrameIsOfferedAgainOnTheNextRead()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(frames, 4096));
        frames.refuse = true;
        channel.writeInbound(Unpooled.wrappedBuffer(RawClient.frame(RawClient.event(1, "payments", 1, 2))));
        assertEquals(1, frames.offers);
        assertTrue(frames.lengths.isEmpty());
        frames.refuse = false;
        channel.writeInbound(Unpooled.EMPTY_BUFFER);
        assertEquals(1, frames.lengths.size(), "the same frame, accepted now");
    }

    private static final class Frames implements FrameListener
    {
        final List<Integer> lengths = new ArrayList<>();
        final List<Long> oversizedSeqs = new ArrayList<>();
        final List<Integer> badLengths = new ArrayList<>();
        boolean refuse;
        int offers;

        @Override
        public boolean onFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int offset, final int length)
        {
            offers++;
            if (refuse)
            {
                return false;
            }
            lengths.add(length);
            return true;
        }

        @Override
        public void onOversizedFrame(final ChannelHandlerContext ctx, final long seq, final int length)
        {
            oversizedSeqs.add(seq);
        }

        @Override
        public void onBadFrameLength(final ChannelHandlerContext ctx, final int length)
        {
            badLengths.add(length);
        }
    }
}
