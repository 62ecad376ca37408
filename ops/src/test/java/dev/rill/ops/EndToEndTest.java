package dev.rill.ops;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole bus over TCP: real gateway, Disruptor pipeline, Chronicle journals and ONNX model.
 */
class EndToEndTest
{
    static final Path MODEL = Path.of("..", "models", "fraud", "1");

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEventHasExactlyOneResultScoredAsTheModelScoresItsFeaturesAndSurvivesRestartInOrder() throws Exception
    {
        final int producers = 3;
        final int perProducer = 2000;
        final Map<Long, Map<Long, double[]>> sent = new ConcurrentHashMap<>();
        final Map<Long, Set<Long>> acked = new ConcurrentHashMap<>();

        try (RillServer server = RillServer.start(config()))
        {
            final List<Thread> threads = new ArrayList<>();
            for (int p = 1; p <= producers; p++)
            {
                final long producerId = p;
                threads.add(new Thread(() -> produce(server, producerId, perProducer, sent, acked)));
            }
            threads.forEach(Thread::start);
            for (final Thread t : threads)
            {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
        }

        int ackedCount = 0;
        for (final Set<Long> s : acked.values())
        {
            ackedCount += s.size();
        }
        assertEquals(producers * perProducer, ackedCount, "every event was acknowledged");

        // Every acknowledged event has exactly one Result, scored as the model scores its features.
        final List<long[]> order = new ArrayList<>();
        try (OnnxScorer direct = OnnxScorer.open(MODEL, 1);
            RillServer server = RillServer.start(config()))
        {
            final FeatureExtractor extractor = new FeatureExtractor(direct.descriptor(), FraudFeatures.payments());
            final Set<String> seen = new HashSet<>();
            final JournalReader reader = server.out().newReader();
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ResultDecoder result = new ResultDecoder();
            final List<String> failures = new ArrayList<>();
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                final long producerId = result.producerId();
                final long seq = result.seq();
                if (!seen.add(producerId + "/" + seq))
                {
                    failures.add("duplicate result for " + producerId + "/" + seq);
                }
                final double[] fields = sent.get(producerId).get(seq);
                try
                {
                    final float expected = direct.scoreOnce(extractor.extractToArray(fields))[direct.descriptor().scoreColumn()];
                    if (Math.abs(expected - result.score()) > 1e-6)
                    {
                        failures.add(producerId + "/" + seq + ": score " + result.score() + " but the model says " + expected);
                    }
                }
                catch (final Exception e)
                {
                    failures.add(e.toString());
                }
                if (result.flags().fALLBACK())
                {
                    failures.add(producerId + "/" + seq + " was scored by fallback");
                }
                if (result.modelVersion() != 1 || !"payments".equals(result.topic()) || !"fraud".equals(result.modelName()))
                {
                    failures.add(producerId + "/" + seq + " names the wrong topic or model");
                }
                order.add(new long[] {producerId, seq});
            }, 1000) > 0)
            {
                // drain
            }
            reader.close();
            assertEquals(List.of(), failures);
            assertEquals(producers * perProducer, seen.size(), "exactly one result per acknowledged event");

            // After the restart: new events, then a subscriber from earliest sees old and new, in order.
            produce(server, 9, 500, sent, acked);
            final List<long[]> delivered = new CopyOnWriteArrayList<>();
            final List<Long> outIndexes = new CopyOnWriteArrayList<>();
            try (RillSubscriber ignored = RillSubscriber.subscribe(ClientConfig.of("127.0.0.1", server.address().getPort()),
                "payments", StartPosition.EARLIEST, 0, r ->
                {
                    outIndexes.add(r.outIndex());
                    delivered.add(new long[] {r.producerId(), r.seq()});
                }))
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (delivered.size() < order.size() + 500 && System.nanoTime() < deadline)
                {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
            }
            assertEquals(order.size() + 500, delivered.size());
            for (int i = 0; i < order.size(); i++)
            {
                assertEquals(order.get(i)[0], delivered.get(i)[0], "result " + i + " in journal order");
                assertEquals(order.get(i)[1], delivered.get(i)[1], "result " + i + " in journal order");
            }
            for (int i = 0; i < 500; i++)
            {
                assertEquals(9, delivered.get(order.size() + i)[0]);
                assertEquals(i + 1, delivered.get(order.size() + i)[1], "new results follow in order");
            }
            for (int i = 1; i < outIndexes.size(); i++)
            {
                assertTrue(outIndexes.get(i) > outIndexes.get(i - 1), "out indexes increase");
            }
        }
    }

    private Map<Long, double[]> produce(
        final RillServer server, final long producerId, final int count, final Map<Long, Map<Long, double[]>> sent,
        final Map<Long, Set<Long>> acked)
    {
        final Map<Long, double[]> mine = new HashMap<>();
        sent.put(producerId, mine);
        final Set<Long> ackedSeqs = ConcurrentHashMap.newKeySet();
        acked.put(producerId, ackedSeqs);
        final FraudDataGenerator generator = new FraudDataGenerator(producerId);
        final ClientConfig client = ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(producerId, 1);
        try (RillProducer producer = RillProducer.connect(client, new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
                ackedSeqs.add(seq);
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                throw new AssertionError("event " + seq + " refused: " + code + " " + message);
            }
        }))
        {
            for (int i = 0; i < count; i++)
            {
                final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
                generator.next(fields);
                final long seq = producer.nextSeq();
                mine.put(seq, fields);
                producer.send(RillProducer.topic("payments"), generator.lastCardId(), System.currentTimeMillis() * 1_000_000L,
                    fields, fields.length);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
        return mine;
    }

    private RillConfig config()
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        return new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(MODEL, "payments", 0.0), defaults.topics());
    }
}
