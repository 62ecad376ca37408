package dev.rill.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The regression gate's deliberate slowdown ({@code -Drill.perf.extraCopyBytes}) really copies: the
 * copy loop alone, called directly, so the journal's default path (hook off) is untouched.
 */
class ExtraCopyHookTest
{
    @Test
    void copiesTheRecordUntilTheRequestedBytesWereCopied()
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7});
        final UnsafeBuffer into = new UnsafeBuffer(new byte[32]);

        final int copied = ChronicleJournal.copyRepeatedly(record, 2, 3, into, 20);

        assertEquals(20, copied);
        for (int i = 0; i < 20; i++)
        {
            assertEquals(3 + i % 3, into.getByte(i), "byte " + i);
        }
        assertEquals(0, into.getByte(20), "nothing past the requested bytes");
    }
}
