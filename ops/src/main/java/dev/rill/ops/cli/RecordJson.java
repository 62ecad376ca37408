package dev.rill.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders journal records as JSON objects, one per line ({@code rill journal dump --format json}):
 * every field of the message, times both as epoch nanoseconds and as ISO-8601 instants, NaN scores
 * as null. Allocates; tools only.
 */
final class RecordJson
{
    /** Jackson's mapper: thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordJson()
    {
    }

    /** @return the record as one line of JSON. */
    static String line(final String journal, final JournalRecord record)
    {
        try
        {
            return MAPPER.writeValueAsString(toJson(journal, record));
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException e)
        {
            throw new IllegalStateException("cannot write a tree of plain values as JSON", e);
        }
    }

    /** @return a JSON object as one line. */
    static String line(final ObjectNode object)
    {
        try
        {
            return MAPPER.writeValueAsString(object);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException e)
        {
            throw new IllegalStateException("cannot write a tree of plain values as JSON", e);
        }
    }

    /** @return the record as a JSON object. */
    static ObjectNode toJson(final String journal, final JournalRecord record)
    {
        final ObjectNode o = MAPPER.createObjectNode().put("journal", journal).put("index", record.index());
        if (record instanceof JournalRecord.Event e)
        {
            o.put("type", "Event").put("topic", e.topic()).put("producerId", e.producerId()).put("seq", e.seq()).put("key", e.key());
            time(o, "eventTime", e.eventTimeNanos());
            time(o, "ingestTime", e.ingestTimeNanos());
            o.put("connectionId", e.connectionId());
            final ArrayNode fields = o.putArray("fields");
            for (final double v : e.fields())
            {
                fields.add(v);
            }
        }
        else if (record instanceof JournalRecord.Result r)
        {
            o.put("type", "Result").put("inIndex", r.inIndex()).put("topic", r.topic()).put("producerId", r.producerId())
                .put("seq", r.seq()).put("key", r.key());
            if (Double.isNaN(r.score()))
            {
                o.putNull("score");
            }
            else
            {
                o.put("score", r.score());
            }
            o.put("modelName", r.modelName()).put("modelVersion", r.modelVersion());
            final ArrayNode flags = o.putArray("flags");
            r.flags().forEach(flags::add);
            o.put("correctsOutIndex", r.correctsOutIndex());
            time(o, "eventTime", r.eventTimeNanos());
            time(o, "ingestTime", r.ingestTimeNanos());
            time(o, "scoredTime", r.scoredTimeNanos());
            time(o, "publishTime", r.publishTimeNanos());
        }
        else if (record instanceof JournalRecord.ProducerSession s)
        {
            o.put("type", "ProducerSession").put("producerId", s.producerId()).put("epoch", s.epoch());
            time(o, "time", s.timeNanos());
        }
        else
        {
            o.put("type", "Undecodable").put("reason", ((JournalRecord.Undecodable)record).reason());
        }
        return o;
    }

    private static void time(final ObjectNode o, final String name, final long epochNanos)
    {
        o.put(name + "Nanos", epochNanos).put(name, RecordText.time(epochNanos));
    }
}
