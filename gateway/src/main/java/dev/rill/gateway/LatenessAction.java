package dev.rill.gateway;

/**
 * What the gateway does with an event whose time is older than its topic's allowed lateness
 * ({@code gateway.lateness.action}, or per topic).
 */
public enum LatenessAction
{
    /**
     * Accept it, journal and score it as usual, and set the flag {@code LATE} in its Result (and
     * Reply); counted in {@code rill_events_late_total} and against the freshness SLO. The default.
     */
    FLAG,
    /**
     * Refuse it with a Nack {@code EVENT_TOO_LATE} (29): it is not journaled; counted in
     * {@code rill_frames_refused{code="29"}}. Other events of the connection are unaffected.
     */
    REJECT
}
