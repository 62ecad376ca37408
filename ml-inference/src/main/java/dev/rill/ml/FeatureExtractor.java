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

    /**
     * @param descriptor the model whose inputs to produce.
     * @param topic      the topic whose events will be scored.
     * @throws ConfigException naming the first feature whose field the topic lacks.
     */
    public FeatureExtractor(final ModelDescriptor descriptor, final TopicSchema topic)
    {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(topic, "topic");
        final List<FeatureSpec> features = descriptor.features();
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
            final int index = topic.fieldIndex(spec.field());
            if (index < 0)
            {
                throw new ConfigException("model " + modelName + " cannot score topic '" + topic.name() +
                    "': feature '" + spec.name() + "' needs field '" + spec.field() + "' but the topic's fields are " +
                    topic.fields() + "; add the field to the topic or map the topic to a model that does not need it");
            }
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
        final int base = row * featureCount;
        for (int i = 0; i < featureCount; i++)
        {
            final double x = fields[fieldIndex[i]];
            final double[] table = integerInputTable[i];
            final int k = (int)x;
            final double feature = table != null && k == x && k >= 0 && k < table.length ?
                table[k] : transforms[i].apply(x, params[i]);
            rows.put(base + i, (float)feature);
        }
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
