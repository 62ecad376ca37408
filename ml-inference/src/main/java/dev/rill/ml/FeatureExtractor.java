package dev.rill.ml;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

import dev.rill.bus.ConfigException;
import dev.rill.bus.TopicSchema;

/**
 * Turns one event's topic fields into one row of model input floats, in the model's input column
 * order, as the model's {@link ModelDescriptor} declares.
 *
 * <p>Built once per (model, topic) pair; construction resolves every feature's field to its
 * position in the topic and refuses a topic that lacks one. Immutable afterwards, so any thread
 * may use it; {@link #extract(double[], FloatBuffer, int)} does not allocate.
 */
public final class FeatureExtractor
{
    private final String modelName;
    private final String topicName;
    private final int featureCount;
    private final int[] fieldIndex;
    private final FeatureTransform[] transforms;
    private final double[][] params;
    private final double[][] integerInputTable;
    private final int topicFieldCount;
    private final double[] absentValue;

    /**
     * @param descriptor the model whose inputs to produce.
     * @param topic      the topic whose events will be scored.
     * @throws ConfigException naming the first feature whose field the topic lacks.
     */
    public FeatureExtractor(final ModelDescriptor descriptor, final TopicSchema topic)
    {
        this(descriptor, topic, List.of());
    }

    /**
     * An extractor of a topic with streaming features: each event carries them after its own
     * values ({@code fields[fieldCount ..]}), wherever its schema version ends.
     *
     * @param streamingFeatures names of the streaming features, in the order they follow the event's values.
     * @throws ConfigException naming the first feature whose field neither the topic nor the streaming features have.
     */
    public FeatureExtractor(final ModelDescriptor descriptor, final TopicSchema topic, final List<String> streamingFeatures)
    {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(topic, "topic");
        final List<FeatureSpec> features = descriptor.features();
        topicFieldCount = topic.fields().size();
        absentValue = new double[features.size()];
        modelName = descriptor.name() + "/" + descriptor.version();
        topicName = topic.name();
        featureCount = features.size();
        fieldIndex = new int[featureCount];
        transforms = new FeatureTransform[featureCount];
        params = new double[featureCount][];
        integerInputTable = new double[featureCount][];
        for (int i = 0; i < featureCount; i++)
        {
            final FeatureSpec spec = features.get(i);
            final int streaming = streamingFeatures.indexOf(spec.field());
            final int index = topic.fieldIndex(spec.field()) >= 0 ? topic.fieldIndex(spec.field()) :
                streaming >= 0 ? topicFieldCount + streaming : -1;
            if (index < 0)
            {
                final List<String> all = new java.util.ArrayList<>(topic.fields());
                all.addAll(streamingFeatures);
                throw new ConfigException("model " + modelName + " cannot score topic '" + topic.name() +
                    "': feature '" + spec.name() + "' needs field '" + spec.field() + "' but the topic's fields are " +
                    all + "; add the field to the topic or map the topic to a model that does not need it");
            }
            // A field added by a later schema version is absent from events of earlier versions: its default stands in.
            absentValue[i] = index < topicFieldCount ? defaultOf(topic, index) : 0.0;
            fieldIndex[i] = index;
            transforms[i] = spec.transform();
            params[i] = spec.paramArray();
            integerInputTable[i] = tableFor(transforms[i], params[i]);
        }
    }

    /** @return number of floats per row. */
    public int featureCount()
    {
        return featureCount;
    }

    /** @return name of the topic this extractor reads. */
    public String topicName()
    {
        return topicName;
    }

    /**
     * Writes one row: {@code rows[row * featureCount() + i]} = feature i. Absolute puts only, so
     * the buffer's position and limit are untouched. Does not allocate.
     *
     * @param fields the event's field values in topic order (as many as the topic declares; the
     *               gateway has checked the count).
     * @param rows   row-major input buffer of the scorer.
     * @param row    row to write.
     */
    public void extract(final double[] fields, final FloatBuffer rows, final int row)
    {
        extract(fields, topicFieldCount, rows, row);
    }

    /**
     * As {@link #extract(double[], FloatBuffer, int)} for an event of any schema version of the
     * topic: its own values are {@code fields[0 .. fieldCount)}, its streaming features (if any)
     * follow them. A field the event's version does not have reads as that field's default.
     * Does not allocate.
     */
    public void extract(final double[] fields, final int fieldCount, final FloatBuffer rows, final int row)
    {
        final int base = row * featureCount;
        for (int i = 0; i < featureCount; i++)
        {
            final int index = fieldIndex[i];
            final double x = index < topicFieldCount ?
                (index < fieldCount ? fields[index] : absentValue[i]) : fields[fieldCount + index - topicFieldCount];
            final double[] table = integerInputTable[i];
            final int k = (int)x;
            final double feature = table != null && k == x && k >= 0 && k < table.length ?
                table[k] : transforms[i].apply(x, params[i]);
            rows.put(base + i, (float)feature);
        }
    }

    private static double defaultOf(final TopicSchema topic, final int index)
    {
        final double d = topic.latest().defaultValue(index);
        return Double.isNaN(d) ? 0.0 : d;
    }

    /**
     * Cyclic transforms of whole numbers (hour of day, day of week) are looked up: the same values
     * {@link FeatureTransform#apply} computes, without a sin or cos per event.
     *
     * @return the transform of 0 .. period-1, or null when the transform has no such table.
     */
    private static double[] tableFor(final FeatureTransform transform, final double[] params)
    {
        if ((transform != FeatureTransform.CYCLIC_SIN && transform != FeatureTransform.CYCLIC_COS) ||
            params[0] != Math.rint(params[0]) || params[0] > 4096)
        {
            return null;
        }
        final double[] table = new double[(int)params[0]];
        for (int k = 0; k < table.length; k++)
        {
            table[k] = transform.apply(k, params);
        }
        return table;
    }

    /**
     * Allocating convenience for tools and tests: the features of one event.
     *
     * @param fields the event's field values in topic order.
     * @return a new array of {@link #featureCount()} floats.
     */
    public float[] extractToArray(final double[] fields)
    {
        final float[] out = new float[featureCount];
        final FloatBuffer buffer = FloatBuffer.wrap(out);
        extract(fields, buffer, 0);
        return out;
    }

    @Override
    public String toString()
    {
        return "FeatureExtractor{model=" + modelName + ", topic=" + topicName + ", features=" + featureCount + "}";
    }
}
