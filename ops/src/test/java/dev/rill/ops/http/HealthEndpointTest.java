package dev.rill.ops.http;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /health} of a real server: both probes, and readiness following the disk reserve. */
class HealthEndpointTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aServingServerIsLiveAndReadyAndNotReadyWithAReasonWhileItsDiskIsBelowTheReserve() throws Exception
    {
        try (RillServer server = PageFixture.start(dir))
        {
            final HttpResponse<String> both = PageFixture.get(server, "/health");
            assertEquals(200, both.statusCode(), both.body());
            final JsonNode health = JSON.readTree(both.body());
            assertTrue(health.at("/live/ok").asBoolean(), both.body());
            assertTrue(health.at("/ready/ok").asBoolean(), both.body());
            assertEquals(0, health.at("/ready/reasons").size());
            assertEquals(200, PageFixture.get(server, "/health?probe=live").statusCode());
            assertEquals(200, PageFixture.get(server, "/health?probe=ready").statusCode());

            final long reserve = server.diskMonitor().reserveBytes();
            server.diskMonitor().probe(() -> reserve / 2); // the drill's way to fill the disk
            server.diskMonitor().check();
            final HttpResponse<String> notReady = PageFixture.get(server, "/health?probe=ready");
            assertEquals(503, notReady.statusCode(), "a load balancer takes it out: " + notReady.body());
            final JsonNode reasons = JSON.readTree(notReady.body()).at("/ready/reasons");
            assertEquals(1, reasons.size(), notReady.body());
            final String reason = reasons.get(0).asText();
            assertTrue(reason.contains("below journal.diskReserve") && reason.contains("free space") &&
                reason.contains("disk-full.md"), "says what is wrong and what to do: " + reason);
            assertEquals(200, PageFixture.get(server, "/health?probe=live").statusCode(), "a full disk does not call for a restart");

            server.diskMonitor().probe(() -> reserve * 4);
            server.diskMonitor().check();
            assertEquals(200, PageFixture.get(server, "/health?probe=ready").statusCode(), "ready again once space is back");
        }
    }

    @Test
    void anUnknownProbeIsABadRequestThatNamesTheProbes() throws Exception
    {
        try (RillServer server = PageFixture.start(dir))
        {
            final HttpResponse<String> r = PageFixture.get(server, "/health?probe=startup");
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("probe=live") && r.body().contains("probe=ready"), r.body());
        }
    }
}
