package dev.rill.ml;

import java.util.List;

/**
 * One model input feature as {@code model.json} declares it: its name (the Tribuo feature name),
 * the topic field it reads and the transform that turns the field into the feature.
 *
 * <p>Immutable; any thread.
 *
 * @param name      feature name, unique within a model.
 * @param field     name of the topic field the feature is computed from.
 * @param transform how the field becomes the feature.
 * @param params    transform parameters (see {@link FeatureTransform}); empty when it takes none.
 */
public record FeatureSpec(String name, String field, FeatureTransform transform, List<Double> params)
{
    public FeatureSpec
    {
        params = params == null ? List.of() : List.copyOf(params);
    }

    /** @return a spec for a transform that takes no parameters. */
    public static FeatureSpec of(final String name, final String field, final FeatureTransform transform)
    {
        return new FeatureSpec(name, field, transform, List.of());
    }

    /** @return a spec with parameters. */
    public static FeatureSpec of(final String name, final String field, final FeatureTransform transform, final double... params)
    {
        final Double[] boxed = new Double[params.length];
        for (int i = 0; i < params.length; i++)
        {
            boxed[i] = params[i];
        }
        return new FeatureSpec(name, field, transform, List.of(boxed));
    }

    /** @return what is wrong with this spec, or null when it is valid. */
    public String problem()
    {
        if (name == null || name.isBlank())
        {
            return "a feature has no name";
        }
        if (field == null || field.isBlank())
        {
            return "feature '" + name + "' names no field";
        }
        if (transform == null)
        {
            return "feature '" + name + "' has no transform; use one of " + List.of(FeatureTransform.values());
        }
        final String problem = transform.problem(params);
        return problem == null ? null : "feature '" + name + "': " + problem;
    }

    /** @return the params as a primitive array, for the extractor's hot loop. */
    double[] paramArray()
    {
        final double[] out = new double[params.size()];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = params.get(i);
        }
        return out;
    }
}
