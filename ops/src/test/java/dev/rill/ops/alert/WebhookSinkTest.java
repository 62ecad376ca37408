package dev.rill.ops.alert;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSinkTest
{
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    /** A receiver on a free loopback port answering each request with the next of {@code statuses} (then 200). */
    private URI receiver(final int... statuses) throws IOException
    {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/hook", exchange ->
        {
            try (exchange; InputStream in = exchange.getRequestBody())
            {
                bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                final int n = requests.getAndIncrement();
                exchange.sendResponseHeaders(n < statuses.length ? statuses[n] : 200, -1);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @AfterEach
    void stop()
    {
        if (server != null)
        {
            server.stop(0);
        }
    }

    private static Notification notification()
    {
        return new Notification("slo-latency", "latency-5ms", Severity.PAGE, Notification.FIRING, false,
            Notification.runbookOf("slo-latency"), "latency-5ms: the error budget burns 20.0x over 1h", "details here",
            Map.of("burnRate1h", 20.0, "objective", "latency-5ms"), "2027-01-15T08:00:00Z", "2027-01-15T08:00:00Z");
    }

    @Test
    void postsTheNotificationJsonAndRetriesAfterA500UntilItIsTaken() throws Exception
    {
        final URI url = receiver(500);
        try (AlertDispatcher dispatcher = new AlertDispatcher(
            List.of(new WebhookSink(new WebhookSink.Config(url, Duration.ofSeconds(5), 3, Duration.ofMillis(10)))), 8).start())
        {
            dispatcher.accept(notification());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dispatcher.delivered() + dispatcher.failed() == 0 && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertEquals(1, dispatcher.delivered(), "delivered at the second attempt");
            assertEquals(0, dispatcher.failed());
        }
        assertEquals(2, requests.get(), "one 500, one retry");
        assertEquals(bodies.get(0), bodies.get(1), "the retry sends the same document");
        assertEquals("application/json", contentTypes.get(1));
        final JsonNode json = JsonMapper.builder().build().readTree(bodies.get(1));
        assertEquals("slo-latency", json.get("alert").asText());
        assertEquals("latency-5ms", json.get("subject").asText());
        assertEquals("page", json.get("severity").asText());
        assertEquals("firing", json.get("state").asText());
        assertEquals("ops/runbooks/slo-latency.md", json.get("runbook").asText());
        assertTrue(json.get("summary").asText().contains("20.0x"));
        assertEquals(20.0, json.get("values").get("burnRate1h").asDouble());
        assertEquals("2027-01-15T08:00:00Z", json.get("time").asText());
        assertFalse(json.get("reminder").asBoolean());
    }

    @Test
    void aClientErrorIsNotRetriedAndAnUnreachableReceiverFailsAfterItsRetries() throws Exception
    {
        final URI url = receiver(400);
        final byte[] json = "{\"alert\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertFalse(new WebhookSink(new WebhookSink.Config(url, Duration.ofSeconds(5), 3, Duration.ofMillis(1))).send(notification(), json));
        assertEquals(1, requests.get(), "400: the receiver refuses this request; retrying would not help");

        final int port = server.getAddress().getPort();
        server.stop(0);
        server = null;
        final URI gone = URI.create("http://127.0.0.1:" + port + "/hook");
        assertFalse(new WebhookSink(new WebhookSink.Config(gone, Duration.ofSeconds(2), 2, Duration.ofMillis(1))).send(notification(), json));
    }
}
