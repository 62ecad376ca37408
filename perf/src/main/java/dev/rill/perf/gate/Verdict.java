package dev.rill.perf.gate;

/** What the gate says about one figure, as printed in the table's last column. */
public enum Verdict
{
    /** Within the band of the baseline. */
    OK("OK"),
    /** Costlier than the baseline by more than the band: the gate fails. */
    REGRESSION("REGRESSION"),
    /** Cheaper than the baseline by more than the band: good news, but the baseline is out of date. */
    FASTER("FASTER (consider re-recording)"),
    /** No baseline for the figure, a changed definition, or no score now: nothing to compare. */
    MISSING("MISSING");

    private final String label;

    Verdict(final String label)
    {
        this.label = label;
    }

    /** @return the text in the table. */
    public String label()
    {
        return label;
    }

    /**
     * Judges a change against the band; a change exactly at the band is still OK.
     *
     * @param changePct (now / baseline − 1) in %, rounded to 0.01.
     */
    public static Verdict of(final double changePct, final int bandPct)
    {
        if (changePct > bandPct)
        {
            return REGRESSION;
        }
        return changePct < -bandPct ? FASTER : OK;
    }
}
