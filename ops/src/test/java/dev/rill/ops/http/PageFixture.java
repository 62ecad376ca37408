package dev.rill.ops.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.rill.bus.ErrorCode;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real server (gateway and admin listener on free loopback ports, the real fraud model) and what the page tests need. */
final class PageFixture
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PageFixture()
    {
    }

    static RillServer start(final Path dir)
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        return RillServer.start(new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), "payments", 0.0), defaults.topics()));
    }

    static URI uri(final RillServer server, final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + server.admin().address().getPort() + pathAndQuery);
    }

    static HttpResponse<String> get(final RillServer server, final String pathAndQuery) throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(uri(server, pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A producer that counts its acknowledgements and refusals. */
    static final class CountingProducer implements AutoCloseable
    {
        final AtomicLong lastAcked = new AtomicLong();
        final AtomicLong nacks = new AtomicLong();
        final Map<ErrorCode, AtomicLong> nacksByCode = new java.util.concurrent.ConcurrentHashMap<>();
        final RillProducer producer;
        private final FraudDataGenerator generator = new FraudDataGenerator(7);
        private final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
        private final byte[] payments = RillProducer.topic(FraudFeatures.PAYMENTS_TOPIC);

        CountingProducer(final RillServer server, final long producerId)
        {
            producer = RillProducer.connect(ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(producerId, 1),
                new AckListener()
                {
                    @Override
                    public void onAck(final long seq)
                    {
                        lastAcked.set(seq);
                    }

                    @Override
                    public void onNack(final long seq, final ErrorCode code, final String message)
                    {
                        nacks.incrementAndGet();
                        nacksByCode.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
                    }
                });
        }

        /** Sends one generated payment; returns its seq. */
        long sendPayment(final long key)
        {
            generator.next(fields);
            return producer.send(payments, key, System.currentTimeMillis() * 1_000_000L, fields, fields.length);
        }

        long sendToUnknownTopic()
        {
            return producer.send(RillProducer.topic("no-such-topic"), 1, System.currentTimeMillis() * 1_000_000L, fields,
                fields.length);
        }

        @Override
        public void close()
        {
            producer.close();
        }
    }

    /** Waits, parking, until the condition holds; fails with the message after 30 s. */
    static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /**
     * Parses Prometheus text: every sample line as "name{labels}" (labels as written, in order) to value.
     */
    static Map<String, Double> parseMetrics(final String text)
    {
        final Map<String, Double> samples = new LinkedHashMap<>();
        for (final String line : text.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
