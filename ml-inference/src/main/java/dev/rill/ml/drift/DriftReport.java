package dev.rill.ml.drift;

import java.util.List;
import java.util.Locale;

/**
 * A snapshot of a {@link DriftMonitor}: the PSI of every input feature and of the score since the
 * last reset. Immutable; any thread.
 *
 * @param model    the model as {@code name/version}.
 * @param observed rows observed.
 * @param features one entry per input feature, in the model's input column order.
 * @param score    the score's entry.
 */
public record DriftReport(String model, long observed, List<Entry> features, Entry score)
{
    public DriftReport
    {
        features = List.copyOf(features);
    }

    /**
     * One value's drift.
     *
     * @param name  feature name, or "score".
     * @param psi   population stability index; NaN without a baseline or an observation.
     * @param level the band the PSI falls in.
     */
    public record Entry(String name, double psi, DriftLevel level)
    {
        @Override
        public String toString()
        {
            return Double.isNaN(psi) ? name + ": " + level : String.format(Locale.ROOT, "%s: PSI %.4f (%s)", name, psi, level);
        }
    }

    /** @return the entry with the highest PSI (the score included), or the score's when none has one. */
    public Entry worst()
    {
        Entry worst = score;
        for (final Entry e : features)
        {
            if (!Double.isNaN(e.psi()) && (Double.isNaN(worst.psi()) || e.psi() > worst.psi()))
            {
                worst = e;
            }
        }
        return worst;
    }
}
