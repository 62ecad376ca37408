package dev.rill.perf;

/**
 * One step of a saturation search ({@link LoadSettings.Mode#SEARCH}): an open-loop run at one rate.
 *
 * @param rate            events/s offered.
 * @param achievedRate    acknowledgements per second that arrived in the measured period.
 * @param count           events measured (sent in the measured period).
 * @param nacked          events refused in the step.
 * @param p50Micros       ack latency from intended send, p50, microseconds.
 * @param p99Micros       the same, p99.
 * @param p999Micros      the same, p99.9.
 * @param maxMicros       the same, max.
 * @param subscriberP99Micros producer to subscriber latency p99, or NaN without a subscriber.
 * @param passed          whether the step met both the achieved-rate and the p99 condition.
 */
public record SearchStep(
    int rate, double achievedRate, long count, long nacked, double p50Micros, double p99Micros, double p999Micros, double maxMicros,
    double subscriberP99Micros, boolean passed)
{
}
