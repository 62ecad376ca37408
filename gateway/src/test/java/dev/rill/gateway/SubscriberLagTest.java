package dev.rill.gateway;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribeEncoder;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriberLagTest
{
    private static final int EVENTS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aSubscriberThatStopsReadingLagsByWhatItHasNotReadAndCatchesUpToZero() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            assertEquals(0, bus.gateway.maxSubscriberLag(), "no subscriptions, no lag");
            try (RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", bus.address.getPort()).withProducer(5, 1),
                new GatewayTest.Acks()))
            {
                for (int i = 0; i < EVENTS; i++)
                {
                    producer.send("payments", i, System.nanoTime(), i, 1);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)));
            }
            awaitLag(bus, lag -> lag == 0, "published and acknowledged is not yet lag: nobody subscribes");

            try (Socket socket = new Socket())
            {
                socket.setReceiveBufferSize(8192); // before connecting: a small window, so the server's writes stall soon
                socket.connect(new InetSocketAddress(bus.address.getAddress(), bus.address.getPort()));
                socket.setSoTimeout(10_000);
                final OutputStream output = socket.getOutputStream();
                output.write(RawClient.frame(RawClient.hello(0)));
                output.write(RawClient.frame(subscribeEarliest()));
                output.flush();

                // Not reading: the channel stops being writable and the subscription stops where it is.
                final long stalled = awaitLag(bus, lag -> lag > 0 && lag < EVENTS, "a stalled subscriber lags");
                final DataInputStream input = new DataInputStream(socket.getInputStream());
                int results = 0;
                while (results < EVENTS)
                {
                    final byte[] message = readFrame(input);
                    if (RawClient.templateId(message) == ResultDecoder.TEMPLATE_ID)
                    {
                        results++;
                    }
                }
                assertTrue(stalled <= EVENTS - 1, "some Results were sent before it stalled: " + stalled);
                awaitLag(bus, lag -> lag == 0, "having read everything, it lags by nothing");
            }
            awaitLag(bus, lag -> lag == 0, "a closed subscription no longer counts");
        }
    }

    private static long awaitLag(final TestBus bus, final LongPredicate wanted, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long lag = bus.gateway.maxSubscriberLag();
        while (!wanted.test(lag) && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            lag = bus.gateway.maxSubscriberLag();
        }
        assertTrue(wanted.test(lag), what + ": lag " + lag);
        return lag;
    }

    private static byte[] subscribeEarliest()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final SubscribeEncoder encoder = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.start(StartPosition.EARLIEST).index(0).topic("");
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] readFrame(final DataInputStream input) throws IOException
    {
        final byte[] lengthBytes = new byte[4];
        input.readFully(lengthBytes);
        final byte[] message = new byte[new UnsafeBuffer(lengthBytes).getInt(0, ByteOrder.LITTLE_ENDIAN)];
        input.readFully(message);
        return message;
    }
}
