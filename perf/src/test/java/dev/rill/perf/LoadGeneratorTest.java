package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
