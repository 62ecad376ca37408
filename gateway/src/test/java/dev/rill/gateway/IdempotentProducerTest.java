package dev.rill.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.AckDecoder;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.WelcomeDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.RillProducer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Producer sessions: epochs fence older sessions; a producer reconnects and resends by itself. */
class IdempotentProducerTest
{
    @TempDir
    Path dir;

    @Test
    void aHigherEpochFencesTheOlderConnectionAndALowerEpochIsRefused() throws Exception
    {
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0);
            RawClient first = new RawClient(bus.address);
            RawClient second = new RawClient(bus.address);
            RawClient stale = new RawClient(bus.address))
        {
            first.sendFrame(RawClient.hello(50, 1));
            assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(first.readFrame()));
            first.sendFrame(RawClient.event(1, "payments", 1, 2));
            assertEquals(AckDecoder.TEMPLATE_ID, RawClient.templateId(first.readFrame()));

            second.sendFrame(RawClient.hello(50, 2));
            final byte[] welcome = second.readFrame();
            assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(welcome));
            assertEquals(1, new WelcomeDecoder().wrapAndApplyHeader(new UnsafeBuffer(welcome), 0, new MessageHeaderDecoder()).lastSeq(),
                "the new session resumes after the old one's last journaled seq");

            final byte[] fenced = first.readFrame();
            assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(fenced), "the older session is told");
            assertEquals(ErrorCode.PRODUCER_FENCED.code(), errorCode(fenced));
            assertTrue(first.closedByServer(), "and closed");

            stale.sendFrame(RawClient.hello(50, 1));
            final byte[] refused = stale.readFrame();
            assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(refused), "a session older than the newest is refused");
            assertEquals(ErrorCode.PRODUCER_FENCED.code(), errorCode(refused));
            assertTrue(stale.closedByServer());

            second.sendFrame(RawClient.event(2, "payments", 3, 4));
            assertEquals(AckDecoder.TEMPLATE_ID, RawClient.templateId(second.readFrame()), "the newest session carries on");
            assertEquals(List.of(1L, 2L), producerSeqs(bus, 50));
            assertEquals(2, bus.gateway.refusedCount(ErrorCode.PRODUCER_FENCED));
        }
    }

    @Test
    void aFencedJavaProducerFailsForGoodWithTheCode() throws Exception
    {
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0))
        {
            final Acks acks = new Acks();
            final ClientConfig config = ClientConfig.of("127.0.0.1", bus.address.getPort()).withReconnect(true, Duration.ofMillis(10));
            try (RillProducer old = RillProducer.connect(config.withProducer(60, 1), acks);
                RillProducer newer = RillProducer.connect(config.withProducer(60, 2), new Acks()))
            {
                assertEquals(ErrorCode.PRODUCER_FENCED, acks.firstError.get(10, TimeUnit.SECONDS), "the old session hears why");
                final RillClientException e = assertThrows(RillClientException.class, () -> old.send("payments", 1, 0, 1, 2));
                assertTrue(e.getMessage().contains("PRODUCER_FENCED"), e.getMessage());
                assertEquals(0, old.reconnects(), "a fenced producer does not reconnect");
                assertThrows(RillClientException.class, () -> RillProducer.connect(config.withProducer(60, 1), new Acks()),
                    "nor can the old epoch come back");
                newer.send("payments", 1, 0, 1, 2);
                assertTrue(newer.awaitAllAcknowledged(Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    void aProducerReconnectsAfterARestartAndResendsOnlyWhatWasNotAcknowledged() throws Exception
    {
        final int total = 20_000;
        final Acks acks = new Acks();
        final int port;
        RillProducer producer;
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0))
        {
            port = bus.address.getPort();
            producer = RillProducer.connect(ClientConfig.of("127.0.0.1", port).withProducer(70, 1).withMaxInFlight(1024)
                .withReconnect(true, Duration.ofMillis(10)), acks);
            for (int i = 0; i < total / 2; i++)
            {
                producer.send("payments", i, 0, i, 1);
            }
        } // a clean stop mid-stream: what the server took is acknowledged, the rest waits in the client
        try (RillProducer p = producer;
            TestBus restarted = new TestBus(dir, PipelineConfig.defaults(), 0,
                GatewayConfig.defaults().withPort(port)))
        {
            for (int i = total / 2; i < total; i++)
            {
                p.send("payments", i, 0, i, 1); // waits while reconnecting when the window is full
            }
            assertTrue(p.awaitAllAcknowledged(Duration.ofSeconds(30)));
            assertTrue(p.reconnects() >= 1, "it reconnected by itself");
            final List<Long> seqs = producerSeqs(restarted, 70);
            assertEquals(total, seqs.size(), "every event is in 'in' exactly once");
            for (int i = 0; i < total; i++)
            {
                assertEquals(i + 1, seqs.get(i), "in seq order, none twice");
            }
            assertEquals(total, acks.acked.size(), "every event acknowledged once");
            long expected = 1;
            for (final long seq : acks.acked)
            {
                assertEquals(expected++, seq, "acknowledgements never go backwards");
            }
        }
    }

    private static List<Long> producerSeqs(final TestBus bus, final long producerId)
    {
        final List<Long> seqs = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EventDecoder event = new EventDecoder();
        try (JournalReader reader = bus.in.newReader())
        {
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == EventDecoder.TEMPLATE_ID)
                {
                    event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    if (event.producerId() == producerId)
                    {
                        seqs.add(event.seq());
                    }
                }
            }, 1000) > 0)
            {
                // to the end
            }
        }
        return seqs;
    }

    private static int errorCode(final byte[] error)
    {
        return new ErrorDecoder().wrapAndApplyHeader(new UnsafeBuffer(error), 0, new MessageHeaderDecoder()).code();
    }

    private static final class Acks implements AckListener
    {
        final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
        final CompletableFuture<ErrorCode> firstError = new CompletableFuture<>();

        @Override
        public void onAck(final long seq)
        {
            acked.add(seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            throw new AssertionError("seq " + seq + " refused: " + code + " " + message);
        }

        @Override
        public void onError(final ErrorCode code, final String message)
        {
            firstError.complete(code);
        }
    }
}
