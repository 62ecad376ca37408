package dev.rill.gateway;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link FrameDecoder}: whatever bytes arrive, in whatever pieces, and however often the
 * listener leaves a frame unread (back-pressure), the decoder reports exactly the frames, oversized
 * frames and bad lengths that {@link FrameModel} finds in the whole stream, each frame in bounds.
 *
 * <p>Input: one byte for the size of the pieces the stream arrives in, one for whether the
 * listener refuses each frame once, then the stream. Seeds in
 * {@code src/test/resources/dev/rill/gateway/FrameDecoderFuzzTestInputs/}.
 */
class FrameDecoderFuzzTest
{
    static final int MAX_FRAME = 256;

    @FuzzTest(maxDuration = "20s")
    void decoderReportsExactlyTheFramesOfTheStream(final FuzzedDataProvider data)
    {
        final int piece = data.consumeInt(1, 300);
        final boolean refuseOnce = data.consumeBoolean();
        final byte[] stream = data.consumeRemainingAsBytes();

        final Recorder recorder = new Recorder(refuseOnce);
        final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(recorder, MAX_FRAME));
        try
        {
            for (int at = 0; at < stream.length; at += piece)
            {
                channel.writeInbound(Unpooled.copiedBuffer(stream, at, Math.min(piece, stream.length - at)));
                while (recorder.refusedOne)
                {
                    recorder.refusedOne = false;
                    channel.writeInbound(Unpooled.EMPTY_BUFFER); // what ServerConnection.readAgain does
                }
            }
            channel.checkException();
        }
        finally
        {
            channel.finishAndReleaseAll();
        }

        final List<String> expected = new ArrayList<>();
        for (final FrameModel.Piece p : FrameModel.split(stream, MAX_FRAME))
        {
            expected.add(p.describe(stream));
        }
        assertEquals(expected, recorder.seen, () -> "stream " + FrameModel.hex(stream, 0, stream.length) + " in pieces of " + piece);
    }

    private static final class Recorder implements FrameListener
    {
        final List<String> seen = new ArrayList<>();
        final boolean refuseOnce;
        boolean refusedOne;
        boolean refusedLast;

        Recorder(final boolean refuseOnce)
        {
            this.refuseOnce = refuseOnce;
        }

        @Override
        public boolean onFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int offset, final int length)
        {
            assertTrue(length >= 8 && length <= MAX_FRAME, "frame length " + length + " outside 8.." + MAX_FRAME);
            assertTrue(offset >= 0 && offset + length <= buffer.writerIndex(), "frame outside the buffer");
            if (refuseOnce && !refusedLast)
            {
                refusedLast = true;
                refusedOne = true;
                return false;
            }
            refusedLast = false;
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            seen.add("frame " + FrameModel.hex(bytes, 0, length));
            return true;
        }

        @Override
        public void onOversizedFrame(final ChannelHandlerContext ctx, final long seq, final int length)
        {
            seen.add("oversized " + length + " seq " + seq);
        }

        @Override
        public void onBadFrameLength(final ChannelHandlerContext ctx, final int length)
        {
            seen.add("bad length " + length);
        }
    }
}
