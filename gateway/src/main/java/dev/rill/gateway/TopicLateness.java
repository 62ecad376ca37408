package dev.rill.gateway;

import java.time.Duration;

/**
 * One topic's lateness settings ({@code gateway.lateness.topics.<name>}); a null field falls back
 * to the {@link LatenessConfig} default.
 *
 * @param allowed how far an event's time may lie behind the gateway's clock on arrival; null for the default.
 * @param action  flag or reject; null for the default.
 */
public record TopicLateness(Duration allowed, LatenessAction action)
{
}
