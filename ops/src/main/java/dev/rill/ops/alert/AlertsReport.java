package dev.rill.ops.alert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The alerts as {@code GET /alerts} answers them: immutable, built on request from the
 * {@link AlertEvaluator}'s snapshot and the {@link AlertDispatcher}'s counters, serialised by
 * Jackson as is. Shape:
 *
 * <pre>{@code
 * {"time":"2026-11-26T10:15:00Z",      // end of the last tick evaluated; null before the first
 *  "rules":["slo-latency","slo-freshness",...,"disk-full","subscriber-lag",...],
 *  "firing":[{"alert":"slo-latency","subject":"latency-5ms","severity":"page","summary":"...","details":"...",
 *             "runbook":"ops/runbooks/slo-latency.md","since":"...","lastNotified":"...","values":{...}}],
 *  "recent":[ ...notifications, newest first, as the sinks received them (see Notification)... ],
 *  "sinks":["log","webhook"],
 *  "queued":0,"dropped":0,"delivered":12,"failed":0}
 * }</pre>
 *
 * @param time      end of the last tick evaluated, or null before the first.
 * @param rules     the names of the rules running (one per objective for the SLO alerts).
 * @param firing    the alerts firing now.
 * @param recent    the last notifications ({@code alerts.keep}), newest first.
 * @param sinks     the sinks' names, in delivery order.
 * @param queued    notifications waiting for the sinks.
 * @param dropped   notifications dropped because the queue was full.
 * @param delivered deliveries that succeeded (per notification and sink).
 * @param failed    deliveries that failed after retries.
 */
public record AlertsReport(
    String time, List<String> rules, List<AlertEvaluator.Firing> firing, List<Notification> recent, List<String> sinks, long queued,
    long dropped, long delivered, long failed)
{
    /** @return the report now. Any thread. */
    public static AlertsReport of(final AlertEvaluator evaluator, final AlertDispatcher dispatcher)
    {
        final List<String> rules = new ArrayList<>();
        for (final AlertRule r : evaluator.rules())
        {
            rules.add(r.name());
        }
        final long last = evaluator.lastEvaluatedMillis();
        return new AlertsReport(last < 0 ? null : Instant.ofEpochMilli(last).toString(), List.copyOf(rules), evaluator.firing(),
            evaluator.recent(), dispatcher.sinkNames(), dispatcher.queued(), dispatcher.dropped(), dispatcher.delivered(),
            dispatcher.failed());
    }
}
