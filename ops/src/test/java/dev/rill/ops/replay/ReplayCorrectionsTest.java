package dev.rill.ops.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.journal.LastResultInIndex;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incident path end to end, beside running servers: a bad version (reversed weights) scored the
 * events live; a replay with the good version and its diff count the flipped decisions as an
 * independent computation does; a publish from another JVM, while producers still send, appends
 * exactly one correction per flipped decision, which a subscriber over TCP receives with the
 * CORRECTION flag and the original's outIndex; publishing again adds nothing; corrections of the
 * other changed scores arrive while the server is idle; "out" verifies; and a restart recovers
 * past the corrections at the end of "out" without re-scoring anything.
 */
class ReplayCorrectionsTest
{
    private static final Path COMMITTED = Path.of("..", "models", "fraud", "1");
    private static final int EVENTS = 3000;
    private static final int AFTER_RESTART = 300;

    @TempDir
    Path dir;

    @Test
    void aReplayWithTheGoodVersionIsDiffedAndPublishedAsOneCorrectionPerFlippedDecisionThatSubscribersReceive() throws Exception
    {
        final Path models = dir.resolve("models");
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 1, b -> b);
        ModelDrills.version(COMMITTED, models.resolve("fraud"), 2, ModelDrills::reversedWeights);
        final Path config = writeConfig(models.resolve("fraud").resolve("2")); // the bad version is live
        final Path data = dir.resolve("data");
        final Batch first = batch(1, EVENTS);
        final List<ReplayFixture.Res> receivedA = new CopyOnWriteArrayList<>();

