package dev.rill.ops.deadletter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rill.bus.ErrorCode;
import dev.rill.gateway.auth.TokenHash;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.cli.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing a producer sent disappears without a trace: events refused for authorization, quota and
 * lateness (as well as schema, covered by TopicSchemaChangeTest) are each in the dead-letter
 * journal with their code, producer, seq and principal, read back through
 * {@code rill journal dump --dead-letter}; the events around them are acknowledged.
 */
class RefusedEventsDeadLetterTest
{
    private static final double[] PAYMENT = {42.5, 5411, 18, 3.2, 1400, 1};
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void authQuotaAndLateRefusalsAreEachKeptWithTheirCodeAndPrincipal() throws Exception
    {
        final String writer = TokenHash.newToken();
        final String reader = TokenHash.newToken();
        Files.writeString(dir.resolve("tokens.yaml"), "principals:\n" +
            "  - name: payments-writer\n    hashes: [" + TokenHash.hash(writer) + "]\n    produce: [payments]\n    subscribe: [\"*\"]\n" +
            "  - name: payments-reader\n    hashes: [" + TokenHash.hash(reader) + "]\n    subscribe: [payments]\n");
        final Path config = dir.resolve("rill.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dir.resolve("data").toAbsolutePath(),
            "gateway:",
            "  port: 0",
            "  auth:",
            "    tokensFile: tokens.yaml",
            "  quota:",
            "    onExceeded: refuse",
            "    producers:",
            "      3: {eventsPerSecond: 1, burst: 1s}",
            "  lateness:",
            "    topics:",
            "      payments: {allowed: 1m, action: reject}",
            "admin:",
            "  port: 0",
            "model:",
            "  directory: " + Path.of("..", "models", "fraud", "1").toAbsolutePath(),
            ""));

        final long now = System.currentTimeMillis() * 1_000_000L;
        try (RillServer server = RillServer.start(RillConfig.read(config)))
        {
            final ClientConfig client = ClientConfig.of("127.0.0.1", server.address().getPort()).withReconnect(false, null);

            // Late: the writer's second event is an hour old.
            final Outcomes late = new Outcomes();
            try (RillProducer producer = RillProducer.connect(client.withProducer(1, 1).withToken(writer), late))
            {
                producer.send("payments", 1, now, PAYMENT);
                producer.send("payments", 2, now - TimeUnit.HOURS.toNanos(1), PAYMENT);
                producer.send("payments", 3, now, PAYMENT);
                assertTrue(producer.awaitAllAcknowledged(WAIT));
            }
            assertEquals(Set.of(1L, 3L), late.acked);
            assertEquals(List.of("2 EVENT_TOO_LATE"), late.codes());

            // Not authorized: a token that may only subscribe produces.
            final Outcomes asReader = new Outcomes();
            try (RillProducer producer = RillProducer.connect(client.withProducer(2, 1).withToken(reader), asReader))
            {
                producer.send("payments", 1, now, PAYMENT);
                assertTrue(producer.awaitAllAcknowledged(WAIT));
            }
            assertEquals(List.of("1 NOT_AUTHORIZED"), asReader.codes());

            // Over quota: one event per second, three sent at once.
            final Outcomes quota = new Outcomes();
            try (RillProducer producer = RillProducer.connect(client.withProducer(3, 1).withToken(writer), quota))
            {
                for (int i = 0; i < 3; i++)
                {
                    producer.send("payments", i, now, PAYMENT);
                }
                assertTrue(producer.awaitAllAcknowledged(WAIT));
            }
            assertTrue(quota.acked.contains(1L), "the first event fits the quota");
            assertFalse(quota.codes().isEmpty(), "the rest is refused");
            assertTrue(quota.codes().stream().allMatch(c -> c.endsWith(" QUOTA_EXCEEDED")), quota.codes().toString());

            // A wrong token: Error, and the connection is closed.
            final RillClientException refused = assertThrows(RillClientException.class,
                () -> RillProducer.connect(client.withProducer(4, 1).withToken("rill_not-a-token"), new Outcomes()).close());
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, refused.code());

            final long expected = 1 + 1 + quota.codes().size() + 1; // late, not authorized, over quota, failed Hello
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.deadLetters().written() < expected && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertEquals(expected, server.deadLetters().written(), "one dead letter per refusal");
        }

        final CommandRun dump = CommandRun.of("journal", "dump", "--dead-letter", "--format", "json", "--data-dir",
            dir.resolve("data").toString());
        assertEquals(0, dump.status(), dump.err());
        final ObjectMapper json = new ObjectMapper();
        final List<JsonNode> records = new ArrayList<>();
        for (final String line : dump.out().lines().toList())
        {
            records.add(json.readTree(line));
        }
        assertRecord(records, ErrorCode.EVENT_TOO_LATE, 1, 2, "payments-writer");
        assertRecord(records, ErrorCode.NOT_AUTHORIZED, 2, 1, "payments-reader");
        assertRecord(records, ErrorCode.QUOTA_EXCEEDED, 3, 2, "payments-writer");
        final JsonNode hello = records.stream().filter(r -> r.get("code").asInt() == ErrorCode.AUTHENTICATION_FAILED.code())
            .findFirst().orElseThrow(() -> new AssertionError("the refused Hello is kept too:\n" + dump.out()));
        assertEquals(4, hello.get("producerId").asLong());
        assertTrue(hello.get("originalLength").asInt() > 0);
        assertEquals(0, hello.get("keptLength").asInt(), "a Hello's bytes (its token) are not kept");
        assertFalse(dump.out().contains("rill_not-a-token"), "the refused token is not in the dead-letter journal");
        assertFalse(dump.out().contains(writer) || dump.out().contains(reader), "no token is");
    }

    private static void assertRecord(final List<JsonNode> records, final ErrorCode code, final long producer, final long seq,
        final String principal)
    {
        assertTrue(records.stream().anyMatch(r -> r.get("code").asInt() == code.code() && r.get("producerId").asLong() == producer &&
            r.get("seq").asLong() == seq && principal.equals(r.get("principal").asText()) &&
            "payments".equals(r.get("event").get("topic").asText())),
            code + " of producer " + producer + " seq " + seq + " by " + principal + " in " + records);
    }

    /** Acked seqs and Nacks as "seq CODE", from any thread. */
    private static final class Outcomes implements AckListener
    {
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final List<String> nacks = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onAck(final long seq)
        {
            acked.add(seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            nacks.add(seq + " " + code);
        }

        List<String> codes()
        {
            synchronized (nacks)
            {
                return List.copyOf(nacks);
            }
        }
    }
}
