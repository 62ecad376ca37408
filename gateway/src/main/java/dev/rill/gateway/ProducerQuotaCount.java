package dev.rill.gateway;

/**
 * One producer's quota figures since the server started, for metrics ({@link Gateway#producerQuotaCounts()}).
 *
 * @param producerId the producer (0: anonymous connections, together).
 * @param throttled  times its connection stopped being read because its bucket was empty.
 * @param refused    events refused with Nack QUOTA_EXCEEDED (refuse mode).
 */
public record ProducerQuotaCount(long producerId, long throttled, long refused)
{
}
