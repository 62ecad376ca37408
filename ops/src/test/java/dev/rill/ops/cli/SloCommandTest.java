package dev.rill.ops.cli;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.bus.ErrorCode;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminExitCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /slo}, {@code /alerts} and {@code rill slo} against a real server that has published events. */
class SloCommandTest
{
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int EVENTS = 500;

    @TempDir
    static Path dir;

    private static RillServer server;
    private static String admin;

    @BeforeAll
    static void startAndPublish() throws Exception
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        final RillConfig config = new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), "payments", 0), defaults.topics()); // admin on a free port
        server = RillServer.start(config);
        admin = "127.0.0.1:" + server.admin().address().getPort();
        try (RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(9, 1),
            new AckListener()
            {
                @Override
                public void onAck(final long seq)
                {
                }

                @Override
                public void onNack(final long seq, final ErrorCode code, final String message)
                {
                }
            }))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                producer.send("payments", 1000 + i, System.currentTimeMillis() * 1_000_000L, 25.0 + i, 5411, 14, 3.0, 400, 1);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
        }
        server.telemetry().sampleNow(); // end the interval now: the SLOs have seen every event
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    private static HttpResponse<String> get(final String path) throws Exception
    {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + admin + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sloPageAnswersEveryObjectiveWithItsFiguresWithoutAToken() throws Exception
    {
        final HttpResponse<String> response = get("/slo");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        final JsonNode slo = JSON.readTree(response.body());
        assertEquals("30d", slo.get("budgetPeriod").asText());
        assertEquals(List.of("5m", "30m", "1h", "6h", "3d"), JSON.convertValue(slo.get("windows"), List.class));
        assertTrue(slo.get("time").isTextual() && slo.get("since").isTextual(), response.body());
        assertEquals("1h", slo.get("burnAlerts").get(0).get("long").asText());
        assertEquals("page", slo.get("burnAlerts").get(0).get("severity").asText());
        final JsonNode objectives = slo.get("objectives");
        assertEquals(4, objectives.size());
        final JsonNode latency = objectives.get(0);
        assertEquals("latency-5ms", latency.get("name").asText());
        assertEquals("latency", latency.get("kind").asText());
        assertEquals("5ms", latency.get("threshold").asText());
        assertEquals(99.0, latency.get("targetPercent").asDouble());
        assertEquals(EVENTS, latency.get("total").asLong(), "every published event was measured");
        assertEquals("events", latency.get("unit").asText());
        assertTrue(latency.get("currentPercent").isNumber());
        assertTrue(latency.get("errorBudgetLeftPercent").isNumber());
        assertEquals(5, latency.get("windows").size());
        assertEquals("5m", latency.get("windows").get(0).get("window").asText());
        assertTrue(latency.get("windows").get(0).get("burnRate").isNumber());
        assertTrue(latency.get("alerting").isBoolean());
        final JsonNode correctness = objectives.get(2);
        assertEquals(EVENTS, correctness.get("total").asLong());
        assertEquals(100.0, correctness.get("currentPercent").asDouble(), "no rejections, duplicates or fallbacks");
        assertEquals(100.0, correctness.get("errorBudgetLeftPercent").asDouble());
        assertFalse(correctness.get("alerting").asBoolean());
        final JsonNode availability = objectives.get(3);
        assertEquals("ms", availability.get("unit").asText());
        assertEquals(100.0, availability.get("currentPercent").asDouble(), "listening all along, nothing refused");
    }

    @Test
    void alertsPageListsTheRulesAndSinksAndNothingFiringOnAHealthyBus() throws Exception
    {
        final HttpResponse<String> response = get("/alerts");
        assertEquals(200, response.statusCode(), response.body());
        final JsonNode alerts = JSON.readTree(response.body());
        assertEquals(List.of("slo-latency", "slo-freshness", "slo-correctness", "slo-availability", "disk-full", "subscriber-lag",
            "model-fallback", "model-drift", "producer-fenced", "hot-key"), JSON.convertValue(alerts.get("rules"), List.class));
        assertEquals(List.of("log"), JSON.convertValue(alerts.get("sinks"), List.class));
        assertEquals(0, alerts.get("firing").size(), response.body());
        assertEquals(0, alerts.get("dropped").asLong());
        assertTrue(alerts.get("recent").isArray());
        assertTrue(alerts.get("time").isTextual());
    }

    @Test
    void rillSloPrintsTheTableOfTheRunningServer()
    {
        final CommandRun run = CommandRun.of("slo", "--admin", admin);
        assertEquals(0, run.status(), run.err());
        final List<String> lines = run.lines();
        assertTrue(lines.get(0).startsWith("SLOs of the bus at " + admin + ", as of "), lines.get(0));
        assertTrue(lines.get(1).matches("objective +target +current +budget left +burn 5m +30m +1h +6h +3d +state"), lines.get(1));
        assertTrue(lines.get(4).matches("correctness +99\\.9% +100% +100\\.0% +0\\.00 +0\\.00 +0\\.00 +0\\.00 +0\\.00 +ok"), lines.get(4));
        assertTrue(lines.get(5).startsWith("availability ") && lines.get(5).endsWith(" ok"), lines.get(5));
        assertTrue(run.out().contains("latency-5ms: ingest -> publish within 5ms for 99% of events"), run.out());
        assertTrue(run.out().contains("1h/5m > 14.4 (page)"), run.out());
    }

    @Test
    void rillSloJsonPassesTheServersDocumentThrough() throws Exception
    {
        final CommandRun run = CommandRun.of("slo", "--admin", admin, "--json");
        assertEquals(0, run.status(), run.err());
        final JsonNode printed = JSON.readTree(run.out());
        assertEquals(4, printed.get("objectives").size());
        assertEquals("latency-5ms", printed.get("objectives").get(0).get("name").asText());
        assertEquals(EVENTS, printed.get("objectives").get(0).get("total").asLong());
    }

    @Test
    void rillSloWithoutAServerSaysSoAndExits69() throws Exception
    {
        final int port;
        try (ServerSocket free = new ServerSocket(0))
        {
            port = free.getLocalPort();
        }
        final CommandRun run = CommandRun.of("slo", "--admin", "127.0.0.1:" + port);
        assertEquals(AdminExitCode.ADMIN_UNREACHABLE.status(), run.status());
        assertTrue(run.err().contains("no Rill server is listening on 127.0.0.1:" + port) && run.err().contains("rill serve"), run.err());
        assertTrue(run.out().isEmpty(), run.out());
    }
}
