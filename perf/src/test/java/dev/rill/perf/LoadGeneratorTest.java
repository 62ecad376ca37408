package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rill.bus.PipelineConfig;
import dev.rill.gateway.GatewayConfig;
import dev.rill.journal.JournalConfig;
import dev.rill.ml.FraudFeatures;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against a real in-process server: every event it sends is acknowledged and
 * lands in the latency histogram exactly once. No assertion on time: the box is shared.
 */
class LoadGeneratorTest
{
    @TempDir
    Path dataDir;

    private RillConfig config()
    {
        // Surefire runs in perf/, so the committed model is one directory up.
        return new RillConfig(
            GatewayConfig.defaults().withPort(0),
            PipelineConfig.defaults(),
            JournalConfig.of(dataDir),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), FraudFeatures.PAYMENTS_TOPIC, 0.0),
            List.of(FraudFeatures.payments()));
    }

    @Test
    void manyConnectionsAckEveryEventAndTheSubscriberSeesEachResultOnce(@TempDir final Path out) throws Exception
    {
        try (RillServer server = RillServer.start(config()))
        {
            final LoadSettings settings = new LoadSettings("127.0.0.1", server.address().getPort(), LoadSettings.Mode.RATE,
                4_000, 0.25, 0.5, 256, "many", 20, false).withConnections(4).withSubscribe(true);

            final LoadReport report = LoadGenerator.run(settings);

            assertEquals(3_000, report.sent(), "0.75 s at 4000 events/s over 4 connections");
            assertEquals(report.sent(), report.acked(), "every sent event acknowledged");
            assertEquals(2_000, report.measuredSent(), "0.5 s measured");
            assertEquals(report.measuredSent(), report.latency().getTotalCount(), "one ack latency per measured event, merged");
            assertNotNull(report.results());
            assertEquals(report.acked(), report.results().matched(), "a Result for every acknowledged event");
            assertEquals(0, report.results().repeated(), "no Result twice");
            assertEquals(0, report.results().unknown(), "every Result matched to its event's send time");
            assertEquals(report.measuredSent(), report.subscriberLatency().getTotalCount(),
                "subscriber latency of the measured events only, not of the warm-up");
            assertTrue(report.complete());
            assertTrue(report.json().contains("\"connections\":4"), report.json());
            assertTrue(report.json().contains("\"resultsSeen\":3000"), report.json());

            LoadGenerator.write(report, out.resolve("many.txt"));

            final JsonNode doc = new ObjectMapper().readTree(out.resolve("many.json").toFile());
            assertEquals(4, doc.path("settings").path("connections").asInt());
            assertEquals(3_000, doc.path("counts").path("resultsSeen").asLong());
            assertEquals(2_000, doc.path("subscriberLatencyUs").path("count").asLong());
            assertEquals(2_000, doc.path("ackLatencyUs").path("count").asLong());
            assertTrue(Files.readString(out.resolve("many-subscriber.hgrm")).contains("#[Mean"), "subscriber distribution written");
            assertTrue(Files.readString(out.resolve("many.hgrm")).contains("#[Mean"), "ack distribution written");
        }
    }

    @Test
    void saturationSearchRisesWhileStepsPassAndReportsTheHighestPassingRate() throws Exception
    {
        try (RillServer server = RillServer.start(config()))
        {
            // A p99 bound no real run misses: whether a step passes depends only on the achieved rate.
            final LoadSettings settings = new LoadSettings("127.0.0.1", server.address().getPort(), LoadSettings.Mode.SEARCH,
                1_000, 0, 1, 256, "search", 30, false).withSearch(new SearchSettings(0.3, 0.1, 2, 60_000_000, 0.97, 3, 0.05));

            final LoadReport report = LoadGenerator.run(settings);

            final List<SearchStep> steps = report.search().steps();
            assertFalse(steps.isEmpty());
            assertTrue(steps.size() <= 3, "at most --max-steps steps: " + steps);
            assertEquals(1_000, steps.get(0).rate(), "starts at --rate");
            boolean failed = false;
            for (int i = 1; i < steps.size(); i++)
            {
                failed |= !steps.get(i - 1).passed();
                if (!failed)
                {
                    assertEquals(steps.get(i - 1).rate() * 2, steps.get(i).rate(), "doubles while every step passed: " + steps);
                }
                assertTrue(steps.get(i).count() > 0);
            }
            final int best = steps.stream().filter(SearchStep::passed).mapToInt(SearchStep::rate).max().orElse(-1);
            assertEquals(best, report.search().bestRate(), "the highest passing step: " + steps);
            assertEquals(report.sent(), report.acked(), "every event of every step acknowledged");
            assertTrue(report.json().contains("\"searchBestRate\":" + best), report.json());
            assertNull(report.results(), "no subscriber asked for");
        }
    }

    @Test
    void saturationSearchHalvesDownWhenEveryStepMissesTheSlo() throws Exception
    {
        try (RillServer server = RillServer.start(config()))
        {
            // No event is acknowledged within a nanosecond: every step fails on p99.
            final LoadSettings settings = new LoadSettings("127.0.0.1", server.address().getPort(), LoadSettings.Mode.SEARCH,
                2_000, 0, 1, 256, "search-fail", 40, false).withSearch(new SearchSettings(0.2, 0.05, 1.25, 0.001, 0.97, 3, 0.05));

            final LoadReport report = LoadGenerator.run(settings);

            assertEquals(List.of(2_000, 1_000, 500), report.search().steps().stream().map(SearchStep::rate).toList());
            assertTrue(report.search().steps().stream().noneMatch(SearchStep::passed));
            assertEquals(-1, report.search().bestRate(), "no rate met the SLO");
            assertTrue(report.text().contains("highest passing rate none"), report.text());
        }
    }

    @Test
    void subscribeRefusesReplyOnlyWhoseResultsAreNotStreamed()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoadSettings("127.0.0.1", 1,
            LoadSettings.Mode.RATE, 1_000, 0, 1, 256, "x", 1, false, LoadSettings.Reply.REPLY_ONLY, null, null, null, 1, true, null));
        assertTrue(e.getMessage().contains("--subscribe"), e.getMessage());
    }

    @Test
    void everyEventSentAtRateIsAcknowledgedAndRecordedOnce() throws Exception
    {
        // Surefire runs in perf/, so the committed model is one directory up.
        final RillConfig config = new RillConfig(
            GatewayConfig.defaults().withPort(0),
            PipelineConfig.defaults(),
            JournalConfig.of(dataDir),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), FraudFeatures.PAYMENTS_TOPIC, 0.0),
            List.of(FraudFeatures.payments()));
        try (RillServer server = RillServer.start(config))
        {
            final LoadSettings settings = new LoadSettings("127.0.0.1", server.address().getPort(), LoadSettings.Mode.RATE,
                2_000, 0, 1.0, 256, "test", 7, false);

            final LoadReport report = LoadGenerator.run(settings);

            assertEquals(2_000, report.sent(), "1 s at 2000 events/s, no warm-up");
            assertEquals(report.sent(), report.acked(), "every sent event acknowledged");
            assertEquals(0, report.nacked(), "nothing refused");
            assertEquals(report.sent(), report.measuredSent(), "with no warm-up every event is measured");
            assertEquals(report.sent(), report.latency().getTotalCount(), "one latency sample per event");
            assertEquals(report.sent(), report.measuredAcked());
            assertTrue(report.latency().getMinValue() >= 0);
        }
        assertTrue(Files.isDirectory(dataDir.resolve("in")), "the server journaled into the temp data dir");
    }

    @Test
    void replyModeMeasuresEveryEventToItsReplyAndSaysSoInTheReport() throws Exception
    {
        final RillConfig config = new RillConfig(
            GatewayConfig.defaults().withPort(0),
            PipelineConfig.defaults(),
            JournalConfig.of(dataDir),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), FraudFeatures.PAYMENTS_TOPIC, 0.0),
            List.of(FraudFeatures.payments()));
        try (RillServer server = RillServer.start(config))
        {
            final LoadReport report = LoadGenerator.run(new LoadSettings("127.0.0.1", server.address().getPort(),
                LoadSettings.Mode.RATE, 2_000, 0, 0.5, 256, "reply-test", 8, false, LoadSettings.Reply.REPLY_ONLY, null, null, null));

            assertEquals(1_000, report.sent());
            assertEquals(report.sent(), report.acked());
            assertEquals(report.sent(), report.latency().getTotalCount(), "one latency sample per Reply");
            assertEquals(report.sent(), server.gateway().repliesSent(), "the server sent a Reply for each");
            assertTrue(report.text().contains("latency reply - intended send"), report.text());
            assertTrue(report.json().contains("\"reply\":\"reply-only\""), report.json());
        }
    }

    @Test
    void reportWritesTextJsonAndPercentileDistribution(@TempDir final Path out) throws Exception
    {
        final NettyEchoServer echo = new NettyEchoServer();
        echo.port = 0;
        try (echo)
        {
            final int port = echo.start().getPort();
            final LoadReport report = LoadGenerator.run(new LoadSettings("127.0.0.1", port, LoadSettings.Mode.SATURATE,
                0, 0.2, 0.5, 64, "echo-test", 3, false));
            assertEquals(report.sent(), report.acked(), "the echo server acknowledges everything");
            assertEquals(report.measuredSent(), report.latency().getTotalCount());

            LoadGenerator.write(report, out.resolve("echo-test.txt"));

            final List<String> lines = Files.readAllLines(out.resolve("echo-test.txt"));
            assertTrue(lines.get(lines.size() - 1).startsWith("{\"label\":\"echo-test\""), lines.toString());
            assertTrue(Files.readString(out.resolve("echo-test.hgrm")).contains("#[Mean"), "HdrHistogram footer");
        }
    }
}
