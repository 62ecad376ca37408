package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Matching a Result to its event's send time: once, and never to another event's time. */
class SendTimeRingTest
{
    @Test
    void aResultIsMatchedOnceThenSeenAsRepeated()
    {
        final SendTimeRing ring = new SendTimeRing(8);
        ring.put(5, 1_000);
        ring.put(6, -2_000); // System.nanoTime may be negative

        assertEquals(SendTimeRing.CLAIMED, ring.claim(6));
        assertEquals(-2_000, ring.claimedNanos());
        assertEquals(SendTimeRing.CLAIMED, ring.claim(5));
        assertEquals(1_000, ring.claimedNanos());
        assertEquals(SendTimeRing.REPEATED, ring.claim(5));
        assertEquals(1_000, ring.sendTime(5), "the ack side still reads the time after the claim");
    }

    @Test
    void aResultWhoseSlotWasReusedIsUnknownNotAnotherEventsTime()
    {
        final SendTimeRing ring = new SendTimeRing(8); // at least 65,536 slots
        ring.put(3, 100);
        ring.put(3 + (1 << 16), 200);

        assertEquals(SendTimeRing.UNKNOWN, ring.claim(3));
        assertEquals(SendTimeRing.UNKNOWN, ring.claim(99), "never sent");
        assertEquals(SendTimeRing.CLAIMED, ring.claim(3 + (1 << 16)));
        assertEquals(200, ring.claimedNanos());
    }

    @Test
    void aRetriedSendKeepsItsSeqAndTakesTheNewTime()
    {
        final SendTimeRing ring = new SendTimeRing(8);
        ring.put(7, 10);
        ring.put(7, 20); // the first trySend found the window full

        assertEquals(SendTimeRing.CLAIMED, ring.claim(7));
        assertEquals(20, ring.claimedNanos());
    }
}
