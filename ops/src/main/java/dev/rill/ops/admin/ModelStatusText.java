package dev.rill.ops.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code rill model status} as text: one labelled line per part of a {@link ModelStatus}, figures
 * with thousands separators, the same on every machine (root locale). Stateless; allocates the text.
 */
public final class ModelStatusText
{
    private static final String INDENT = "           ";

    private ModelStatusText()
    {
    }

    /**
     * @param status what the server answered.
     * @param now    the time to state the active model's age against.
     * @return the text, lines ending with a newline.
     */
    public static String render(final ModelStatus status, final Instant now)
    {
        final StringBuilder out = new StringBuilder();
        final ModelStatus.ActiveModel a = status.active();
        if (a == null)
        {
            line(out, "active", "none: no model scores events");
        }
        else
        {
            final Instant since = Instant.ofEpochMilli(a.activeSince());
            line(out, "active", f("%s/%d since %s (%s ago)", a.name(), a.version(), since, age(Duration.between(since, now))));
            line(out, "directory", a.directory());
            final ModelStatus.Fallbacks fb = a.fallbacks();
            line(out, "scored", f("%,d events; fallbacks %s", a.scored(), fb == null ? "-" : f(
                "%,d: load failure %,d, inference error %,d, non-finite %,d, over budget %,d",
                fb.total(), fb.loadFailure(), fb.inferenceError(), fb.nonFinite(), fb.overBudget())));
        }
        line(out, "previous", status.previous() == null ? "none (nothing to roll back to)" : status.previous().toString());
        line(out, "fallback", status.fallbackMode() == null ? "-" : status.fallbackMode());
        final ModelStatus.BatchSizes b = status.batches();
        if (b != null)
        {
            line(out, "batches", f("%,d run; size mean %.1f, p50 %d, p99 %d, max %d (bound %d); budget %,d µs, %,d over budget",
                b.count(), b.mean(), b.p50(), b.p99(), b.max(), b.bound(), b.budgetMicros(), b.overBudget()));
        }
        shadow(out, status.shadow());
        drift(out, status);
        return out.toString();
    }

    private static void shadow(final StringBuilder out, final ModelStatus.Shadow s)
    {
        if (s == null)
        {
            line(out, "shadow", "none");
            return;
        }
        line(out, "shadow", f("%s/%d: %,d events compared, %,d skipped (the shadow lagged)", s.name(), s.version(), s.compared(),
            s.skippedLagging()));
        out.append(INDENT).append(f("|delta| mean %.4f, p99 %.4f, max %.4f%n", s.meanAbsDelta(), s.p99AbsDelta(), s.maxAbsDelta()));
        out.append(INDENT).append(f("at threshold %.3f: agreement %.2f %%, flips positive->negative %,d, negative->positive %,d%n",
            s.threshold(), s.agreement() * 100, s.flipsPositiveToNegative(), s.flipsNegativeToPositive()));
        out.append(INDENT).append(f("shadow run per batch p50 %,d µs, p99 %,d µs%n", s.latencyP50Micros(), s.latencyP99Micros()));
    }

    private static void drift(final StringBuilder out, final ModelStatus status)
    {
        if (status.drift().isEmpty() && status.scoreDriftPsi() == null)
        {
            line(out, "drift", "not measured");
            return;
        }
        line(out, "drift", f("%-24s %8s  %s", "feature", "psi", "band"));
        for (final ModelStatus.FeatureDrift d : status.drift())
        {
            out.append(INDENT).append(f("%-24s %8.3f  %s%n", d.feature(), d.psi(), d.band()));
        }
        if (status.scoreDriftPsi() != null)
        {
            out.append(INDENT).append(f("%-24s %8.3f%n", "(score)", status.scoreDriftPsi()));
        }
    }

    private static void line(final StringBuilder out, final String label, final String text)
    {
        out.append(f("%-10s %s%n", label, text));
    }

    private static String age(final Duration d)
    {
        if (d.isNegative())
        {
            return "0s";
        }
        final long days = d.toDays();
        if (days > 0)
        {
            return days + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0)
        {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    private static String f(final String format, final Object... args)
    {
        return String.format(Locale.ROOT, format, args);
    }
}
