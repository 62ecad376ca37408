package dev.rill.perf;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * The outcome of one load run: counts, rates and the latency histogram of the measured period.
 *
 * <p>Latency is in nanoseconds. In rate mode it is ack time minus the event's intended send time
 * (corrected for coordinated omission); in saturate mode, ack time minus actual send time.
 *
 * @param settings        what was run.
 * @param sent            events sent in the whole run (warm-up included).
 * @param acked           events acknowledged in the whole run.
 * @param nacked          events refused by the server.
 * @param measuredSent    events sent in the measured period.
 * @param measuredAcked   events acknowledged in the measured period.
 * @param measuredSeconds length of the measured period.
 * @param latency         latency of every measured event (rate mode: every event due in the period); in reply
 *                        mode, to its Reply.
 * @param ackLatency      reply mode: the Ack latency of the same events, in the same run; null otherwise.
 */
public record LoadReport(
    LoadSettings settings, long sent, long acked, long nacked, long measuredSent, long measuredAcked, double measuredSeconds,
    Histogram latency, Histogram ackLatency)
{
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

    /** @return a few human-readable lines. */
    public String text()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: mode %s, %s, window %d, %.1f s measured after %.1f s warm-up%n",
            settings.label(), settings.mode().name().toLowerCase(Locale.ROOT),
            settings.mode() == LoadSettings.Mode.RATE ? "offered " + settings.rate() + " events/s" : "window kept full",
            settings.window(), measuredSeconds, settings.warmupSeconds()));
        sb.append(String.format(Locale.ROOT, "  sent %,.0f events/s, acknowledged %,.0f events/s (run totals: sent %d, acked %d, nacked %d)%n",
            sentRate(), ackedRate(), sent, acked, nacked));
        sb.append(String.format(Locale.ROOT,
            "  latency %s (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  p99.99 %.1f  max %.1f  (n=%d)%n",
            (settings.reply() == LoadSettings.Reply.NONE ? "ack" : "reply") +
                (settings.mode() == LoadSettings.Mode.RATE ? " - intended send" : " - send"),
            micros(50), micros(90), micros(99), micros(99.9), micros(99.99), latency.getMaxValue() / 1000.0,
            latency.getTotalCount()));
        if (ackLatency != null)
        {
            sb.append(String.format(Locale.ROOT,
                "  same events, ack - intended send (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (n=%d)%n",
                ackLatency.getValueAtPercentile(50) / 1000.0, ackLatency.getValueAtPercentile(90) / 1000.0,
                ackLatency.getValueAtPercentile(99) / 1000.0, ackLatency.getValueAtPercentile(99.9) / 1000.0,
                ackLatency.getMaxValue() / 1000.0, ackLatency.getTotalCount()));
        }
        return sb.toString();
    }

    /** @return one JSON object on one line. */
    public String json()
    {
        return String.format(Locale.ROOT,
            "{\"label\":\"%s\",\"mode\":\"%s\",\"reply\":\"%s\",\"offeredRate\":%d,\"window\":%d,\"warmupSeconds\":%.3f,\"seconds\":%.3f," +
                "\"sentRate\":%.1f,\"ackedRate\":%.1f,\"sent\":%d,\"acked\":%d,\"nacked\":%d,\"measuredSent\":%d,\"measuredAcked\":%d," +
                "\"count\":%d,\"p50Us\":%.2f,\"p90Us\":%.2f,\"p99Us\":%.2f,\"p999Us\":%.2f,\"p9999Us\":%.2f,\"maxUs\":%.2f}",
            settings.label().replace("\"", "'"), settings.mode().name().toLowerCase(Locale.ROOT),
            settings.reply().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            settings.mode() == LoadSettings.Mode.RATE ? settings.rate() : 0, settings.window(), settings.warmupSeconds(),
            measuredSeconds, sentRate(), ackedRate(), sent, acked, nacked, measuredSent, measuredAcked, latency.getTotalCount(),
            micros(50), micros(90), micros(99), micros(99.9), micros(99.99), latency.getMaxValue() / 1000.0);
    }

    /** @return HdrHistogram's percentile distribution, values in microseconds. */
    public String percentileDistribution()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            latency.outputPercentileDistribution(out, 5, 1000.0);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
