package dev.rill.ml.train;

import java.util.Arrays;
import java.util.Objects;

import dev.rill.bus.TopicSchema;

/**
 * Events of one topic with a binary label each: the rows a model is trained on, evaluated on, or
 * judged on by the {@link DeploymentGate}.
 *
 * <p>Immutable by convention: the arrays are the caller's and must not be changed after
 * construction (they are large, so they are not copied). Any thread.
 *
 * @param topic       the topic; every row holds its fields in its order.
 * @param fields      one array of field values per row.
 * @param labels      true for a positive row (fraud).
 * @param description where the rows came from, for messages: "in [1200, 1600)", "generator seed 42
 *                    rows [150000, 200000)".
 */
public record LabelledRows(TopicSchema topic, double[][] fields, boolean[] labels, String description)
{
    public LabelledRows
    {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(description, "description");
        if (fields.length != labels.length)
        {
            throw new IllegalArgumentException(fields.length + " rows but " + labels.length + " labels");
        }
        final int width = topic.fields().size();
        for (int i = 0; i < fields.length; i++)
        {
            if (fields[i].length != width)
            {
                throw new IllegalArgumentException("row " + i + " has " + fields[i].length + " fields, topic '" +
                    topic.name() + "' has " + width + " " + topic.fields());
            }
        }
    }

    /** @return number of rows. */
    public int size()
    {
        return labels.length;
    }

    /** @return number of positive rows. */
    public int positives()
    {
        int n = 0;
        for (final boolean label : labels)
        {
            n += label ? 1 : 0;
        }
        return n;
    }

    /** @return rows [from, to) as new rows sharing the field arrays. */
    public LabelledRows slice(final int from, final int to, final String sliceDescription)
    {
        return new LabelledRows(topic, Arrays.copyOfRange(fields, from, to), Arrays.copyOfRange(labels, from, to),
            sliceDescription);
    }

    @Override
    public String toString()
    {
        return "LabelledRows{" + description + ", " + size() + " rows, " + positives() + " positive}";
    }
}
