package dev.rill.bus;

import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicSchemaTest
{
    private static final double INF = Double.POSITIVE_INFINITY;

    private static SchemaVersion v1()
    {
        return new SchemaVersion(1, List.of(
            new TopicField("amount", FieldType.DOUBLE, true, 0, INF, Double.NaN),
            new TopicField("hour", FieldType.INT, true, 0, 23, Double.NaN)));
    }

    private static SchemaVersion v2(final TopicField added)
    {
        return new SchemaVersion(2, List.of(v1().fields().get(0), v1().fields().get(1), added));
    }

    @Test
    void plainListOfNamesIsVersionOneOfRequiredUnboundedDoubles()
    {
        final TopicSchema topic = new TopicSchema("payments", List.of("amount", "hour"));
        assertEquals(1, topic.versions().size());
        assertEquals(topic.version(1), topic.version(0), "version 0 on the wire means 1");
        assertNull(topic.version(2));
        assertEquals(2, topic.version(1).requiredCount());
        assertEquals(TopicField.requiredDouble("hour"), topic.version(1).fields().get(1));
    }

    @Test
    void versionAppendingAnOptionalFieldIsACompatibleSuccessor()
    {
        final TopicSchema one = TopicSchema.versioned("payments", List.of(v1()));
        final TopicSchema two = TopicSchema.versioned("payments",
            List.of(v1(), v2(new TopicField("risk", FieldType.DOUBLE, false, 0, 1, 0))));
        assertNull(one.incompatibility(two));
        assertEquals(List.of("amount", "hour", "risk"), two.fields());
        assertEquals(2, two.latest().requiredCount());
    }

    @Test
    void incompatibleDefinitionsAreRefusedNamingVersionAndField()
    {
        final TopicSchema one = TopicSchema.versioned("payments", List.of(v1()));
        final IllegalArgumentException required = assertThrows(IllegalArgumentException.class, () -> TopicSchema.versioned("payments",
            List.of(v1(), v2(new TopicField("risk", FieldType.DOUBLE, true, 0, 1, Double.NaN)))));
        assertTrue(required.getMessage().contains("'risk' as required"), required.getMessage());
        final TopicSchema retyped = TopicSchema.versioned("payments", List.of(new SchemaVersion(1, List.of(
            new TopicField("amount", FieldType.DOUBLE, true, 0, INF, Double.NaN),
            new TopicField("hour", FieldType.DOUBLE, true, 0, 23, Double.NaN)))));
        final String changed = one.incompatibility(retyped);
        assertTrue(changed.contains("version 1 would change") && changed.contains("'hour'"), changed);
        final TopicSchema two = TopicSchema.versioned("payments",
            List.of(v1(), v2(new TopicField("risk", FieldType.DOUBLE, false, 0, 1, 0))));
        assertTrue(two.incompatibility(one).contains("never removed"));
        final IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> new SchemaVersion(1, List.of(
            new TopicField("a", FieldType.DOUBLE, false, -INF, INF, 0), TopicField.requiredDouble("b"))));
        assertTrue(order.getMessage().contains("optional fields go last"), order.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TopicField("flag", FieldType.BOOL, false, -INF, INF, 0.5),
            "a default the field would refuse");
    }

    @Test
    void deadLetterBufferDropsAndCountsWhenFullInsteadOfWaiting()
    {
        final DeadLetterBuffer buffer = new DeadLetterBuffer(64 * 1024, 4096);
        final DeadLetterBuffer.Producer producer = buffer.newProducer();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[4096]);
        int offered = 0;
        for (int i = 0; i < 100; i++)
        {
            if (producer.offer(1, ErrorCode.MISSING_FIELD, 1, 2, i, "/127.0.0.1:1", "", "why", frame, 0, 4096, 5000))
            {
                offered++;
            }
        }
        assertTrue(offered > 0 && offered < 100, "offered " + offered);
        assertEquals(100 - offered, buffer.droppedBufferFull());
        final int[] read = {0};
        buffer.drain((type, b, index, length) -> read[0]++, Integer.MAX_VALUE);
        assertEquals(offered, read[0]);
    }
}
