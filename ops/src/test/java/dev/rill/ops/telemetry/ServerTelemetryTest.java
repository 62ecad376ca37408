package dev.rill.ops.telemetry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.ErrorCode;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTelemetryTest
{
    @TempDir
    Path dir;

    @Test
    void ticksAddUpToWhatTheBusDidAndHistogramsCountEveryPublishedEvent() throws Exception
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        final RillConfig config = new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), "payments", 0.0), defaults.topics());
        final int events = 3000;
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong latencyCount = new AtomicLong();
        final AtomicLong unknownTopic = new AtomicLong();
        final List<Boolean> listening = new ArrayList<>();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong nacked = new AtomicLong();
        try (RillServer server = RillServer.start(config))
        {
            server.telemetry().addListener(tick ->
            {
                accepted.addAndGet(tick.accepted());
                published.addAndGet(tick.published());
                latencyCount.addAndGet(tick.latencies().ingestToPublish().getTotalCount());
                unknownTopic.addAndGet(tick.refused(ErrorCode.UNKNOWN_TOPIC));
                synchronized (listening)
                {
                    listening.add(tick.gatewayListening());
                }
            });
            final ClientConfig client = ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(7, 1);
            final FraudDataGenerator generator = new FraudDataGenerator(7);
            final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
            try (RillProducer producer = RillProducer.connect(client, new AckListener()
            {
                @Override
                public void onAck(final long seq)
                {
                    acked.set(seq);
                }

                @Override
                public void onNack(final long seq, final ErrorCode code, final String message)
                {
                    nacked.incrementAndGet();
                }
            }))
            {
                final byte[] payments = RillProducer.topic(FraudFeatures.PAYMENTS_TOPIC);
                for (int i = 0; i < events; i++)
                {
                    generator.next(fields);
                    producer.send(payments, i, System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                }
                producer.send(RillProducer.topic("no-such-topic"), 1, System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                final long last = producer.nextSeq() - 1;
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((acked.get() < last - 1 || nacked.get() < 1 || server.publish().published() < events) && System.nanoTime() < deadline)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            server.telemetry().sampleNow();
        }
        assertEquals(events, accepted.get(), "accepted events over all ticks");
        assertEquals(events, published.get(), "published events over all ticks");
        assertEquals(events, latencyCount.get(), "every published event is in exactly one interval's histogram");
        assertEquals(1, unknownTopic.get(), "the refused frame is counted under its code");
        synchronized (listening)
        {
            assertTrue(listening.contains(Boolean.TRUE), "the gateway was listening: " + listening);
        }
    }
}
