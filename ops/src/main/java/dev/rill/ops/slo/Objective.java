package dev.rill.ops.slo;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import dev.rill.bus.ConfigException;

/**
 * One service level objective: {@code target} percent of the units of {@code kind} must be good
 * over the budget period ({@link SloConfig#budgetPeriod()}). Validated on construction; errors
 * name the key as {@code slo.objectives[<name>].<field>}.
 *
 * @param name      unique name, used in {@code /slo}, {@code rill slo} and as the alert's subject;
 *                  lower case letters, digits, '-', '.', '_'.
 * @param kind      what is measured.
 * @param target    the share of good units promised, in percent, above 0 and below 100 (99.9).
 * @param threshold latency and freshness: the most an event may take to count as good (above 0,
 *                  at most {@link #MAX_THRESHOLD}); null for the other kinds.
 * @param count     correctness: the causes that make an event bad (all four by default); empty
 *                  for the other kinds.
 */
public record Objective(String name, ObjectiveKind kind, double target, Duration threshold, Set<CorrectnessCause> count)
{
    /** The latency histograms' range: an event slower than this is recorded as this long. */
    public static final Duration MAX_THRESHOLD = Duration.ofMinutes(10);

    public Objective
    {
        final String at = "slo.objectives[" + (name == null ? "" : name) + "]";
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}"))
        {
            throw ConfigException.invalid(at + ".name", name, "1 to 64 characters: lower case letters, digits, '-', '.', '_'");
        }
        if (kind == null)
        {
            throw ConfigException.invalid(at + ".kind", null, "one of latency, freshness, correctness, availability");
        }
        if (!(target > 0 && target < 100))
        {
            throw ConfigException.invalid(at + ".target", target, "a percentage above 0 and below 100, e.g. 99.9");
        }
        if (target < 1)
        {
            throw ConfigException.invalid(at + ".target", target, "a percentage (99.9 means 99.9 %); " + target +
                " would promise less than 1 % good events: write " + String.format(Locale.ROOT, "%s", target * 100) +
                " if that was a fraction");
        }
        final boolean timed = kind == ObjectiveKind.LATENCY || kind == ObjectiveKind.FRESHNESS;
        if (timed && (threshold == null || threshold.isNegative() || threshold.isZero() || threshold.compareTo(MAX_THRESHOLD) > 0))
        {
            throw ConfigException.invalid(at + ".threshold", threshold == null ? null : SloConfig.format(threshold),
                "a duration above 0 and at most 10m for a " + kind + " objective, e.g. 5ms, 500us or 1s");
        }
        if (!timed && threshold != null)
        {
            throw ConfigException.invalid(at + ".threshold", SloConfig.format(threshold),
                "no threshold: it applies to latency and freshness objectives only");
        }
        if (kind == ObjectiveKind.CORRECTNESS)
        {
            if (count == null)
            {
                count = EnumSet.allOf(CorrectnessCause.class);
            }
            if (count.isEmpty())
            {
                throw ConfigException.invalid(at + ".count", "[]", "at least one of rejected, duplicate, late, fallback");
            }
            count = Set.copyOf(count);
        }
        else
        {
            if (count != null && !count.isEmpty())
            {
                throw ConfigException.invalid(at + ".count", count, "no count: it applies to correctness objectives only");
            }
            count = Set.of();
        }
    }

    /** @return a latency objective named {@code latency-<threshold>}. */
    public static Objective latency(final Duration threshold, final double target)
    {
        return new Objective(defaultName(ObjectiveKind.LATENCY, threshold), ObjectiveKind.LATENCY, target, threshold, null);
    }

    /** @return a freshness objective named {@code freshness-<threshold>}. */
    public static Objective freshness(final Duration threshold, final double target)
    {
        return new Objective(defaultName(ObjectiveKind.FRESHNESS, threshold), ObjectiveKind.FRESHNESS, target, threshold, null);
    }

    /** @return a correctness objective named {@code correctness}, counting {@code causes} (null: all). */
    public static Objective correctness(final double target, final Set<CorrectnessCause> causes)
    {
        return new Objective("correctness", ObjectiveKind.CORRECTNESS, target, null, causes);
    }

    /** @return an availability objective named {@code availability}. */
    public static Objective availability(final double target)
    {
        return new Objective("availability", ObjectiveKind.AVAILABILITY, target, null, null);
    }

    /** @return the name an objective gets when none is configured: the kind, plus the threshold for timed kinds. */
    public static String defaultName(final ObjectiveKind kind, final Duration threshold)
    {
        final boolean timed = kind == ObjectiveKind.LATENCY || kind == ObjectiveKind.FRESHNESS;
        return threshold == null || !timed ? kind.configName() : kind.configName() + "-" + SloConfig.format(threshold);
    }

    /** @return the target as a fraction (0.999). */
    public double targetFraction()
    {
        return target / 100.0;
    }

    /** @return the share of bad units allowed, 1 - target (0.001). */
    public double allowedErrorRatio()
    {
        return 1.0 - targetFraction();
    }

    /** @return what is promised, in words: "ingest -> publish within 5ms for 99% of events". */
    public String describe()
    {
        final String share = SloConfig.percent(target);
        return switch (kind)
        {
            case LATENCY -> "ingest -> publish within " + SloConfig.format(threshold) + " for " + share + " of events";
            case FRESHNESS -> "event time -> publish within " + SloConfig.format(threshold) + " for " + share + " of events";
            case CORRECTNESS -> share + " of events not " + causes();
            case AVAILABILITY -> "gateway up and not refusing events for its own reasons " + share + " of the time";
        };
    }

    private String causes()
    {
        final StringBuilder s = new StringBuilder();
        int i = 0;
        for (final CorrectnessCause c : CorrectnessCause.values())
        {
            if (count.contains(c))
            {
                final String word = switch (c)
                {
                    case REJECTED -> "rejected";
                    case DUPLICATE -> "deduplicated";
                    case LATE -> "late";
                    case FALLBACK -> "scored by fallback";
                };
                i++;
                if (s.length() > 0)
                {
                    s.append(i == count.size() ? " or " : ", ");
                }
                s.append(word);
            }
        }
        return s.toString();
    }
}
