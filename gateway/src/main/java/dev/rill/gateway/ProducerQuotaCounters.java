package dev.rill.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often one producer hit its quota: pause episodes and refused events. Shared by the
 * producer's successive connections (written on their event loops) and read by metrics on any
 * thread; an increment per episode or refusal, never per accepted event.
 */
final class ProducerQuotaCounters
{
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
}
