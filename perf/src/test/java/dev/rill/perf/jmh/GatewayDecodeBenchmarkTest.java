package dev.rill.perf.jmh;

import java.util.concurrent.TimeUnit;

import dev.rill.gateway.GatewayConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The decode benchmark measures what it says: every frame of its batches goes through the real
 * gateway into the ring, and the Netty baseline splits the same bytes into as many frames.
 */
class GatewayDecodeBenchmarkTest
{
    private static final int READS = 3;

    @Test
    void everyFrameOfEachReadIsAcceptedByTheGatewayAndCarriedThroughTheRing()
    {
        try (EmbeddedGateway gateway = new EmbeddedGateway();
             EventFrames frames = new EventFrames(GatewayDecodeBenchmark.FRAMES, EmbeddedGateway.PRODUCER_ID,
                 System.currentTimeMillis() * 1_000_000L))
        {
            for (int i = 0; i < READS; i++)
            {
                gateway.read(frames);
            }
            final long sent = (long)READS * GatewayDecodeBenchmark.FRAMES;
            assertEquals(sent, frames.lastSeq());
            assertEquals(sent, gateway.acceptedEvents());
            assertNull(gateway.firstAnswer(), "the gateway answered (refused) a frame");
            assertEquals(sent, gateway.awaitEventsThroughRing(sent, TimeUnit.SECONDS.toNanos(10)));
        }
    }

    @Test
    void nettyBaselineSplitsTheSameBytesIntoAsManyFrames()
    {
        try (GatewayDecodeBenchmark.NettyFraming framing = new GatewayDecodeBenchmark.NettyFraming(GatewayConfig.defaults().maxFrameLength());
             EventFrames frames = new EventFrames(GatewayDecodeBenchmark.FRAMES, EmbeddedGateway.PRODUCER_ID, 1L))
        {
            for (int i = 0; i < READS; i++)
            {
                framing.read(frames);
            }
            assertEquals((long)READS * GatewayDecodeBenchmark.FRAMES, framing.frames());
            assertEquals(frames.lastSeq(), framing.lastSeq(), "the handler read each frame's seq at the Event's seq offset");
        }
    }
}
