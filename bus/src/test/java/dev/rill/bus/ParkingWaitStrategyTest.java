package dev.rill.bus;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParkingWaitStrategyTest
{
    @Test
    void aParkedConsumerIsWokenByThePublishNotByItsTimeout() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(TimeUnit.MINUTES.toNanos(5));
        final RingBuffer<long[]> ring = RingBuffer.createMultiProducer(() -> new long[1], 8, strategy);
        final SequenceBarrier barrier = ring.newBarrier();
        final AtomicLong seen = new AtomicLong(-1);
        final Thread consumer = new Thread(() ->
        {
            try
            {
                seen.set(barrier.waitFor(0));
            }
            catch (final Exception e)
            {
                seen.set(-2);
            }
        });
        consumer.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (strategy.parkedCount() == 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(1, strategy.parkedCount(), "the consumer parked after its spins");
        ring.publish(ring.next());
        consumer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(consumer.isAlive(), "woken by the publish (its own timeout is 5 minutes)");
        assertEquals(0, seen.get());
        assertEquals(0, strategy.parkedCount());
    }

    @Test
    void manyHandOffsBetweenAProducerAndAParkingConsumerLoseNoWakeUp() throws Exception
    {
        final ParkingWaitStrategy strategy = new ParkingWaitStrategy(TimeUnit.MINUTES.toNanos(5));
        final RingBuffer<long[]> ring = RingBuffer.createSingleProducer(() -> new long[1], 4, strategy);
        final SequenceBarrier barrier = ring.newBarrier();
        final com.lmax.disruptor.Sequence consumed = new com.lmax.disruptor.Sequence();
        ring.addGatingSequences(consumed);
        final int events = 20_000;
        final Thread consumer = new Thread(() ->
        {
            try
            {
                long next = 0;
                while (next < events)
                {
                    final long available = barrier.waitFor(next);
                    next = available + 1;
                    consumed.set(available);
                }
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        });
        consumer.start();
        for (int i = 0; i < events; i++)
        {
            final long seq = ring.next();
            ring.publish(seq);
            if ((i & 1023) == 0)
            {
                Thread.yield(); // let the consumer run dry and park now and then
            }
        }
        consumer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(consumer.isAlive(), "every hand-off completed without relying on a timeout");
        assertTrue(consumed.get() >= events - 1);
    }
}
