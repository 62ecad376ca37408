package dev.rill.ops.telemetry;

/**
 * Receives each telemetry interval of a running bus: SLO evaluation, the status page's history,
 * the serve command's status line. Called on the telemetry thread, one tick at a time, in order.
 * An implementation must return quickly (it delays the next listener, not the pipeline) and copy
 * whatever it keeps from the tick, which is reused.
 */
@FunctionalInterface
public interface TelemetryListener
{
    /** @param tick the interval just ended; valid during this call only. */
    void onTick(TelemetryTick tick);
}
