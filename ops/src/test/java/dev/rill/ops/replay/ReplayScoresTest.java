package dev.rill.ops.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.journal.Checkpoint;
import dev.rill.journal.CheckpointStore;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDrills;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replay with the model the live path used gives the live scores bit for bit, with a model that
 * reads a streaming feature (the card's transactions in the last minute, with more cards than
 * maxKeys, so keys are evicted): once from a checkpoint before the range plus a warm-up, once from
 * the first event of "in" (a range before any checkpoint). Micro-batches differ between the two
 * paths (whatever the ring held, up to 128, live; 256, or 100 here, in the replay).
 */
class ReplayScoresTest
{
    private static final int EVENTS = 9000;
    private static final int CARDS = 120;
    private static final long PRODUCER = 5;

    @TempDir
    Path dir;

    @Test
    void replayWithTheLiveModelGivesBitEqualScoresFromACheckpointAndFromTheFirstEvent() throws Exception
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
        final FraudDataGenerator generator = new FraudDataGenerator(9);
        final SplittableRandom random = new SplittableRandom(13);
        final long start = 1_764_000_000_000_000_000L;
        for (int i = 0; i < EVENTS; i++)
        {
            final double[] f = new double[FraudFeatures.PAYMENT_FIELDS.size()];
            generator.next(f);
            fields.add(f);
            keys[i] = 4_000_000_000L + random.nextInt(CARDS);
            times[i] = start + i * 20_000_000L + random.nextLong(200_000_000L); // 20 ms apart, up to 200 ms out of order
        }
        final Path config = writeConfig(models);
        final Path data = dir.resolve("data");
        try (RillServer server = RillServer.start(RillConfig.read(config)))
        {
            ReplayFixture.produce(server.address().getPort(), PRODUCER, fields, keys, times, 100); // ~3.6 s: checkpoints mid-stream
        }
        final Map<Long, ReplayFixture.Res> live = ReplayFixture.byInIndex(ReplayFixture.results(data, RillServer.OUT));
        assertEquals(EVENTS, live.size());
        final List<Long> inIndexes = new ArrayList<>(live.keySet());

        // A checkpoint with a feature state taken mid-stream: the range starts 300 events after it.
        final Checkpoint checkpoint = CheckpointStore.in(data).loadAllValid().stream()
            .filter(c -> c.hasFeatureState() && c.featureInIndex() < inIndexes.get(EVENTS - 2000))
            .min(Comparator.comparingLong(Checkpoint::featureInIndex))
            .orElseThrow(() -> new AssertionError("no checkpoint with a feature state mid-stream"));
        final int afterCheckpoint = inIndexes.indexOf(checkpoint.featureInIndex()) + 300;
        final long fromA = inIndexes.get(afterCheckpoint);
        final long toA = inIndexes.get(Math.min(EVENTS - 1, afterCheckpoint + 1500));
        final ReplayFixture.Run a = ReplayFixture.cli("replay", "run", "--config", config.toString(), "--from", Long.toString(fromA),
            "--to", Long.toString(toA), "--output", "after-checkpoint", "--progress", "none").noStackTrace();
        assertEquals(0, a.status(), a.err());
        assertTrue(a.out().contains("restored from checkpoint"), a.out());
        assertEquals(1501, assertBitEqual(live, ReplayFixture.results(data.resolve("replay").resolve("after-checkpoint"), "results"),
            fromA, toA));

        // Before any checkpoint's feature state: rebuilt from the first event, batches of 100.
        final long fromB = inIndexes.get(10);
        final long toB = inIndexes.get(1200);
        assertTrue(CheckpointStore.in(data).loadAllValid().stream().noneMatch(c -> c.hasFeatureState() && c.featureInIndex() < fromB),
            "the second range starts before every checkpoint's feature state");
        final ReplayFixture.Run b = ReplayFixture.cli("replay", "run", "--config", config.toString(), "--from", Long.toString(fromB),
            "--to", Long.toString(toB), "--output", "before-checkpoints", "--batch", "100", "--progress", "none").noStackTrace();
        assertEquals(0, b.status(), b.err());
        assertTrue(b.out().contains("rebuilt from the first event"), b.out());
        assertEquals(1191, assertBitEqual(live, ReplayFixture.results(data.resolve("replay").resolve("before-checkpoints"), "results"),
            fromB, toB));

        assertStreamingFeatureMatters(live, inIndexes, fields);
    }

    /** @return Results compared; every one has its live Result's score bit for bit and the REPLAYED flag. */
    private static int assertBitEqual(final Map<Long, ReplayFixture.Res> live, final List<ReplayFixture.Res> replayed,
        final long from, final long to)
    {
        final long expected = live.keySet().stream().filter(i -> i >= from && i <= to).count();
        assertEquals(expected, replayed.size(), "one replayed Result per event of the range");
        int differ = 0;
        for (final ReplayFixture.Res r : replayed)
        {
            final ReplayFixture.Res original = live.get(r.inIndex());
            assertEquals(original.producerId(), r.producerId());
            assertEquals(original.seq(), r.seq());
            assertEquals(original.key(), r.key());
            assertEquals(original.modelVersion(), r.modelVersion());
            assertTrue(r.replayed() && !r.correction(), "flags " + r.flags());
            assertEquals(-1, r.correctsOutIndex());
            differ += Double.doubleToRawLongBits(original.score()) == Double.doubleToRawLongBits(r.score()) ? 0 : 1;
        }
        assertEquals(0, differ, "replayed scores that differ from the live ones");
        return replayed.size();
    }

    /** The scores depend on the streaming count: with the producer's own field many would differ. */
    private static void assertStreamingFeatureMatters(final Map<Long, ReplayFixture.Res> live, final List<Long> inIndexes,
        final List<double[]> fields) throws Exception
    {
        try (OnnxScorer original = OnnxScorer.open(Path.of("..", "models", "fraud", "1"), 1))
        {
            final FeatureExtractor extractor = new FeatureExtractor(original.descriptor(), FraudFeatures.payments());
            int different = 0;
            for (int i = 0; i < fields.size(); i++)
            {
                final ReplayFixture.Res r = live.get(inIndexes.get(i));
                final float withProducerField = original.scoreOnce(extractor.extractToArray(fields.get((int)r.seq() - 1)))[0];
                different += Math.abs(withProducerField - r.score()) > 1e-6 ? 1 : 0;
            }
            assertTrue(different > fields.size() / 10, "the streaming feature changes scores: " + different);
        }
    }

    private Path writeConfig(final Path models) throws Exception
    {
        final Path config = dir.resolve("rill.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dir.resolve("data").toAbsolutePath(),
            "gateway:",
            "  port: 0",
            "admin:",
            "  port: 0",
            "model:",
            "  directory: " + models.resolve("fraud").resolve("1").toAbsolutePath(),
            "checkpoint:",
            "  intervalSeconds: 1",
            "  keep: 10",
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
}