        final long lastLiveInIndex;
        final int during;
        final int flipped;
        final long changed;
        try (RillServer server = RillServer.start(RillConfig.read(config));
            RillSubscriber a = RillSubscriber.subscribe(ClientConfig.of("127.0.0.1", server.address().getPort()), "payments",
                StartPosition.EARLIEST, 0, ReplayFixture.collect(receivedA)))
        {
            final int port = server.address().getPort();
            ReplayFixture.produce(port, 1, first.fields, first.keys, first.times, 0);
            ReplayFixture.await("the subscriber's first Results", () -> receivedA.size() == EVENTS, 30);
            final Map<Long, ReplayFixture.Res> live = ReplayFixture.byInIndex(ReplayFixture.results(data, RillServer.OUT));
            final long from = live.keySet().stream().min(Long::compare).orElseThrow();
            final long to = live.keySet().stream().max(Long::compare).orElseThrow();

            // Replay with the good version while the server runs.
            final ReplayFixture.Run run = ReplayFixture.cli("replay", "run", "--config", config.toString(), "--from",
                Long.toString(from), "--to", Long.toString(to), "--model", "fraud:1", "--output", "fix", "--progress", "none")
                .noStackTrace();
            assertEquals(0, run.status(), run.err());

            // The independent count: each event's fields scored by version 1 on its own, against the live scores.
            final Expected expected = expected(models.resolve("fraud").resolve("1"), live, first);
            assertTrue(expected.positiveToNegative > 0 && expected.negativeToPositive > 0, "flips both ways: " + expected);
            final JsonNode diff = diff(config);
            assertEquals(EVENTS, diff.get("replayed").asLong());
            assertEquals(EVENTS, diff.get("matched").asLong());
            assertEquals(0, diff.get("missing").asLong());
            assertEquals(expected.positiveToNegative, diff.get("flipped").get("positiveToNegative").asLong());
            assertEquals(expected.negativeToPositive, diff.get("flipped").get("negativeToPositive").asLong());
            assertEquals(expected.changed, diff.get("changed").asLong());
            assertEquals(expected.threshold, diff.get("threshold").asDouble());
            // The live path may have scored a few early batches by its fallback (version 1) when they ran over the budget.
            assertEquals(live.values().stream().filter(r -> r.modelVersion() == 2).count(),
                diff.get("originalModels").get("fraud/2").asLong());
            assertEquals(0, diff.get("alreadyCorrected").asLong());
            assertFalse(diff.get("topKeys").isEmpty());
            flipped = expected.flipped.size();
            changed = expected.changed;
            assertReplayedScoresAre(expected.scores, ReplayFixture.results(data.resolve("replay").resolve("fix"), "results"));

            // Publish from another JVM while a producer sends, from before it starts until after it ends: both append to "out".
            final java.util.concurrent.atomic.AtomicBoolean publishing = new java.util.concurrent.atomic.AtomicBoolean(true);
            final java.util.concurrent.CompletableFuture<Integer> sent = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> ReplayFixture.produceWhile(port, 2, publishing::get));
            final ReplayFixture.Run published = ReplayFixture.process(dir.resolve("publish.log"), "replay", "publish", "--config",
                config.toString(), "--output", "fix", "--rate", "500").noStackTrace();
            publishing.set(false);
            during = sent.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, published.status(), published.out());
            assertTrue(published.out().contains(String.format("%,d corrections appended", flipped)), published.out());
            ReplayFixture.await("the corrections and the second producer's Results",
                () -> receivedA.size() == EVENTS + during + flipped, 30);
            assertCorrections(receivedA, expected.flipped, expected.scores);
            final long firstCorrection = receivedA.stream().filter(ReplayFixture.Res::correction).mapToLong(ReplayFixture.Res::outIndex)
                .min().orElseThrow();
            final long lastCorrection = receivedA.stream().filter(ReplayFixture.Res::correction).mapToLong(ReplayFixture.Res::outIndex)
                .max().orElseThrow();
            final long interleaved = receivedA.stream().filter(r -> !r.correction() && r.outIndex() > firstCorrection &&
                r.outIndex() < lastCorrection).count();
            System.out.printf("publish from another JVM: %d corrections at out %d..%d, %d live Results appended between them%n",
                flipped, firstCorrection, lastCorrection, interleaved);
            assertTrue(interleaved > 0, "the two processes appended to out at the same time");

            // Again: nothing; the diff now sees them.
            final ReplayFixture.Run again = ReplayFixture.cli("replay", "publish", "--config", config.toString(), "--output", "fix")
                .noStackTrace();
            assertEquals(0, again.status(), again.err());
            assertTrue(again.out().contains("0 corrections appended"), again.out());
            assertTrue(again.out().contains(String.format("%,d already corrected", flipped)), again.out());
            assertEquals(flipped, diff(config).get("alreadyCorrected").asLong());

            // Every changed score, with the server idle: the subscriber still gets them (it looks for appends by others).
            final ReplayFixture.Run all = ReplayFixture.cli("replay", "publish", "--config", config.toString(), "--output", "fix",
                "--all-changed", "--rate", "0").noStackTrace();
            assertEquals(0, all.status(), all.err());
            assertTrue(all.out().contains(String.format("%,d corrections appended", changed - flipped)), all.out());
            ReplayFixture.await("the corrections of the changed scores", () -> receivedA.size() == EVENTS + during + changed, 30);
            assertEquals(changed, receivedA.stream().filter(ReplayFixture.Res::correction).count());

            // "out" ends with corrections: recovery and retention look past them.
            final List<ReplayFixture.Res> out = ReplayFixture.results(data, RillServer.OUT);
            assertTrue(out.get(out.size() - 1).correction());
            lastLiveInIndex = ReplayFixture.byInIndex(out).keySet().stream().max(Long::compare).orElseThrow();
            assertEquals(lastLiveInIndex, new LastResultInIndex(server.out()).getAsLong());
            assertJournalToolsShowCorrections(data, (int)changed);
        }

        try (RillServer restarted = RillServer.start(RillConfig.read(config)))
        {
            assertEquals(lastLiveInIndex, restarted.recovery().lastPublishedInIndex());
            assertFalse(restarted.recovery().hasUnpublished());
            assertTrue(restarted.recoverySummary().contains(", 0 events without a Result"), restarted.recoverySummary());
            final List<ReplayFixture.Res> receivedB = new CopyOnWriteArrayList<>();
            try (RillSubscriber b = RillSubscriber.subscribe(ClientConfig.of("127.0.0.1", restarted.address().getPort()), "payments",
                StartPosition.EARLIEST, 0, ReplayFixture.collect(receivedB)))
            {
                final Batch third = batch(1, AFTER_RESTART);
                ReplayFixture.produce(restarted.address().getPort(), 3, third.fields, third.keys, third.times, 0);
                final long total = EVENTS + during + changed + AFTER_RESTART;
                ReplayFixture.await("everything after the restart", () -> receivedB.size() == total, 30);
            }
            final Map<Long, ReplayFixture.Res> live = ReplayFixture.byInIndex(receivedB); // fails on a second live Result of one event
            assertEquals(EVENTS + during + AFTER_RESTART, live.size());
            long previousOut = -1;
            long previousIn = -1;
            for (final ReplayFixture.Res r : receivedB)
            {
                assertTrue(r.outIndex() > previousOut, "out indexes increase");
                previousOut = r.outIndex();
                if (!r.correction())
                {
                    assertTrue(r.inIndex() > previousIn, "live Results stay in in order around the corrections");
                    previousIn = r.inIndex();
                }
            }
        }
    }

    /** Corrections received: one per flipped event, each pointing at the Result it corrects. */
    private static void assertCorrections(final List<ReplayFixture.Res> received, final Set<Long> flippedInIndexes,
        final Map<Long, Double> goodScores)
    {
        final Map<Long, ReplayFixture.Res> originalsByOut = new HashMap<>();
        final Set<Long> corrected = new HashSet<>();
        for (final ReplayFixture.Res r : received)
        {
            if (!r.correction())
            {
                originalsByOut.put(r.outIndex(), r);
                continue;
            }
            assertTrue(r.replayed(), "a correction is a replayed Result");
            final ReplayFixture.Res original = originalsByOut.get(r.correctsOutIndex());
            assertTrue(original != null, "the correction points at a Result received before it: " + r);
            assertEquals(original.inIndex(), r.inIndex());
            assertEquals(original.producerId(), r.producerId());
            assertEquals(original.seq(), r.seq());
            assertEquals(original.key(), r.key());
            assertEquals(2, original.modelVersion());
            assertEquals(1, r.modelVersion());
            assertEquals("fraud", r.modelName());
            assertEquals(goodScores.get(r.inIndex()), r.score());
            assertTrue(corrected.add(r.inIndex()), "one correction per event: " + r.inIndex());
        }
        assertEquals(flippedInIndexes, corrected, "exactly the flipped decisions are corrected");
    }

    private static void assertReplayedScoresAre(final Map<Long, Double> scores, final List<ReplayFixture.Res> replayed)
    {
        assertEquals(scores.size(), replayed.size());
        for (final ReplayFixture.Res r : replayed)
        {
            assertEquals(scores.get(r.inIndex()), r.score(), "in index " + r.inIndex());
            assertEquals(1, r.modelVersion());
        }
    }

    private void assertJournalToolsShowCorrections(final Path data, final int corrections) throws Exception
    {
        final ReplayFixture.Run verify = ReplayFixture.cli("journal", "verify", "--data-dir", data.toString(), "--journal", "out");
        assertEquals(0, verify.status(), verify.out() + verify.err());
        final ReplayFixture.Run stats = ReplayFixture.cli("journal", "stats", "--data-dir", data.toString());
        assertTrue(stats.out().contains(String.format("Correction %,d", corrections)), stats.out());
        final ReplayFixture.Run text = ReplayFixture.cli("journal", "dump", "--data-dir", data.toString(), "--journal", "out");
        assertEquals(corrections, text.out().lines().filter(l -> l.contains("flags=replayed,correction corrects=")).count());
        final ReplayFixture.Run json = ReplayFixture.cli("journal", "dump", "--data-dir", data.toString(), "--journal", "out",
            "--format", "json");
        final ObjectMapper mapper = new ObjectMapper();
        int pointing = 0;
        for (final String line : json.out().split("\n"))
        {
            final JsonNode o = mapper.readTree(line);
            final boolean correction = o.get("flags").toString().contains("correction");
            assertEquals(correction, o.get("correctsOutIndex").asLong() != -1, line);
            pointing += correction ? 1 : 0;
        }
        assertEquals(corrections, pointing);
    }

    private JsonNode diff(final Path config) throws Exception
    {
        final ReplayFixture.Run diff = ReplayFixture.cli("replay", "diff", "--config", config.toString(), "--output", "fix", "--json")
            .noStackTrace();
        assertEquals(0, diff.status(), diff.err());
        return new ObjectMapper().readTree(diff.out());
    }

    /** What version 1 makes of the live (version 2) Results, computed without the replay. */
    private record Expected(double threshold, Map<Long, Double> scores, Set<Long> flipped, long positiveToNegative,
        long negativeToPositive, long changed)
    {
    }

    private static Expected expected(final Path good, final Map<Long, ReplayFixture.Res> live, final Batch batch) throws Exception
    {
        try (OnnxScorer v1 = OnnxScorer.open(good, 1))
        {
            final double t = v1.descriptor().threshold();
            final FeatureExtractor extractor = new FeatureExtractor(v1.descriptor(), FraudFeatures.payments());
            final Map<Long, Double> scores = new HashMap<>();
            final Set<Long> flipped = new HashSet<>();
            long pn = 0;
            long np = 0;
            long changed = 0;
            for (final ReplayFixture.Res r : live.values())
            {
                final double good1 = v1.scoreOnce(extractor.extractToArray(batch.fields.get((int)r.seq() - 1)))[0];
                scores.put(r.inIndex(), good1);
                changed += Double.doubleToRawLongBits(good1) != Double.doubleToRawLongBits(r.score()) ? 1 : 0;
                if (r.score() >= t && good1 < t)
                {
                    pn++;
                    flipped.add(r.inIndex());
                }
                else if (r.score() < t && good1 >= t)
                {
                    np++;
                    flipped.add(r.inIndex());
                }
            }
            assertNotEquals(0, changed);
            return new Expected(t, scores, flipped, pn, np, changed);
        }
    }

    /** Payments of one producer: fields, keys and event times by seq - 1. */
    private record Batch(List<double[]> fields, long[] keys, long[] times)
    {
    }

    private static Batch batch(final long seed, final int count)
    {
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final List<double[]> fields = new ArrayList<>();
        final long[] keys = new long[count];
        final long[] times = new long[count];
        for (int i = 0; i < count; i++)
        {
            final double[] f = new double[FraudFeatures.PAYMENT_FIELDS.size()];
            generator.next(f);
            fields.add(f);
            keys[i] = generator.lastCardId();
            times[i] = System.currentTimeMillis() * 1_000_000L;
        }
        return new Batch(fields, keys, times);
    }

    private Path writeConfig(final Path model) throws Exception
    {
        final Path config = dir.resolve("rill.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dir.resolve("data").toAbsolutePath(),
            "gateway:",
            "  port: 0",
            "admin:",
            "  port: 0",
            "model:",
            "  directory: " + model.toAbsolutePath(),
            ""));
        return config;
    }
}
