package dev.rill.ops.http;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import java.util.Locale;

import dev.rill.bus.ErrorCode;
import dev.rill.ml.FallbackReason;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /metrics} of a real server, scraped over HTTP and parsed as Prometheus text. */
class MetricsEndpointTest
{
    private static final int EVENTS = 2000;

    @TempDir
    Path dir;

    @Test
    void metricsMatchTheServersCountersAfterNEventsAndARefusedFrameShowsUnderItsCode() throws Exception
    {
        try (RillServer server = PageFixture.start(dir);
             PageFixture.CountingProducer producer = new PageFixture.CountingProducer(server, 7))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                producer.sendPayment(i);
            }
            final long refusedSeq = producer.sendToUnknownTopic();
            PageFixture.await(() -> producer.nacks.get() == 1 && producer.lastAcked.get() >= refusedSeq - 1 &&
                server.publish().published() == EVENTS, "every event acknowledged and published, the bad one refused");
            PageFixture.await(() -> server.deadLetters().written() == 1, "the refused frame written to the dead-letter journal");
            server.telemetry().sampleNow(); // the histograms since start follow the telemetry's intervals

            final HttpResponse<String> response = PageFixture.get(server, "/metrics");
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                "Prometheus text format: " + response.headers().map());
            final Map<String, Double> m = PageFixture.parseMetrics(response.body());

            assertEquals(EVENTS, m.get("rill_events_accepted_total"), "accepted");
            assertEquals(server.gateway().acceptedEvents(), m.get("rill_events_accepted_total").longValue());
            assertEquals(EVENTS, m.get("rill_events_published_total"), "published");
            assertEquals(server.publish().published(), m.get("rill_events_published_total").longValue());
            assertEquals(0, m.get("rill_events_duplicate_total"));
            assertEquals(1, m.get("rill_frames_refused_total{code=\"7\",name=\"UNKNOWN_TOPIC\"}"), "the refused frame, by code");
            assertEquals(0, m.get("rill_frames_refused_total{code=\"19\",name=\"DISK_FULL\"}"), "other codes are there, at 0");
            assertEquals(server.gateway().refusedCount(ErrorCode.UNKNOWN_TOPIC),
                m.get("rill_frames_refused_total{code=\"7\",name=\"UNKNOWN_TOPIC\"}").longValue());
            assertEquals(1, m.get("rill_dead_letters_written_total"), "the refused frame is kept as a dead letter");
            assertEquals(0, m.get("rill_gateway_inflight_pauses_total"), "no in-flight window configured");
            assertEquals(0, m.get("rill_gateway_inflight_paused_connections"));

            for (final String stage : new String[] {"journal", "scored", "published"})
            {
                final String labels = "{stage=\"" + stage + "\"";
                assertEquals(EVENTS, m.get("rill_latency_seconds_count" + labels + "}"), stage + ": every event in the histogram");
                assertEquals(EVENTS, m.get("rill_latency_seconds_bucket" + labels + ",le=\"+Inf\"}"));
                double previous = 0;
                for (final double bound : PipelineMetrics.LATENCY_BUCKETS)
                {
                    final double cumulative = m.get("rill_latency_seconds_bucket" + labels + ",le=\"" + bound + "\"}");
                    assertTrue(cumulative >= previous, stage + ": buckets are cumulative at le=" + bound);
                    previous = cumulative;
                }
                assertTrue(m.get("rill_latency_seconds_sum" + labels + "}") > 0, stage + ": a positive sum");
                final double p99 = m.get("rill_latency_recent_seconds" + labels + ",quantile=\"0.99\"}");
                assertTrue(p99 > 0 && p99 < 60, stage + ": the last minute's p99 is a latency in seconds: " + p99);
                assertEquals(EVENTS, m.get("rill_latency_recent_seconds_count" + labels + "}"));
            }
            assertEquals(EVENTS, m.get("rill_freshness_seconds_count"));

            assertEquals(server.config().pipeline().ringSize(), m.get("rill_ring_capacity"));
            assertEquals(0, m.get("rill_ring_depth"), "everything published");
            assertEquals(1, m.get("rill_gateway_listening"));
            assertEquals(1, m.get("rill_producers_connected"), "the one named producer");
            assertEquals(1, m.get("rill_producers_known"));
            assertEquals(0, m.get("rill_subscribers"));
            assertEquals(1, m.get("rill_model_info{name=\"fraud\",role=\"active\",version=\"1\"}"), "the active model");
            double fallbacks = 0;
            for (final FallbackReason reason : FallbackReason.values())
            {
                final double n = m.get("rill_model_fallbacks_total{reason=\"" + reason.name().toLowerCase(Locale.ROOT) + "\"}");
                assertEquals(server.scoring().fallbackCount(reason), (long)n, reason.name());
                fallbacks += n;
            }
            assertEquals(server.scoring().scoredCount(), m.get("rill_model_scored_total").longValue());
            assertEquals(EVENTS, m.get("rill_model_scored_total") + fallbacks, "each event scored by the model or a fallback " +
                "(a cold model may go over its budget at first)");
            assertTrue(m.get("rill_batch_size_count") > 0, "micro-batches counted");
            assertEquals(server.config().pipeline().maxBatch(), m.get("rill_batch_size_bound"));
            assertTrue(m.get("rill_journal_size_bytes{journal=\"in\"}") > 0, "in takes disk");
            assertTrue(m.get("rill_journal_size_bytes{journal=\"out\"}") > 0, "out takes disk");
            assertEquals(0, m.get("rill_journal_lag_records"), "out has caught up with in");
            assertEquals(server.diskMonitor().reserveBytes(), m.get("rill_disk_reserve_bytes").longValue());
            assertTrue(m.get("rill_disk_usable_bytes") > 0);
            assertEquals(0, m.get("rill_disk_below_reserve"));
            assertEquals(0, m.get("rill_pipeline_failed"));
            assertEquals(0, m.get("rill_admin_unauthorized_total"));
            assertTrue(m.get("rill_telemetry_ticks_total") >= 1);
        }
    }
}
