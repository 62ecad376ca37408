package dev.rill.ops.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDrills;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminClient;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.admin.ModelStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models change on a running server through its admin channel (real HTTP, real token), under
 * load from real producers: hot swap and rollback lose and double-score nothing, every Result
 * names the version that scored it, the gate refuses a worse model, a shadow is measured, and a
 * configured model that cannot load leaves the server scoring with its previous version.
 */
class ModelLifecycleTest
{
    private static final Path COMMITTED = Path.of("..", "models", "fraud", "1");
    private static final int PRODUCERS = 3;
    private static final int PER_PRODUCER = 4000;

    @TempDir
    Path dir;

    @Test
    void hotSwapAndRollbackUnderLoadLoseAndDoubleScoreNothingAndEveryResultNamesItsVersion() throws Exception
    {
        final Path models = dir.resolve("models");
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 1, b -> b);
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 2, b -> ModelDrills.shiftedFraudLogit(b, 0.5f));
        final Map<Long, Map<Long, double[]>> sent = new ConcurrentHashMap<>();
        final CountDownLatch third = new CountDownLatch(1);
        final CountDownLatch twoThirds = new CountDownLatch(1);
        final long swapNanos;
        final long rollbackNanos;
        final ModelStatus status;
        try (RillServer server = RillServer.start(config(models.resolve("fraud").resolve("1"))))
        {
            final AdminClient admin = client(server);
            assertTrue(admin.shadow("fraud", 2).done(), "a shadow from the start");
            final List<Thread> threads = new ArrayList<>();
            for (int p = 1; p <= PRODUCERS; p++)
            {
                final long id = p;
                threads.add(new Thread(() -> produce(server.address().getPort(), id, sent,
                    id == 1 ? new CountDownLatch[]{third, twoThirds} : null)));
            }
            threads.forEach(Thread::start);

            assertTrue(third.await(60, TimeUnit.SECONDS));
            final AdminOutcome deployed = admin.deploy("fraud", 2, true);
            assertTrue(deployed.done(), deployed.message());
            swapNanos = server.models().lastSwapNanos();
            assertEquals(2, server.scoring().activeModelVersion());

            assertTrue(twoThirds.await(60, TimeUnit.SECONDS));
            final AdminOutcome rolledBack = admin.rollback();
            assertTrue(rolledBack.done(), rolledBack.message());
            assertEquals("ROLLED_BACK", rolledBack.code());
            rollbackNanos = server.models().lastSwapNanos();
            for (final Thread t : threads)
            {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertTrue(server.models().monitor().awaitIdle(10_000));
            status = admin.status();
        }
        System.out.printf("hot swap: deploy took %d µs, rollback %d µs (load + taken up at a batch boundary)%n",
            TimeUnit.NANOSECONDS.toMicros(swapNanos), TimeUnit.NANOSECONDS.toMicros(rollbackNanos));

        assertEquals(1, status.active().version(), "rolled back to 1");
        assertEquals(new ModelStatus.ModelRef("fraud", 2), status.previous());
        assertEquals(0, status.active().fallbacks().total());
        assertNotNull(status.shadow());
        assertTrue(status.shadow().compared() > 0, "the shadow compared events");
        assertTrue(status.batches().count() > 0 && status.batches().max() <= status.batches().bound());

        // Every event exactly once in "out", scored as its named version scores its fields; versions 1, then 2, then 1.
        final List<Integer> versions = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final Map<String, Boolean> seen = new HashMap<>();
        try (OnnxScorer v1 = OnnxScorer.open(models.resolve("fraud").resolve("1"), 1);
            OnnxScorer v2 = OnnxScorer.open(models.resolve("fraud").resolve("2"), 1);
            RillServer reopened = RillServer.start(config(models.resolve("fraud").resolve("1"))))
        {
            final FeatureExtractor extractor = new FeatureExtractor(v1.descriptor(), FraudFeatures.payments());
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ResultDecoder result = new ResultDecoder();
            try (JournalReader reader = reopened.out().newReader())
            {
                while (reader.poll((index, buffer, offset, length) ->
                {
                    header.wrap(buffer, offset);
                    result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    final String id = result.producerId() + "/" + result.seq();
                    if (seen.put(id, Boolean.TRUE) != null)
                    {
                        failures.add("a second Result for " + id);
                    }
                    final int version = result.modelVersion();
                    versions.add(version);
                    try
                    {
                        final OnnxScorer model = version == 1 ? v1 : version == 2 ? v2 : null;
                        final float expected = model == null ? Float.NaN :
                            model.scoreOnce(extractor.extractToArray(sent.get(result.producerId()).get(result.seq())))[0];
                        if (!(Math.abs(expected - result.score()) <= 1e-6) || result.flags().fALLBACK())
                        {
                            failures.add(id + " scored " + result.score() + " by version " + version + ", expected " + expected);
                        }
                    }
                    catch (final Exception e)
                    {
                        failures.add(e.toString());
                    }
                }, 1000) > 0)
                {
                    // to the end
                }
            }
        }
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())));
        assertEquals(PRODUCERS * PER_PRODUCER, seen.size(), "every acknowledged event has exactly one Result");
        int changes = 0;
        for (int i = 1; i < versions.size(); i++)
        {
            changes += versions.get(i).equals(versions.get(i - 1)) ? 0 : 1;
        }
        assertEquals(1, (int)versions.get(0));
        assertEquals(1, (int)versions.get(versions.size() - 1));
        assertEquals(2, changes, "one swap to 2, one rollback to 1, each at a single point of the stream");
        assertTrue(versions.contains(2));
    }

    @Test
    void theGateRefusesAWorseModelOverTheAdminChannelUnlessForced() throws Exception
    {
        final Path models = dir.resolve("models");
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 1, b -> b);
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 2, ModelDrills::reversedWeights);
        try (RillServer server = RillServer.start(config(models.resolve("fraud").resolve("1"))))
        {
            final AdminClient admin = client(server);
            final AdminOutcome refused = admin.deploy("fraud", 2, false);
            assertEquals("REFUSED_BY_GATE", refused.code(), refused.message());
            assertTrue(refused.message().contains("AUC") && refused.message().contains("fraud/1"), refused.message());
            assertEquals(1, server.scoring().activeModelVersion(), "the active version stays");
            assertEquals(1, admin.status().active().version());

            final AdminOutcome forced = admin.deploy("fraud", 2, true);
            assertTrue(forced.done(), forced.message());
            produce(server.address().getPort(), 1, new ConcurrentHashMap<>(), null, 50);
            assertEquals(2, admin.status().active().version());
        }
    }

    @Test
    void aCorruptConfiguredModelLeavesTheServerScoringWithThePreviousVersionAndTheFallbackFlag() throws Exception
    {
        final Path models = dir.resolve("models");
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 1, b -> b);
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 2, b -> java.util.Arrays.copyOf(b, b.length / 2));
        final Map<Long, Map<Long, double[]>> sent = new ConcurrentHashMap<>();
        try (RillServer server = RillServer.start(config(models.resolve("fraud").resolve("2"))))
        {
            assertTrue(server.models().loadFailure().contains("cannot be loaded by ONNX Runtime"), server.models().loadFailure());
            produce(server.address().getPort(), 1, sent, null, 200);
            final ModelStatus status = client(server).status();
            assertEquals(200, status.active().fallbacks().loadFailure());
            assertEquals(0, status.active().scored());
            assertTrue(status.fallbackMode().contains("fraud/1"), status.fallbackMode());

            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ResultDecoder result = new ResultDecoder();
            final int[] flagged = {0};
            try (JournalReader reader = server.out().newReader())
            {
                while (reader.poll((index, buffer, offset, length) ->
                {
                    header.wrap(buffer, offset);
                    result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    if (result.flags().fALLBACK() && result.modelVersion() == 1 && Double.isFinite(result.score()))
                    {
                        flagged[0]++;
                    }
                }, 1000) > 0)
                {
                    // to the end
                }
            }
            assertEquals(200, flagged[0], "every Result scored by version 1 with the FALLBACK flag");
        }
    }

    private AdminClient client(final RillServer server)
    {
        return new AdminClient("127.0.0.1", server.admin().address().getPort(),
            server.config().admin().withTokenFileIn(server.config().journal().dataDir()).tokenFile());
    }

    private RillConfig config(final Path modelDir) throws Exception
    {
        Files.createDirectories(dir.resolve("data"));
        final RillConfig defaults = RillConfig.defaults(dir.resolve("data"));
        return defaults.withGateway(defaults.gateway().withPort(0)).withAdmin(defaults.admin().withPort(0))
            // no run budget: on a loaded machine a run over the default 10 ms would fall back, which these tests do not test
            .withModel(new ModelConfig(modelDir, "payments", 0.0).withBatchBudgetMicros(0));
    }

    private static void produce(final int port, final long producerId, final Map<Long, Map<Long, double[]>> sent,
        final CountDownLatch[] latches)
    {
        produce(port, producerId, sent, latches, PER_PRODUCER);
    }

    private static void produce(final int port, final long producerId, final Map<Long, Map<Long, double[]>> sent,
        final CountDownLatch[] latches, final int count)
    {
        final Map<Long, double[]> mine = new ConcurrentHashMap<>();
        sent.put(producerId, mine);
        final FraudDataGenerator generator = new FraudDataGenerator(producerId);
        final ClientConfig client = ClientConfig.of("127.0.0.1", port).withProducer(producerId, 1);
        try (RillProducer producer = RillProducer.connect(client, new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
                for (int k = 0; latches != null && k < latches.length; k++)
                {
                    if (seq >= (long)(k + 1) * count / 3)
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
            for (int i = 0; i < count; i++)
            {
                final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
                generator.next(fields);
                mine.put(producer.nextSeq(), fields);
                producer.send(topic, generator.lastCardId(), System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                if (i % 50 == 49)
                {
                    LockSupport.parkNanos(2_000_000L); // keep events flowing while the admin channel works
                }
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)));
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
    }
}
