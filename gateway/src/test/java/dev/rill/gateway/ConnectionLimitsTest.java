package dev.rill.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.PongDecoder;
import dev.rill.bus.codec.WelcomeDecoder;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLimitsTest
{
    @TempDir
    Path dir;

    @Test
    void connectionsPastThePerAddressLimitGetConnectionLimitNamingThatLimitAndAClosedSlotIsFreedAgain() throws Exception
    {
        final GatewayConfig config = GatewayConfig.defaults().withPort(0)
            .withLimits(ConnectionLimits.defaults().withMaxConnectionsPerAddress(2));
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, config);
             RawClient first = welcomed(bus);
             RawClient second = welcomed(bus))
        {
            try (RawClient third = new RawClient(bus.address))
            {
                final byte[] error = third.readFrame();
                assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(error));
                final ErrorDecoder decoder = new ErrorDecoder().wrapAndApplyHeader(new UnsafeBuffer(error), 0, new MessageHeaderDecoder());
                assertEquals(ErrorCode.CONNECTION_LIMIT.code(), decoder.code());
                final String message = decoder.message();
                assertTrue(message.contains("gateway.maxConnectionsPerAddress") && message.contains("127.0.0.1"), message);
                assertTrue(third.closedByServer());
            }
            assertEquals(1, bus.gateway.refusedCount(ErrorCode.CONNECTION_LIMIT), "counted");
            first.close();

            // The slot frees when the server sees the close: poll until a new connection is welcomed.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true)
            {
                try (RawClient again = new RawClient(bus.address))
                {
                    again.sendFrame(RawClient.hello(0));
                    if (RawClient.templateId(again.readFrame()) == WelcomeDecoder.TEMPLATE_ID)
                    {
                        break;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "a closed connection's slot is never freed");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            second.sendFrame(HostileFrameTest.ping(5));
            assertEquals(PongDecoder.TEMPLATE_ID, RawClient.templateId(second.readFrame()), "the connections within the limit are untouched");
        }
    }

    @Test
    void aProducerAtItsInFlightWindowIsPausedNotRefusedAndEveryEventIsAcknowledged() throws Exception
    {
        final int events = 3_000;
        final GatewayConfig config = GatewayConfig.defaults().withPort(0).withLimits(ConnectionLimits.defaults().withMaxInFlight(16));
        // Scoring takes 200 µs per batch, so acknowledgements lag reads and the window fills.
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), TimeUnit.MICROSECONDS.toNanos(200), config))
        {
            final GatewayTest.Acks acks = new GatewayTest.Acks();
            try (RillProducer producer = RillProducer.connect(
                ClientConfig.of("127.0.0.1", bus.address.getPort()).withProducer(21, 1).withMaxInFlight(1024), acks))
            {
                for (int i = 0; i < events; i++)
                {
                    producer.send("payments", i, System.nanoTime(), i, 1);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)), "every event acknowledged");
            }
            assertTrue(acks.nacked.isEmpty(), "nothing refused: " + acks.nacked.size());
            assertEquals(events, bus.gateway.acceptedEvents(), "nothing lost");
            assertTrue(bus.gateway.inFlightPauses() > 0, "the window paused reading at least once");
            assertEquals(0, bus.gateway.inFlightPausedConnections(), "no connection is left paused");
        }
    }

    @Test
    void limitsOutsideTheirRangesAreRefusedNamingTheKey()
    {
        assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.defaults().withMaxConnectionsPerAddress(-1))
            .getMessage().startsWith("gateway.maxConnectionsPerAddress"));
        assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.defaults().withHandshakeTimeout(Duration.ofMillis(1)))
            .getMessage().startsWith("gateway.handshakeTimeout"));
        assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.defaults().withIdleTimeout(Duration.ofDays(2)))
            .getMessage().startsWith("gateway.idleTimeout"));
        assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.defaults().withMaxInFlight(-3))
            .getMessage().startsWith("gateway.maxInFlight"));
        assertTrue(assertThrows(ConfigException.class, () -> ConnectionLimits.defaults().withSubscriberMaxLag(-1))
            .getMessage().startsWith("gateway.subscriberMaxLag"));
        assertEquals(Duration.ZERO, ConnectionLimits.defaults().withIdleTimeout(Duration.ZERO).idleTimeout(), "zero turns a timeout off");
    }

    private static RawClient welcomed(final TestBus bus) throws Exception
    {
        final RawClient c = new RawClient(bus.address);
        c.sendFrame(RawClient.hello(0));
        assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(c.readFrame()));
        return c;
    }
}
