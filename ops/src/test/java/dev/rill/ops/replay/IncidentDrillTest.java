package dev.rill.ops.replay;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelDrills;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminClient;
import dev.rill.ops.admin.AdminOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incident drill of ops/runbooks/bad-model.md, end to end on a real server: a bad model version
 * is deployed under load; the drift alert reaches a webhook with its runbook; the operator rolls
 * back over the admin channel, replays the bad window with the good version, and publishes
 * corrections; a subscriber connected from the start receives exactly one correction for each
 * decision that flipped, and a second publish adds none.
 */
class IncidentDrillTest
{
    private static final Path COMMITTED = Path.of("..", "models", "fraud", "1");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aBadModelRaisesTheDriftAlertAndAfterRollbackReplayAndPublishEachFlippedDecisionIsCorrectedExactlyOnce() throws Exception
    {
        final Path models = dir.resolve("models").resolve("fraud");
        ModelDrills.version(COMMITTED, models, 1, b -> b);
        ModelDrills.version(COMMITTED, models, 2, ModelDrills::reversedWeights); // the "bad release"
        final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
        final HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        webhook.createContext("/alerts", exchange ->
        {
            try (exchange)
            {
                notifications.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
            }
        });
        webhook.start();
        final Path config = dir.resolve("rill.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dir.resolve("data").toAbsolutePath(),
            "gateway: {port: 0}",
            "admin: {port: 0}",
            "model: {directory: " + models.resolve("1").toAbsolutePath() + "}",
            "alerts:",
            "  modelDrift: {psi: 0.25, minObserved: 300, for: 0s, severity: page}",
            "  sinks:",
            "    webhook: {url: 'http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts', retries: 1, backoff: 100ms}",
            ""), StandardCharsets.UTF_8);

