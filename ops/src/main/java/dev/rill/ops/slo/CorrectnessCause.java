package dev.rill.ops.slo;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What makes an event count against the correctness objective ({@code slo.objectives[].count}).
 * Written in lower case in the configuration and JSON.
 */
public enum CorrectnessCause
{
    /**
     * Refused for something about the event or its producer (a bad field, an unknown topic, a seq
     * that does not increase, ...: every refusal code except the server's own reasons, which count
     * against availability, BAD_SUBSCRIPTION and PRODUCER_FENCED), or fenced by a newer session of
     * its producer (the journal's count).
     */
    REJECTED,
    /** Dropped by the journal as a resend of an already journaled (producer, seq); still acknowledged. */
    DUPLICATE,
    /** Flagged late (event time too far behind ingest). */
    LATE,
    /** Scored by the fallback model or the default score instead of the active model. */
    FALLBACK;

    /** @return the name as configured and in JSON. */
    @JsonValue
    public String configName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString()
    {
        return configName();
    }
}
