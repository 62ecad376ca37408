package dev.rill.ops.slo;

import java.util.EnumSet;
import java.util.Set;

import dev.rill.bus.ErrorCode;
import dev.rill.ops.telemetry.TelemetryTick;
import org.HdrHistogram.Histogram;

/**
 * How each {@link ObjectiveKind} counts good and total units in one telemetry interval
 * ({@link TelemetryTick}). The definitions, also in the README ("SLOs and alerts"):
 *
 * <ul>
 *   <li><b>latency</b>: units are published events; good when ingest to publish took at most the
 *       threshold: {@code ingestToPublish.getCountBetweenValues(0, threshold)} of the interval's
 *       histogram (HdrHistogram at 3 significant digits, so values within 0.1 % above the threshold
 *       count as good).</li>
 *   <li><b>freshness</b>: the same on the event-time-to-publish histogram (a producer whose clock
 *       runs ahead makes its events look fresher; one behind, staler). Late events count as bad
 *       whatever their freshness: good is at most published minus events flagged LATE, and events
 *       refused with EVENT_TOO_LATE (never published, so not in the histogram) add to the total as
 *       bad. Exact when the allowed lateness is at least the threshold (every late event is then
 *       outside it anyway); with a shorter allowed lateness, an upper bound of the good count.</li>
 *   <li><b>correctness</b>: units are events the bus received and dealt with: published +
 *       duplicates + fenced + rejected, where rejected is every refusal except the server's own
 *       reasons ({@link #SERVER_REASONS}), BAD_SUBSCRIPTION (not an event) and PRODUCER_FENCED (a
 *       connection, not an event: fenced events are counted by the journal) and WRONG_PARTITION (a
 *       redirect: the client sends the event again to its partition's owner). Bad: the configured
 *       causes, rejected (with fenced), duplicate, late, fallback.</li>
 *   <li><b>availability</b>: units are milliseconds. An interval of t ms adds t to the total and,
 *       to the good time, 0 when the gateway was not listening at the interval's end, else
 *       t × (1 - refused for server reasons / events received), received being accepted plus every
 *       refusal; t when nothing was received. So an idle bus is as available as its listening
 *       time, a busy one loses the share of events it turned away, and a gateway that cannot be
 *       reached loses whole intervals even though nobody's refusal is counted.</li>
 * </ul>
 *
 * <p>Stateless; the telemetry thread. Does not allocate.
 */
public final class Indicators
{
    /** Refusals that are the server's fault: they count against availability, not correctness. */
    public static final Set<ErrorCode> SERVER_REASONS = Set.copyOf(EnumSet.of(
        ErrorCode.DISK_FULL, ErrorCode.INTERNAL_ERROR, ErrorCode.SERVER_SHUTTING_DOWN, ErrorCode.CONNECTION_LIMIT));

    private static final ErrorCode[] CODES = ErrorCode.values();
    private static final ErrorCode[] SERVER_CODES = SERVER_REASONS.toArray(new ErrorCode[0]);

    private Indicators()
    {
    }

    /**
     * Counts the interval's good and total units of {@code objective}.
     *
     * @param into {@code into[0]} = good, {@code into[1]} = total (good never above total).
     */
    public static void measure(final Objective objective, final TelemetryTick tick, final long[] into)
    {
        switch (objective.kind())
        {
            case LATENCY -> within(tick.latencies().ingestToPublish(), objective.threshold().toNanos(), into);
            case FRESHNESS -> freshness(tick, objective.threshold().toNanos(), into);
            case CORRECTNESS -> correctness(objective, tick, into);
            case AVAILABILITY -> availability(tick, into);
            default -> throw new IllegalStateException("unknown kind " + objective.kind());
        }
    }

    /** @return frames refused for a reason of the event or its producer (see the class comment). */
    public static long rejected(final TelemetryTick tick)
    {
        long sum = 0;
        for (final ErrorCode code : CODES)
        {
            if (!SERVER_REASONS.contains(code) && code != ErrorCode.BAD_SUBSCRIPTION && code != ErrorCode.PRODUCER_FENCED &&
                code != ErrorCode.WRONG_PARTITION)
            {
                sum += tick.refused(code);
            }
        }
        return sum;
    }

    /** @return frames refused for the server's own reasons. */
    public static long refusedByServer(final TelemetryTick tick)
    {
        long sum = 0;
        for (final ErrorCode code : SERVER_CODES)
        {
            sum += tick.refused(code);
        }
        return sum;
    }

    private static void within(final Histogram h, final long thresholdNanos, final long[] into)
    {
        final long total = h.getTotalCount();
        into[1] = total;
        into[0] = total == 0 ? 0 : Math.min(total, h.getCountBetweenValues(0, Math.min(thresholdNanos, h.getHighestTrackableValue())));
    }

    private static void freshness(final TelemetryTick tick, final long thresholdNanos, final long[] into)
    {
        within(tick.latencies().freshness(), thresholdNanos, into);
        into[0] = Math.max(0, Math.min(into[0], into[1] - tick.late()));
        into[1] += tick.refused(ErrorCode.EVENT_TOO_LATE);
    }

    private static void correctness(final Objective objective, final TelemetryTick tick, final long[] into)
    {
        final Set<CorrectnessCause> causes = objective.count();
        final long rejected = rejected(tick) + tick.fenced();
        final long total = tick.published() + tick.duplicates() + rejected;
        long bad = 0;
        if (causes.contains(CorrectnessCause.REJECTED))
        {
            bad += rejected;
        }
        if (causes.contains(CorrectnessCause.DUPLICATE))
        {
            bad += tick.duplicates();
        }
        if (causes.contains(CorrectnessCause.LATE))
        {
            bad += tick.late();
        }
        if (causes.contains(CorrectnessCause.FALLBACK))
        {
            bad += tick.fallbacks();
        }
        // Stages count at different moments: an interval may see a fallback whose publish falls in the next one.
        into[1] = total;
        into[0] = Math.max(0, total - bad);
    }

    private static void availability(final TelemetryTick tick, final long[] into)
    {
        final long millis = Math.max(0, tick.endMillis() - tick.startMillis());
        into[1] = millis;
        if (!tick.gatewayListening())
        {
            into[0] = 0;
            return;
        }
        final long received = tick.accepted() + tick.refused();
        final long refused = refusedByServer(tick);
        into[0] = received == 0 ? millis : Math.round(millis * (1.0 - (double)Math.min(refused, received) / received));
    }
}
