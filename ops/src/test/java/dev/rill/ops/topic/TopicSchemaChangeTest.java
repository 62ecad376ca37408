package dev.rill.ops.topic;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.ml.FraudFeatures;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.admin.AdminClient;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.cli.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Versioned topic schemas on a running bus (real gateway, journals, ONNX model, admin channel):
 * a compatible version applied under load, refusals by code into the dead-letter journal, an
 * incompatible change refused, and applied versions kept across a restart.
 */
class TopicSchemaChangeTest
{
    private static final Path MODEL = Path.of("..", "models", "fraud", "1");
    private static final double[] V1 = {42.5, 5411, 18, 3.2, 1400, 1};

    @TempDir
    Path dir;

    @Test
    void compatibleVersionAppliedUnderLoadLosesNoV1EventScoresV2WithAndWithoutItsOptionalFieldAndSurvivesRestart() throws Exception
    {
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final List<String> nacks = new ArrayList<>();
        final AtomicLong sentV1 = new AtomicLong();
        try (RillServer server = RillServer.start(config()))
        {
            final int port = server.address().getPort();
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread load = new Thread(() ->
            {
                try (RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", port).withProducer(1, 1),
                    listener(acked, nacks)))
                {
                    while (!stop.get())
                    {
                        producer.send("payments", 7, System.currentTimeMillis() * 1_000_000L, V1);
                        sentV1.incrementAndGet();
                    }
                    assertTrue(producer.awaitAllAcknowledged(java.time.Duration.ofSeconds(30)));
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            load.start();
            awaitAtLeast(sentV1, 200);
            final AdminOutcome applied = admin(server).apply(paymentsWithV2());
            assertTrue(applied.done(), applied.toString());
            assertEquals("APPLIED", applied.code());
            final long sentAtApply = sentV1.get();
            awaitAtLeast(sentV1, sentAtApply + 200); // v1 keeps flowing after the swap

            final Set<Long> ackedV2 = ConcurrentHashMap.newKeySet();
            final List<String> nacksV2 = new ArrayList<>();
            try (RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", port).withProducer(2, 1),
                listener(ackedV2, nacksV2)))
            {
                final long now = System.currentTimeMillis() * 1_000_000L;
                producer.sendVersion("payments", 2, 8, now, 42.5, 5411, 18, 3.2, 1400, 1, 0.75); // with the optional field
                producer.sendVersion("payments", 2, 8, now, 42.5, 5411, 18, 3.2, 1400, 1);       // without: default filled
                assertTrue(producer.awaitAllAcknowledged(java.time.Duration.ofSeconds(30)));
            }
            stop.set(true);
            load.join(TimeUnit.SECONDS.toMillis(60));
            assertEquals(List.of(), nacks, "no v1 event was refused");
            assertEquals(List.of(), nacksV2, "both v2 events were accepted");
            assertEquals(sentV1.get(), acked.size(), "every v1 event was acknowledged");
            assertEquals(Set.of(1L, 2L), ackedV2); // a producer numbers its events from 1

            // Every acknowledged event is in journal "in"; the v2 events carry all 7 values there.
            final Map<Long, Integer> fieldsBySeqOfV2 = new HashMap<>();
            final Set<Long> journaledV1 = new java.util.HashSet<>();
            final JournalReader in = server.in().newReader();
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final EventDecoder event = new EventDecoder();
            while (in.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == EventDecoder.TEMPLATE_ID)
                {
                    event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    if (event.producerId() == 1)
                    {
                        journaledV1.add(event.seq());
                    }
                    else
                    {
                        final long seq = event.seq();
                        final EventDecoder.FieldsDecoder fields = event.fields();
                        fieldsBySeqOfV2.put(seq, fields.count());
                        final double[] values = new double[fields.count()];
                        for (int i = 0; i < values.length; i++)
                        {
                            values[i] = fields.next().value();
                        }
                        assertEquals(seq == 1 ? 0.75 : 0.0, values[6], "device_risk of v2 event " + seq + " (sent, or its default)");
                        assertEquals(0.0, values[7], "new_device of v2 event " + seq + " (its default)");
                    }
                }
            }, 1000) > 0)
            {
                // read on
            }
            assertEquals(acked, journaledV1, "every acknowledged v1 event is in journal in");
            assertEquals(Map.of(1L, 8, 2L, 8), fieldsBySeqOfV2);
            awaitScored(server, 2, 2);
        }

        // Restart: the applied version is in force again (kept in <dataDir>/topics.yaml).
        assertTrue(Files.exists(dir.resolve(TopicStore.FILE)));
        try (RillServer server = RillServer.start(config()))
        {
            assertEquals(2, server.topicCatalog().current().topic(0).versions().size());
            final Set<Long> ackedAfter = ConcurrentHashMap.newKeySet();
            final List<String> nacksAfter = new ArrayList<>();
            try (RillProducer producer = RillProducer.connect(
                ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(3, 1), listener(ackedAfter, nacksAfter)))
            {
                producer.sendVersion("payments", 2, 9, System.currentTimeMillis() * 1_000_000L, 42.5, 5411, 18, 3.2, 1400, 1, 0.5);
                assertTrue(producer.awaitAllAcknowledged(java.time.Duration.ofSeconds(30)));
            }
            assertEquals(List.of(), nacksAfter);
            assertEquals(Set.of(1L), ackedAfter);
        }
    }

    @Test
    void eachSchemaRefusalIsNackedWithItsCodeKeptInTheDeadLetterJournalAndOtherEventsGoOn() throws Exception
    {
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final List<String> nacks = java.util.Collections.synchronizedList(new ArrayList<>());
        try (RillServer server = RillServer.start(config()))
        {
            assertTrue(admin(server).apply(paymentsWithV2()).done());
            try (RillProducer producer = RillProducer.connect(
                ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(5, 1), listener(acked, nacks)))
            {
                final long t = System.currentTimeMillis() * 1_000_000L;
                producer.send("payments", 1, t, V1);                                                  // 1 ok
                producer.sendVersion("payments", 9, 1, t, V1);                                        // 2 UNKNOWN_SCHEMA_VERSION
                producer.send("payments", 1, t, 42.5, 5411, 18, 3.2, 1400);                           // 3 MISSING_FIELD
                producer.sendVersion("payments", 2, 1, t, 42.5, 5411, 18, 3.2, 1400, 1, 2.0);         // 4 VALUE_OUT_OF_RANGE
                producer.send("payments", 1, t, Double.NaN, 5411, 18, 3.2, 1400, 1);                  // 5 NOT_A_NUMBER
                producer.sendVersion("payments", 2, 1, t, 42.5, 5411, 18, 3.2, 1400, 1, 0.5, 0.5);    // 6 WRONG_FIELD_TYPE
                producer.sendVersion("payments", 2, 1, t, 42.5, 5411, 18, 3.2, 1400, 1, 0.5, 1, 9);   // 7 FIELD_COUNT_MISMATCH
                producer.send("payments", 1, t, V1);                                                  // 8 ok
                assertTrue(producer.awaitAllAcknowledged(java.time.Duration.ofSeconds(30)));
            }
            assertEquals(Set.of(1L, 8L), acked, "the valid events around the refused ones were accepted");
            final List<String> expected = List.of("2 UNKNOWN_SCHEMA_VERSION", "3 MISSING_FIELD", "4 VALUE_OUT_OF_RANGE",
                "5 NOT_A_NUMBER", "6 WRONG_FIELD_TYPE", "7 FIELD_COUNT_MISMATCH");
            assertEquals(expected, nacks.stream().map(n -> n.substring(0, n.indexOf(':'))).sorted().toList());
            assertTrue(nacks.stream().anyMatch(n -> n.startsWith("3 MISSING_FIELD") && n.contains("'tx_count_1m'")), nacks.toString());
            assertTrue(nacks.stream().anyMatch(n -> n.startsWith("4 VALUE_OUT_OF_RANGE") && n.contains("'device_risk'") &&
                n.contains("[0, 1]")), nacks.toString());
            assertTrue(nacks.stream().anyMatch(n -> n.startsWith("6 WRONG_FIELD_TYPE") && n.contains("'new_device'") &&
                n.contains("bool")), nacks.toString());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.deadLetters().written() < 6 && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            assertEquals(6, server.deadLetters().written());
        }

        final CommandRun text = CommandRun.of("journal", "dump", "--dead-letter", "--data-dir", dir.toString());
        assertEquals(0, text.status(), text.err());
        final List<String> lines = text.out().lines().toList();
        assertEquals(6, lines.size(), text.out());
        for (final ErrorCode code : List.of(ErrorCode.UNKNOWN_SCHEMA_VERSION, ErrorCode.MISSING_FIELD, ErrorCode.VALUE_OUT_OF_RANGE,
            ErrorCode.NOT_A_NUMBER, ErrorCode.WRONG_FIELD_TYPE, ErrorCode.FIELD_COUNT_MISMATCH))
        {
            assertTrue(lines.stream().anyMatch(l -> l.contains(" code=" + code.code() + " " + code.name() + " ") &&
                l.contains(" producer=5 ") && l.contains("event: topic=payments")), code + " in\n" + text.out());
        }
        final CommandRun json = CommandRun.of("journal", "dump", "--dead-letter", "--format", "json", "--data-dir", dir.toString());
        assertEquals(0, json.status(), json.err());
        final com.fasterxml.jackson.databind.JsonNode missing = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            json.out().lines().filter(l -> l.contains("MISSING_FIELD")).findFirst().orElseThrow());
        assertEquals(3, missing.get("seq").asLong());
        assertEquals(ErrorCode.MISSING_FIELD.code(), missing.get("code").asInt());
        assertEquals(5, missing.get("event").get("fields").size());
        assertEquals(missing.get("originalLength").asInt(), missing.get("keptLength").asInt());
    }

    @Test
    void incompatibleChangeIsRefusedNamingTheFieldAndChangesNothing() throws Exception
    {
        try (RillServer server = RillServer.start(config()))
        {
            final AdminClient admin = admin(server);
            final List<RillConfig.FieldSection> v2 = new ArrayList<>(v1Fields());
            v2.add(new RillConfig.FieldSection("device_risk", "double", true, null, null)); // required: not allowed
            final AdminOutcome refused = admin.apply(new RillConfig.TopicSection("payments", null, List.of(
                new RillConfig.VersionSection(1, v1Fields()), new RillConfig.VersionSection(2, v2))));
            assertFalse(refused.done());
            assertTrue(refused.message().contains("'device_risk'") && refused.message().contains("required"), refused.message());

            final List<RillConfig.FieldSection> retyped = new ArrayList<>(v1Fields());
            retyped.set(2, new RillConfig.FieldSection("hour_of_day", "int", true, null, null));
            final AdminOutcome changed = admin.apply(new RillConfig.TopicSection("payments", null,
                List.of(new RillConfig.VersionSection(1, retyped))));
            assertEquals("INCOMPATIBLE_SCHEMA", changed.code());
            assertTrue(changed.message().contains("version 1") && changed.message().contains("'hour_of_day'"), changed.message());

            final AdminOutcome unknown = admin.apply(new RillConfig.TopicSection("refunds", List.of("amount"), null));
            assertEquals("UNKNOWN_TOPIC", unknown.code());

            assertEquals(1, server.topicCatalog().current().topic(0).versions().size());
            assertEquals(RillConfig.TopicSection.of(FraudFeatures.payments()), admin.topics().get(0));
            assertFalse(Files.exists(dir.resolve(TopicStore.FILE)), "nothing was saved");
        }
    }

    private RillConfig config()
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        return new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(MODEL, "payments", 0.0), defaults.topics());
    }

    private AdminClient admin(final RillServer server)
    {
        return new AdminClient("127.0.0.1", server.admin().address().getPort(),
            server.config().admin().withTokenFileIn(dir).tokenFile());
    }

    private static List<RillConfig.FieldSection> v1Fields()
    {
        final List<RillConfig.FieldSection> fields = new ArrayList<>();
        for (final String name : FraudFeatures.PAYMENT_FIELDS)
        {
            fields.add(new RillConfig.FieldSection(name, "double", true, null, null));
        }
        return fields;
    }

    /** Version 1 as configured, version 2 adding device_risk (double in [0, 1], default 0) and new_device (bool, default 0). */
    static RillConfig.TopicSection paymentsWithV2()
    {
        final List<RillConfig.FieldSection> v2 = new ArrayList<>(v1Fields());
        v2.add(new RillConfig.FieldSection("device_risk", "double", false, new RillConfig.RangeSection(0.0, 1.0), 0.0));
        v2.add(new RillConfig.FieldSection("new_device", "bool", false, null, 0.0));
        return new RillConfig.TopicSection("payments", null, List.of(new RillConfig.VersionSection(1, v1Fields()),
            new RillConfig.VersionSection(2, v2)));
    }

    private static AckListener listener(final Set<Long> acked, final List<String> nacks)
    {
        return new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
                acked.add(seq);
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                nacks.add(seq + " " + code + ": " + message);
            }
        };
    }

    private static void awaitAtLeast(final AtomicLong counter, final long value)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counter.get() < value && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertTrue(counter.get() >= value, "sent " + counter.get() + ", waited for " + value);
    }

    /** Waits until journal "out" holds {@code count} non-fallback Results of the producer. */
    private static void awaitScored(final RillServer server, final long producerId, final int count)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int scored = 0;
        while (System.nanoTime() < deadline)
        {
            final int[] found = {0};
            final JournalReader out = server.out().newReader();
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ResultDecoder result = new ResultDecoder();
            while (out.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                if (result.producerId() == producerId && !result.flags().fALLBACK() && !Double.isNaN(result.score()))
                {
                    found[0]++;
                }
            }, 1000) > 0)
            {
                // read on
            }
            out.close();
            scored = found[0];
            if (scored >= count)
            {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(count, scored, "v2 events scored by the model (no fallback)");
    }
}
