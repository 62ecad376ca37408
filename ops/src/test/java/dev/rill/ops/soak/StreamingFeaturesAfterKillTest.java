package dev.rill.ops.soak;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.bus.JournalReader;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDrills;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming features survive kill -9: the same events sent to a server that is killed twice
 * (SIGKILL, no shutdown hook) and restarted get exactly the scores of an uninterrupted run, with
 * a model whose input reads a streaming feature (the card's transactions in the last minute),
 * with keys evicted along the way (more cards than maxKeys).
 */
class StreamingFeaturesAfterKillTest
{
    private static final int EVENTS = 12_000;
    private static final int CARDS = 120;
    private static final long PRODUCER = 7;

    @TempDir
    Path dir;

    @Test
    void featuresAfterKillAndRecoveryEqualThoseOfAnUninterruptedRun() throws Exception
    {
        final Path models = dir.resolve("models");
        ModelDrills.version(Path.of("..", "models", "fraud", "1"), models.resolve("fraud"), 1, b -> b, json ->
        {
            for (final var feature : json.withArray("features"))
            {
                if ("tx_count_1m".equals(feature.get("field").asText()))
                {
                    ((ObjectNode)feature).put("field", "card_tx_count_1m"); // from the stream, not from the producer
                }
            }
        });
        final List<double[]> fields = new ArrayList<>();
        final long[] keys = new long[EVENTS];
        final long[] times = new long[EVENTS];
        final FraudDataGenerator generator = new FraudDataGenerator(3);
        final SplittableRandom random = new SplittableRandom(11);
        final long start = 1_764_000_000_000_000_000L;
        for (int i = 0; i < EVENTS; i++)
        {
            final double[] f = new double[FraudFeatures.PAYMENT_FIELDS.size()];
            generator.next(f);
            fields.add(f);
            keys[i] = 4_000_000_000L + random.nextInt(CARDS);
            times[i] = start + i * 20_000_000L + random.nextLong(200_000_000L); // 20 ms apart, up to 200 ms out of order
        }

        // Uninterrupted, in this JVM.
        final Path configA = writeConfig(dir.resolve("a"), models, freePort());
        try (RillServer server = RillServer.start(RillConfig.read(configA)))
        {
            send(server.address().getPort(), fields, keys, times, null);
        }
        final Map<Long, Double> uninterrupted = scores(dir.resolve("a").resolve("data"));
        assertEquals(EVENTS, uninterrupted.size());

        // Killed twice with SIGKILL while events flow, as a separate process each time.
        final int port = freePort();
        final Path configB = writeConfig(dir.resolve("b"), models, port);
        final Path logs = Files.createDirectories(dir.resolve("b").resolve("logs"));
        final CountDownLatch third = new CountDownLatch(1);
        final CountDownLatch twoThirds = new CountDownLatch(1);
        ServerProcess server = ServerProcess.start(configB, logs.resolve("0.log"), 120_000);
        final List<String> recoveries = new ArrayList<>();
        final Thread producer = new Thread(() -> send(port, fields, keys, times, new CountDownLatch[]{third, twoThirds}));
        producer.start();
        assertTrue(third.await(120, TimeUnit.SECONDS));
        server.kill();
        server = ServerProcess.start(configB, logs.resolve("1.log"), 120_000);
        recoveries.add(server.recoveryLine());
        assertTrue(twoThirds.await(120, TimeUnit.SECONDS));
        server.kill();
        server = ServerProcess.start(configB, logs.resolve("2.log"), 120_000);
        recoveries.add(server.recoveryLine());
        producer.join(TimeUnit.SECONDS.toMillis(120));
        server.stop();
        final Map<Long, Double> recovered = scores(dir.resolve("b").resolve("data"));

        assertEquals(EVENTS, recovered.size(), "every event has exactly one Result");
        int differ = 0;
        final StringBuilder examples = new StringBuilder();
        for (final Map.Entry<Long, Double> e : uninterrupted.entrySet())
        {
            if (!e.getValue().equals(recovered.get(e.getKey())))
            {
                differ++;
                if (differ <= 5)
                {
                    examples.append(" seq ").append(e.getKey()).append(": ").append(e.getValue()).append(" vs ").append(recovered.get(e.getKey()));
                }
            }
        }
        assertEquals(0, differ, "events scored differently after kill -9 and recovery:" + examples + "; recoveries " + recoveries);
        assertTrue(recoveries.stream().anyMatch(line -> line.contains("streaming features restored from")), recoveries.toString());
        assertStreamingFeatureMatters(models, uninterrupted, fields);
    }

    /** The scores depend on the streaming count: with the producer's own field they would differ. */
    private static void assertStreamingFeatureMatters(final Path models, final Map<Long, Double> scores, final List<double[]> fields)
        throws Exception
    {
        try (dev.rill.ml.OnnxScorer original = dev.rill.ml.OnnxScorer.open(Path.of("..", "models", "fraud", "1"), 1))
        {
            final dev.rill.ml.FeatureExtractor extractor = new dev.rill.ml.FeatureExtractor(original.descriptor(), FraudFeatures.payments());
            int different = 0;
            for (int i = 0; i < fields.size(); i++)
            {
                final float withProducerField = original.scoreOnce(extractor.extractToArray(fields.get(i)))[0];
                different += Math.abs(withProducerField - scores.get((long)i + 1)) > 1e-6 ? 1 : 0;
            }
            assertTrue(different > fields.size() / 10, "the streaming feature changes scores: " + different);
        }
    }

    private static void send(
        final int port, final List<double[]> fields, final long[] keys, final long[] times, final CountDownLatch[] latches)
    {
        final ClientConfig client = ClientConfig.of("127.0.0.1", port).withProducer(PRODUCER, 1).withMaxInFlight(256)
            .withReconnect(true, Duration.ofMillis(20));
        try (RillProducer producer = RillProducer.connect(client, new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
                // latches[k] opens once (k + 1) thirds of the events are acknowledged (acks are cumulative)
                for (int k = 0; latches != null && k < latches.length; k++)
                {
                    if (seq >= (long)(k + 1) * EVENTS / 3)
                    {
                        latches[k].countDown();
                    }
                }
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                throw new AssertionError("event " + seq + " refused: " + code + " " + message);
            }
        }))
        {
            final byte[] topic = RillProducer.topic("payments");
            for (int i = 0; i < fields.size(); i++)
            {
                producer.send(topic, keys[i], times[i], fields.get(i), fields.get(i).length);
                if (i % 100 == 99)
                {
                    LockSupport.parkNanos(40_000_000L); // ~5 s in all: checkpoints (every second) fall mid-stream
                }
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(120)));
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
    }

    /** @return score by producer seq, read from journal "out"; fails on a second Result for one seq. */
    private static Map<Long, Double> scores(final Path dataDir)
    {
        final Map<Long, Double> scores = new HashMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ResultDecoder result = new ResultDecoder();
        try (ChronicleJournal out = ChronicleJournal.openReadOnly(JournalConfig.of(dataDir), RillServer.OUT);
            JournalReader reader = out.newReader())
        {
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                if (result.producerId() == PRODUCER && result.flags().fALLBACK())
                {
                    throw new AssertionError("seq " + result.seq() + " got the fallback score: the model did not score it");
                }
                if (result.producerId() == PRODUCER && scores.put(result.seq(), result.score()) != null)
                {
                    throw new AssertionError("a second Result for seq " + result.seq());
                }
            }, 1000) > 0)
            {
                // to the end
            }
        }
        return scores;
    }

    private static Path writeConfig(final Path base, final Path models, final int port) throws Exception
    {
        Files.createDirectories(base);
        final Path config = base.resolve("rill.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + base.resolve("data").toAbsolutePath(),
            "gateway:",
            "  port: " + port,
            "admin:",
            "  port: 0",
            "model:",
            "  directory: " + models.resolve("fraud").resolve("1").toAbsolutePath(),
            // No run budget: on a loaded machine a run can exceed the default 10 ms and its batch would get
            // the fallback score, which is the watchdog working, not the feature state this test is about.
            "  batchBudgetMicros: 0",
            "checkpoint:",
            "  intervalSeconds: 1",
            "features:",
            "  - topic: payments",
            "    maxKeys: 50",
            "    idleTimeout: 2h",
            "    windows:",
            "      - {name: card_tx_count_1m, aggregate: count, window: 1m, buckets: 12}",
            "      - {name: card_spend_1h, aggregate: sum, field: amount, window: 1h, buckets: 12}",
            ""));
        return config;
    }

    private static int freePort() throws Exception
    {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }
}
