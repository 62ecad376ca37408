package dev.rill.gateway;

import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.EventSlot;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-over of Replies from the pipeline thread to the event loop, on one thread (the ordering is the point). */
class ReplyQueueTest
{
    private static final byte[] FRAUD = {'f', 'r', 'a', 'u', 'd'};

    @Test
    void repliesComeOutInOrderAndBareReleasesFreeTheirPlaceWithoutAReply()
    {
        final ReplyQueue q = new ReplyQueue(4);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(q.tryReserve());
        }
        assertFalse(q.tryReserve(), "every place is held");
        assertTrue(q.offer(slot(1, 0.25), 100));
        assertTrue(q.offer(slot(2, 0.5), -1)); // a resend: release only
        assertTrue(q.offer(slot(3, 0.75), 102));
        final List<String> seen = new ArrayList<>();
        assertEquals(2, q.poll((seq, outIndex, inIndex, scoredTime, version, flags, score, name) ->
            seen.add(seq + "@" + outIndex + " score " + score + " v" + version + " flags " + flags + " " + new String(name))));
        assertEquals(List.of("1@100 score 0.25 v7 flags 2 fraud", "3@102 score 0.75 v7 flags 2 fraud"), seen);
        assertEquals(1, q.reserved(), "three places freed, the fourth still held");
        assertTrue(q.tryReserve());
        assertEquals(0, q.queued());
    }

    @Test
    void aQueueWhosePlacesWereNotReservedRefusesRatherThanOverwrite()
    {
        final ReplyQueue q = new ReplyQueue(2);
        assertTrue(q.offer(slot(1, 0), 1));
        assertTrue(q.offer(slot(2, 0), 2));
        assertFalse(q.offer(slot(3, 0), 3), "full: the caller must report it, the queued Replies stay intact");
        final List<Long> seqs = new ArrayList<>();
        q.poll((seq, outIndex, inIndex, scoredTime, version, flags, score, name) -> seqs.add(seq));
        assertEquals(List.of(1L, 2L), seqs);
    }

    private static EventSlot slot(final long seq, final double score)
    {
        final EventSlot slot = new EventSlot(256, 8);
        slot.clear();
        slot.seq(seq).inIndex(seq * 10).addFlags(EventSlot.FLAG_LATE);
        slot.modelName(FRAUD);
        slot.scored(score, 7, 123, (byte)0);
        return slot;
    }
}