        final List<ReplayFixture.Res> received = new CopyOnWriteArrayList<>();
        final JsonNode alert;
        try (RillServer server = RillServer.start(RillConfig.read(config));
            RillSubscriber subscriber = RillSubscriber.subscribe(ClientConfig.of("127.0.0.1", server.address().getPort()),
                "payments", StartPosition.EARLIEST, 0, ReplayFixture.collect(received)))
        {
            final AdminClient admin = new AdminClient("127.0.0.1", server.admin().address().getPort(),
                server.config().admin().withTokenFileIn(server.config().journal().dataDir()).tokenFile());
            final AtomicBoolean load = new AtomicBoolean(true);
            final CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(
                () -> ReplayFixture.produceWhile(server.address().getPort(), 1, load::get));
            ReplayFixture.await("Results of the good version", () -> received.size() >= 500, 60);

            // The bad release: forced past the gate, as a hurried operator would.
            final AdminOutcome deployed = admin.deploy("fraud", 2, true);
            assertTrue(deployed.done(), deployed.message());
            alert = awaitFiring(notifications, "model-drift", 90);
            assertEquals("ops/runbooks/model-drift.md", alert.get("runbook").asText());
            assertEquals("page", alert.get("severity").asText());
            assertEquals("fraud/2", alert.get("subject").asText(), alert.toString());
            assertTrue(Files.isRegularFile(Path.of(alert.get("runbook").asText().replaceFirst("^ops/", ""))),
                "the runbook the alert names exists");

            // The operator rolls back, and the load goes on for a while with the good version.
            final AdminOutcome rolledBack = admin.rollback();
            assertTrue(rolledBack.done(), rolledBack.message());
            final int afterRollback = received.size();
            ReplayFixture.await("Results after the rollback", () -> received.size() >= afterRollback + 300, 60);
            load.set(false);
            final int events = sent.get(60, TimeUnit.SECONDS);
            ReplayFixture.await("every Result", () -> received.size() == events, 60);

            // The bad window: the events version 2 scored, as the subscriber saw them.
            final List<ReplayFixture.Res> bad = received.stream().filter(r -> r.modelVersion() == 2).toList();
            assertTrue(bad.size() >= 300, "version 2 scored the window before the alert: " + bad.size());
            final long from = bad.stream().mapToLong(ReplayFixture.Res::inIndex).min().orElseThrow();
            final long to = bad.stream().mapToLong(ReplayFixture.Res::inIndex).max().orElseThrow();

            final ReplayFixture.Run run = ReplayFixture.cli("replay", "run", "--config", config.toString(), "--from",
                Long.toString(from), "--to", Long.toString(to), "--model", "fraud:1", "--output", "bad-model-drill",
                "--progress", "none").noStackTrace();
            assertEquals(0, run.status(), run.err());
            final ReplayFixture.Run diffRun = ReplayFixture.cli("replay", "diff", "--config", config.toString(), "--output",
                "bad-model-drill", "--json").noStackTrace();
            assertEquals(0, diffRun.status(), diffRun.err());
            final JsonNode diff = JSON.readTree(diffRun.out());

            // Independently: which of the bad window's decisions does version 1 decide the other way?
            final double threshold = ModelDescriptor.read(models.resolve("1").resolve("model.json")).threshold();
            final Map<Long, ReplayFixture.Res> replayed = ReplayFixture.byInIndex(
                ReplayFixture.results(dir.resolve("data").resolve("replay").resolve("bad-model-drill"), "results"));
            final Set<Long> flipped = new HashSet<>();
            for (final ReplayFixture.Res original : received)
            {
                final ReplayFixture.Res again = replayed.get(original.inIndex());
                if (original.inIndex() >= from && original.inIndex() <= to)
                {
                    assertNotNull(again, "every event of the window was replayed: in index " + original.inIndex());
                    assertEquals(1, again.modelVersion());
                    if ((original.score() >= threshold) != (again.score() >= threshold))
                    {
                        flipped.add(original.outIndex());
                    }
                }
            }
            assertTrue(flipped.size() > 0, "a reversed model flips decisions");
            assertEquals(flipped.size(), diff.get("flipped").get("positiveToNegative").asLong() +
                diff.get("flipped").get("negativeToPositive").asLong(), diff.toString());

            final ReplayFixture.Run publish = ReplayFixture.cli("replay", "publish", "--config", config.toString(), "--output",
                "bad-model-drill", "--rate", "0").noStackTrace();
            assertEquals(0, publish.status(), publish.err());
            ReplayFixture.await("the corrections", () -> received.size() == events + flipped.size(), 60);
            final ReplayFixture.Run again = ReplayFixture.cli("replay", "publish", "--config", config.toString(), "--output",
                "bad-model-drill", "--rate", "0").noStackTrace();
            assertEquals(0, again.status(), again.err());
            assertTrue(again.out().contains("0 corrections appended"), again.out());

            // Exactly one correction per flipped decision, each pointing at the Result it corrects, with version 1's score.
            final Map<Long, Integer> corrections = new HashMap<>();
            final Map<Long, ReplayFixture.Res> byOut = new HashMap<>();
            received.forEach(r -> byOut.put(r.outIndex(), r));
            for (final ReplayFixture.Res r : received)
            {
                if (r.correction())
                {
                    corrections.merge(r.correctsOutIndex(), 1, Integer::sum);
                    final ReplayFixture.Res original = byOut.get(r.correctsOutIndex());
                    assertNotNull(original, "a correction points at a Result the subscriber received");
                    assertEquals(original.inIndex(), r.inIndex());
                    assertEquals(replayed.get(r.inIndex()).score(), r.score());
                    assertEquals(1, r.modelVersion());
                }
            }
            assertEquals(flipped, corrections.keySet(), "one correction for each flipped decision, none for the others");
            assertTrue(corrections.values().stream().allMatch(n -> n == 1), "never two corrections of one Result: " + corrections);
        }
        finally
        {
            webhook.stop(0);
        }
        System.out.printf("incident drill: alert %s (%s) - %s%n", alert.get("alert").asText(), alert.get("severity").asText(),
            alert.get("summary").asText());
    }

    /** @return the first notification that {@code name} fires, waiting up to {@code seconds}. */
    private static JsonNode awaitFiring(final BlockingQueue<JsonNode> notifications, final String name, final long seconds)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        final List<String> seen = new CopyOnWriteArrayList<>();
        while (System.nanoTime() < deadline)
        {
            final JsonNode n = notifications.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (n == null)
            {
                break;
            }
            seen.add(n.get("alert").asText() + "/" + n.get("state").asText());
            if (name.equals(n.get("alert").asText()) && "firing".equals(n.get("state").asText()))
            {
                return n;
            }
        }
        throw new AssertionError("no firing " + name + " notification within " + seconds + " s; received " + seen);
    }
}
