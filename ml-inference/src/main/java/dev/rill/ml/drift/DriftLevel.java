package dev.rill.ml.drift;

/**
 * How far a value's live distribution has moved from its training distribution, by the
 * population stability index (PSI) bands in common use for credit and fraud models.
 *
 * <ul>
 *   <li>{@link #STABLE}: PSI below {@value #MODERATE_FROM}: no action.</li>
 *   <li>{@link #MODERATE}: PSI from {@value #MODERATE_FROM} up to and including
 *       {@value #SIGNIFICANT_ABOVE}: watch it; check the model's recent precision and recall.</li>
 *   <li>{@link #SIGNIFICANT}: PSI above {@value #SIGNIFICANT_ABOVE}: the inputs differ from what
 *       the model learnt; retrain on recent data (see ops/runbooks/model-drift.md).</li>
 *   <li>{@link #NO_BASELINE}: the model's model.json has no training distribution for it.</li>
 *   <li>{@link #NO_DATA}: nothing observed yet.</li>
 * </ul>
 */
public enum DriftLevel
{
    /** PSI below 0.1. */
    STABLE("stable"),
    /** PSI from 0.1 to 0.25. */
    MODERATE("moderate"),
    /** PSI above 0.25. */
    SIGNIFICANT("significant"),
    /** No training distribution to compare with. */
    NO_BASELINE("no training distribution"),
    /** No observation yet. */
    NO_DATA("nothing observed");

    /** Lowest PSI that is {@link #MODERATE}. */
    public static final double MODERATE_FROM = 0.1;
    /** PSI above which drift is {@link #SIGNIFICANT}. */
    public static final double SIGNIFICANT_ABOVE = 0.25;

    private final String text;

    DriftLevel(final String text)
    {
        this.text = text;
    }

    /** @return the band of a PSI value (NaN: {@link #NO_DATA}). */
    public static DriftLevel of(final double psi)
    {
        if (Double.isNaN(psi))
        {
            return NO_DATA;
        }
        return psi < MODERATE_FROM ? STABLE : psi <= SIGNIFICANT_ABOVE ? MODERATE : SIGNIFICANT;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
