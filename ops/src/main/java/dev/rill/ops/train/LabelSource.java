package dev.rill.ops.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.TopicSchema;

/**
 * Where the labels of a scored topic's events come from.
 *
 * <ul>
 *   <li><b>A label topic</b> ({@code topic:payment_labels}): its events carry the fields
 *       {@value #PRODUCER_ID_FIELD} and {@value #SEQ_FIELD} of the labelled event and one more
 *       field, its 0/1 label, for example {@code [producer_id, seq, fraud]}. Labels are joined to
 *       events by (producer id, seq); when an event is labelled twice, the later label in the
 *       journal wins.</li>
 *   <li><b>A field of the scored topic</b> ({@code field:is_fraud}) holding 0 or 1.</li>
 * </ul>
 *
 * <p>A label value other than 0 or 1 is not a label: the event counts as unlabelled. Immutable;
 * any thread.
 *
 * @param kind {@value #TOPIC} or {@value #FIELD}.
 * @param name the label topic's or the label field's name.
 */
public record LabelSource(String kind, String name)
{
    /** {@link #kind()} of labels sent as events of their own topic. */
    public static final String TOPIC = "topic";
    /** {@link #kind()} of labels held in a field of the scored topic. */
    public static final String FIELD = "field";
    /** Label topic field holding the producer id of the labelled event. */
    public static final String PRODUCER_ID_FIELD = "producer_id";
    /** Label topic field holding the seq of the labelled event. */
    public static final String SEQ_FIELD = "seq";

    public LabelSource
    {
        Objects.requireNonNull(name, "name");
        if (!TOPIC.equals(kind) && !FIELD.equals(kind))
        {
            throw new IllegalArgumentException("label source kind must be topic or field, found " + kind);
        }
    }

    /** @return labels from events of the named topic. */
    public static LabelSource topic(final String name)
    {
        return new LabelSource(TOPIC, name);
    }

    /** @return labels from the named field of the scored topic. */
    public static LabelSource field(final String name)
    {
        return new LabelSource(FIELD, name);
    }

    /**
     * @param text as {@link #toString()} writes it into model.json: {@code topic:NAME} or {@code field:NAME}.
     * @throws TrainingDataException (MODEL_INVALID) when the text is neither.
     */
    public static LabelSource parse(final String text)
    {
        final int colon = text == null ? -1 : text.indexOf(':');
        final String kind = colon < 0 ? null : text.substring(0, colon);
        if (colon < 1 || colon == text.length() - 1 || (!TOPIC.equals(kind) && !FIELD.equals(kind)))
        {
            throw new TrainingDataException(ErrorCode.MODEL_INVALID, "the label source '" + text + "' in model.json is " +
                "neither topic:NAME nor field:NAME; fix training.labels or retrain the model");
        }
        return new LabelSource(kind, text.substring(colon + 1));
    }

    /** @return true for labels sent on a topic of their own. */
    public boolean isTopic()
    {
        return TOPIC.equals(kind);
    }

    /**
     * Checks this source against the configured topics.
     *
     * @param topics the configuration's topics.
     * @param scored the topic whose events are labelled.
     * @return the label topic (for a topic source), or null (for a field source).
     * @throws TrainingDataException (USAGE) naming what is missing and what exists.
     */
    public TopicSchema check(final List<TopicSchema> topics, final TopicSchema scored)
    {
        if (!isTopic())
        {
            if (scored.fieldIndex(name) < 0)
            {
                throw new TrainingDataException(ErrorCode.USAGE, "--label-field: topic '" + scored.name() + "' has no field '" +
                    name + "'; its fields are " + scored.fields() + " (or send labels on a topic of their own and use " +
                    "--label-topic)");
            }
            return null;
        }
        if (name.equals(scored.name()))
        {
            throw new TrainingDataException(ErrorCode.USAGE, "--label-topic: '" + name + "' is the scored topic itself; " +
                "name the topic the labels are sent on, or use --label-field for a label inside the event");
        }
        final List<String> names = new ArrayList<>();
        for (final TopicSchema t : topics)
        {
            names.add(t.name());
            if (t.name().equals(name))
            {
                if (t.fieldIndex(PRODUCER_ID_FIELD) < 0 || t.fieldIndex(SEQ_FIELD) < 0 || t.fields().size() != 3)
                {
                    throw new TrainingDataException(ErrorCode.USAGE, "--label-topic: topic '" + name + "' has the fields " +
                        t.fields() + "; a label topic needs [" + PRODUCER_ID_FIELD + ", " + SEQ_FIELD + ", <label>], for " +
                        "example [producer_id, seq, fraud]: fix its fields in the configuration");
                }
                return t;
            }
        }
        throw new TrainingDataException(ErrorCode.USAGE, "--label-topic: no topic '" + name + "' in the configuration; its " +
            "topics are " + names + " (the default configuration has payment_labels)");
    }

    /** @return the field holding the 0/1 label in a label topic. */
    static int labelFieldIndex(final TopicSchema labelTopic)
    {
        for (int i = 0; i < labelTopic.fields().size(); i++)
        {
            final String f = labelTopic.fields().get(i);
            if (!f.equals(PRODUCER_ID_FIELD) && !f.equals(SEQ_FIELD))
            {
                return i;
            }
        }
        throw new IllegalStateException("label topic " + labelTopic + " was checked");
    }

    @Override
    public String toString()
    {
        return kind + ":" + name;
    }
}
