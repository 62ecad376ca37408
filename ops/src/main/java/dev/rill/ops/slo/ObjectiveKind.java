package dev.rill.ops.slo;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an objective measures; each kind counts good and total units per telemetry interval as
 * {@link Indicators} describes. Written in lower case in the configuration and JSON.
 */
public enum ObjectiveKind
{
    /** Ingest to publish within a threshold, per published event. */
    LATENCY,
    /** Event time to publish within a threshold, per published event. */
    FRESHNESS,
    /** Events not rejected, deduplicated, late or scored by fallback (the causes are configurable). */
    CORRECTNESS,
    /** The gateway listening and not refusing events for its own reasons, weighted by time. */
    AVAILABILITY;

    /** @return the name as configured and in JSON. */
    @JsonValue
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the name of this kind's burn-rate alert, also its runbook: {@code slo-latency}, ... */
    public String alertName()
    {
        return "slo-" + configName();
    }

    @Override
    public String toString()
    {
        return configName();
    }
}
