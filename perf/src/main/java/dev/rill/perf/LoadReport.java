package dev.rill.perf;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The outcome of one load run: counts, rates and the latency histograms of the measured period.
 *
 * <p>Latency is in nanoseconds. In rate mode it is ack time minus the event's intended send time
 * (corrected for coordinated omission); in saturate mode, ack time minus actual send time. In search
 * mode the counts, rates and histograms are those of the highest passing step (or, when none passed,
 * of the first), and {@link #search()} holds every step.
 *
 * @param settings          what was run.
 * @param sent              events sent in the whole run (warm-up included).
 * @param acked             events acknowledged in the whole run.
 * @param nacked            events refused by the server.
 * @param measuredSent      events sent in the measured period.
 * @param measuredAcked     events acknowledged in the measured period (rate mode: of those sent in it; saturate and
 *                          search mode: acknowledgements that arrived in it).
 * @param measuredSeconds   length of the measured period.
 * @param latency           latency of every measured event (rate mode: every event due in the period); in reply
 *                          mode, to its Reply.
 * @param ackLatency        reply mode: the Ack latency of the same events, in the same run; null otherwise.
 * @param subscriberLatency with a subscriber: each measured event's Result arrival at the subscriber minus its
 *                          (intended) send time; null otherwise.
 * @param results           with a subscriber: how many Results it saw; null otherwise.
 * @param search            search mode: the steps and the highest passing rate; null otherwise.
 */
public record LoadReport(
    LoadSettings settings, long sent, long acked, long nacked, long measuredSent, long measuredAcked, double measuredSeconds,
    Histogram latency, Histogram ackLatency, Histogram subscriberLatency, Results results, Search search)
{
    /**
     * The Results a run's subscriber saw.
     *
     * @param matched  Results of this run's events, each counted once; equals {@code acked} when none was missed.
     * @param repeated Results seen again for an event already seen.
     * @param unknown  Results of this run's producers whose event was no longer in its ring (far too late).
     * @param foreign  Results of other producers.
     */
    public record Results(long matched, long repeated, long unknown, long foreign)
    {
    }

    /**
     * A saturation search.
     *
     * @param bestRate the highest offered rate whose step passed, or -1 when none did.
     * @param steps    every step, in the order run.
     */
    public record Search(int bestRate, List<SearchStep> steps)
    {
    }

    /** A run with neither subscriber nor search. */
    public LoadReport(
        final LoadSettings settings, final long sent, final long acked, final long nacked, final long measuredSent,
        final long measuredAcked, final double measuredSeconds, final Histogram latency, final Histogram ackLatency)
    {
        this(settings, sent, acked, nacked, measuredSent, measuredAcked, measuredSeconds, latency, ackLatency, null, null, null);
    }

    /** @return events/s sent in the measured period. */
    public double sentRate()
    {
        return measuredSent / measuredSeconds;
    }

    /** @return events/s acknowledged in the measured period. */
    public double ackedRate()
    {
        return measuredAcked / measuredSeconds;
    }

    /** @return latency at a percentile in microseconds. */
    public double micros(final double percentile)
    {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** @return the rate the latency figures were offered at: the run's rate, the best search step's, or 0 in saturate mode. */
    public int offeredRate()
    {
        return switch (settings.mode())
        {
            case RATE -> settings.rate();
            case SATURATE -> 0;
            case SEARCH -> search.bestRate() > 0 ? search.bestRate() : search.steps().get(0).rate();
        };
    }

    /** @return true when every event sent was acknowledged or refused and, with a subscriber, each acknowledged one's Result seen once. */
    public boolean complete()
    {
        return acked + nacked == sent && (results == null || results.matched() == acked && results.repeated() == 0);
    }

    /** @return a few human-readable lines. */
    public String text()
    {
        final StringBuilder sb = new StringBuilder();
        final String offered = switch (settings.mode())
        {
            case RATE -> "offered " + settings.rate() + " events/s";
            case SATURATE -> "window kept full";
            case SEARCH -> String.format(Locale.ROOT, "saturation search from %d events/s, figures of %d events/s",
                settings.rate(), offeredRate());
        };
        sb.append(String.format(Locale.ROOT, "%s: mode %s, %s, %s, %.1f s measured after %.1f s warm-up%n",
            settings.label(), settings.mode().name().toLowerCase(Locale.ROOT), offered,
            settings.connections() == 1 ? "window " + settings.window() :
                settings.connections() + " connections, window " + settings.window() + " each",
            measuredSeconds, settings.mode() == LoadSettings.Mode.SEARCH ? settings.search().settleSeconds() : settings.warmupSeconds()));
        sb.append(String.format(Locale.ROOT, "  sent %,.0f events/s, acknowledged %,.0f events/s (run totals: sent %d, acked %d, nacked %d)%n",
            sentRate(), ackedRate(), sent, acked, nacked));
        final String from = settings.mode() == LoadSettings.Mode.SATURATE ? " - send" : " - intended send";
        sb.append(percentiles("latency " + (settings.reply() == LoadSettings.Reply.NONE ? "ack" : "reply") + from, latency));
        if (ackLatency != null)
        {
            sb.append(percentiles("same events, ack" + from, ackLatency));
        }
        if (subscriberLatency != null)
        {
            sb.append(percentiles("producer -> subscriber, Result arrival" + from, subscriberLatency));
            sb.append(String.format(Locale.ROOT, "  Results seen %d of %d events acknowledged (repeated %d, too late to match %d, " +
                "other producers %d)%n", results.matched(), acked, results.repeated(), results.unknown(), results.foreign()));
        }
        if (search != null)
        {
            final SearchSettings s = settings.search();
            sb.append(String.format(Locale.ROOT, "  saturation search (%.1f s steps after %.1f s settling; pass: achieved >= %.0f %% of " +
                    "offered and p99 <= %.0f us): highest passing rate %s%n", s.stepSeconds(), s.settleSeconds(),
                s.minAchievedRatio() * 100, s.sloP99Micros(), search.bestRate() < 0 ? "none" : search.bestRate() + " events/s"));
            sb.append(String.format(Locale.ROOT, "  %10s %10s %10s %10s %10s %10s  %s%n", "offered/s", "achieved/s", "p50 us", "p99 us",
                "p99.9 us", "max us", "step"));
            for (final SearchStep step : search.steps())
            {
                sb.append(String.format(Locale.ROOT, "  %10d %10.0f %10.1f %10.1f %10.1f %10.1f  %s%n", step.rate(), step.achievedRate(),
                    step.p50Micros(), step.p99Micros(), step.p999Micros(), step.maxMicros(), step.passed() ? "pass" : "FAIL"));
            }
        }
        return sb.toString();
    }

    private static String percentiles(final String what, final Histogram h)
    {
        return String.format(Locale.ROOT,
            "  %s (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  p99.99 %.1f  max %.1f  (n=%d)%n", what,
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
            h.getValueAtPercentile(99.9) / 1000.0, h.getValueAtPercentile(99.99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    /**
     * @return one JSON object on one line: the keys {@link LoadSummary} reads, plus {@code connections} and, when
     *         measured, {@code resultsSeen} and {@code sub*Us} (subscriber latency) and {@code searchBestRate}.
     */
    public String json()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
            "{\"label\":\"%s\",\"mode\":\"%s\",\"reply\":\"%s\",\"offeredRate\":%d,\"window\":%d,\"warmupSeconds\":%.3f,\"seconds\":%.3f," +
                "\"sentRate\":%.1f,\"ackedRate\":%.1f,\"sent\":%d,\"acked\":%d,\"nacked\":%d,\"measuredSent\":%d,\"measuredAcked\":%d," +
                "\"count\":%d,\"p50Us\":%.2f,\"p90Us\":%.2f,\"p99Us\":%.2f,\"p999Us\":%.2f,\"p9999Us\":%.2f,\"maxUs\":%.2f,\"connections\":%d",
            settings.label().replace("\"", "'"), settings.mode().name().toLowerCase(Locale.ROOT),
            settings.reply().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            offeredRate(), settings.window(), settings.warmupSeconds(),
            measuredSeconds, sentRate(), ackedRate(), sent, acked, nacked, measuredSent, measuredAcked, latency.getTotalCount(),
            micros(50), micros(90), micros(99), micros(99.9), micros(99.99), latency.getMaxValue() / 1000.0, settings.connections()));
        if (subscriberLatency != null)
        {
            final Histogram h = subscriberLatency;
            sb.append(String.format(Locale.ROOT, ",\"resultsSeen\":%d,\"subCount\":%d,\"subP50Us\":%.2f,\"subP90Us\":%.2f,\"subP99Us\":%.2f," +
                    "\"subP999Us\":%.2f,\"subMaxUs\":%.2f", results.matched(), h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
                h.getMaxValue() / 1000.0));
        }
        if (search != null)
        {
            sb.append(",\"searchBestRate\":").append(search.bestRate());
        }
        return sb.append('}').toString();
    }

    /**
     * @return the whole report as a tree of maps and lists for a JSON writer: settings, counts, rates,
     *         percentiles of each latency measured and the search steps.
     */
    public Map<String, Object> document()
    {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("label", settings.label());
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put("host", settings.host());
        s.put("port", settings.port());
        s.put("mode", settings.mode().name().toLowerCase(Locale.ROOT));
        s.put("rate", settings.rate());
        s.put("warmupSeconds", settings.warmupSeconds());
        s.put("seconds", settings.seconds());
        s.put("window", settings.window());
        s.put("connections", settings.connections());
        s.put("producerId", settings.producerId());
        s.put("pacing", settings.parkOnly() ? "park" : "yield");
        s.put("reply", settings.reply().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        s.put("tls", settings.tls() != null);
        s.put("subscribe", settings.subscribe());
        if (settings.mode() == LoadSettings.Mode.SEARCH)
        {
            s.put("search", settings.search());
        }
        doc.put("settings", s);
        final Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("sent", sent);
        counts.put("acked", acked);
        counts.put("nacked", nacked);
        counts.put("measuredSent", measuredSent);
        counts.put("measuredAcked", measuredAcked);
        if (results != null)
        {
            counts.put("resultsSeen", results.matched());
            counts.put("resultsRepeated", results.repeated());
            counts.put("resultsTooLate", results.unknown());
            counts.put("resultsOtherProducers", results.foreign());
        }
        doc.put("counts", counts);
        doc.put("offeredRate", offeredRate());
        doc.put("measuredSeconds", measuredSeconds);
        doc.put("sentRate", sentRate());
        doc.put("ackedRate", ackedRate());
        doc.put(settings.reply() == LoadSettings.Reply.NONE ? "ackLatencyUs" : "replyLatencyUs", percentiles(latency));
        if (ackLatency != null)
        {
            doc.put("ackLatencyUs", percentiles(ackLatency));
        }
        if (subscriberLatency != null)
        {
            doc.put("subscriberLatencyUs", percentiles(subscriberLatency));
        }
        if (search != null)
        {
            final Map<String, Object> sr = new LinkedHashMap<>();
            sr.put("bestRate", search.bestRate());
            sr.put("steps", new ArrayList<>(search.steps()));
            doc.put("search", sr);
        }
        doc.put("complete", complete());
        return doc;
    }

    private static Map<String, Object> percentiles(final Histogram h)
    {
        final Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        for (final double q : new double[]{50, 90, 99, 99.9, 99.99})
        {
            p.put("p" + (q == Math.rint(q) ? String.valueOf((long)q) : String.valueOf(q)), h.getValueAtPercentile(q) / 1000.0);
        }
        p.put("max", h.getMaxValue() / 1000.0);
        p.put("mean", h.getMean() / 1000.0);
        return p;
    }

    /** @return HdrHistogram's percentile distribution of {@link #latency()}, values in microseconds. */
    public String percentileDistribution()
    {
        return percentileDistribution(latency);
    }

    /** @return HdrHistogram's percentile distribution of {@code h}, values in microseconds. */
    public static String percentileDistribution(final Histogram h)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            h.outputPercentileDistribution(out, 5, 1000.0);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
