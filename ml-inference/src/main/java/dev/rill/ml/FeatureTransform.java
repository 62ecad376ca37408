package dev.rill.ml;

import java.util.List;

/**
 * How one model input feature is computed from one topic field.
 *
 * <p>Each transform takes the field's value and the feature's {@code params} from
 * {@code model.json}. The set is deliberately small and explicit so that the training code and
 * the serving code compute the same number by calling the same method. Stateless; any thread.
 * {@link #apply(double, double[])} does not allocate.
 */
public enum FeatureTransform
{
    /** The value as is. No params. */
    IDENTITY(0, 0),
    /** {@code log(1 + max(x, 0))}: compresses heavy-tailed amounts, distances and counts. No params. */
    LOG1P(0, 0),
    /** 1 when the value equals one of the params (for example a set of MCC codes), else 0. One or more params. */
    IN_SET(1, Integer.MAX_VALUE),
    /** 1 when {@code params[0] <= x <= params[1]} (for example night hours 0 to 5), else 0. Two params. */
    IN_RANGE(2, 2),
    /** {@code sin(2 pi x / params[0])}: a cyclic value such as the hour of day, period params[0]. */
    CYCLIC_SIN(1, 1),
    /** {@code cos(2 pi x / params[0])}: the companion of {@link #CYCLIC_SIN}. */
    CYCLIC_COS(1, 1);

    private final int minParams;
    private final int maxParams;

    FeatureTransform(final int minParams, final int maxParams)
    {
        this.minParams = minParams;
        this.maxParams = maxParams;
    }

    /**
     * @param x      the field value.
     * @param params the feature's parameters, already checked by {@link #problem(List)}.
     * @return the feature value; NaN in gives NaN out for the arithmetic transforms.
     */
    public double apply(final double x, final double[] params)
    {
        switch (this)
        {
            case IDENTITY:
                return x;
            case LOG1P:
                // Math.log is an intrinsic, log1p is not (~4x slower); they agree to ~1e-13 once x
                // is not tiny, far below the float precision the model reads.
                return x > 0.0 ? (x >= 1e-3 ? Math.log(1.0 + x) : Math.log1p(x)) : (Double.isNaN(x) ? x : 0.0);
            case IN_SET:
                for (final double p : params)
                {
                    if (x == p)
                    {
                        return 1.0;
                    }
                }
                return 0.0;
            case IN_RANGE:
                return x >= params[0] && x <= params[1] ? 1.0 : 0.0;
            case CYCLIC_SIN:
                return Math.sin(2.0 * Math.PI * x / params[0]);
            case CYCLIC_COS:
                return Math.cos(2.0 * Math.PI * x / params[0]);
            default:
                throw new IllegalStateException("unhandled transform " + this);
        }
    }

    /**
     * @param params the parameters a feature declares (null means none).
     * @return what is wrong with them for this transform, or null when they are valid.
     */
    public String problem(final List<Double> params)
    {
        final int n = params == null ? 0 : params.size();
        if (n < minParams || n > maxParams)
        {
            final String expected = minParams == maxParams ? Integer.toString(minParams) :
                maxParams == Integer.MAX_VALUE ? "at least " + minParams : minParams + " to " + maxParams;
            return this + " takes " + expected + " params, found " + n;
        }
        for (int i = 0; i < n; i++)
        {
            final Double p = params.get(i);
            if (p == null || !Double.isFinite(p))
            {
                return this + " params must be finite numbers, found " + params;
            }
        }
        if (this == IN_RANGE && params.get(0) > params.get(1))
        {
            return "IN_RANGE params must be [min, max] with min <= max, found " + params;
        }
        if ((this == CYCLIC_SIN || this == CYCLIC_COS) && params.get(0) <= 0.0)
        {
            return this + " period must be positive, found " + params.get(0);
        }
        return null;
    }
}
