package dev.rill.bus;

import java.util.List;
import java.util.Objects;

/**
 * A topic and the named numeric fields its events carry, in wire order.
 *
 * @param name   topic name as producers send it (ASCII, 1 to 64 characters).
 * @param fields field names, in the order producers send their values.
 */
public record TopicSchema(String name, List<String> fields)
{
    public TopicSchema
    {
        Objects.requireNonNull(name, "name");
        fields = List.copyOf(fields);
    }

    /** @return position of a field, or -1 when the topic has no such field. */
    public int fieldIndex(final String field)
    {
        return fields.indexOf(field);
    }
}
