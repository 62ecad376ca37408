package dev.rill.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.Journal;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrections ({@code rill replay publish}) carry the in index of an event published long before:
 * the last Result of "out" that tells recovery and retention how far "in" is published is the last
 * one that is not a correction.
 */
class LastResultInIndexTest
{
    @TempDir
    Path dir;

    private final CorrectionRecords records = new CorrectionRecords();

    @Test
    void correctionsAtTheEndOfOutArePassedOverByRecoveryAndRetention()
    {
        final JournalConfig config = JournalConfig.of(dir).withPretouch(false);
        try (ChronicleJournal in = ChronicleJournal.open(config, "in"); ChronicleJournal out = ChronicleJournal.open(config, "out"))
        {
            final List<Long> inIndexes = new ArrayList<>();
            final List<Long> outIndexes = new ArrayList<>();
            for (int seq = 1; seq <= 120; seq++)
            {
                inIndexes.add(records.event(in, seq));
            }
            for (int i = 0; i < 100; i++) // the last 20 events have no Result yet: the process died
            {
                outIndexes.add(records.result(out, inIndexes.get(i), i + 1));
            }
            for (int i = 0; i < 500; i++) // more corrections than the first windows hold
            {
                records.correction(out, inIndexes.get(i % 40), i % 40 + 1, outIndexes.get(i % 40));
            }

            assertEquals(inIndexes.get(99), new LastResultInIndex(out).getAsLong());
            final JournalRecovery.Recovered recovered = JournalRecovery.recover(in, out, null, w -> { });
            assertEquals(inIndexes.get(99), recovered.lastPublishedInIndex(), "recovery starts after the last live Result");
            assertTrue(recovered.hasUnpublished(), "the 20 events after it are re-scored, nothing before them");
        }
    }

    @Test
    void theLastResultIsFoundBehindCorrectionsInALaterCycle()
    {
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
        final JournalConfig config = JournalConfig.of(dir).withPretouch(false);
        try (ChronicleJournal out = ChronicleJournal.open(config, "out", time))
        {
            final long firstOut = records.result(out, 1000, 1);
            final long lastLive = records.result(out, 1001, 2);
            time.advanceNanos(TimeUnit.DAYS.toNanos(1)); // FAST_DAILY: the next record starts a new cycle file
            for (int i = 0; i < 300; i++)
            {
                records.correction(out, 1000, 1, firstOut);
            }
            assertTrue(out.lastIndex() - lastLive > Integer.MAX_VALUE, "the corrections are in a later cycle");
            assertEquals(1001, new LastResultInIndex(out).getAsLong());
        }
    }

    @Test
    void outHoldingOnlyCorrectionsHasNoLastResult()
    {
        try (ChronicleJournal out = ChronicleJournal.open(JournalConfig.of(dir).withPretouch(false), "out"))
        {
            assertEquals(Journal.NO_INDEX, new LastResultInIndex(out).getAsLong());
            for (int i = 0; i < 70; i++)
            {
                records.correction(out, 5, 1, 3);
            }
            assertEquals(Journal.NO_INDEX, new LastResultInIndex(out).getAsLong());
            records.result(out, 77, 9);
            assertEquals(77, new LastResultInIndex(out).getAsLong(), "one read when the last record is a live Result");
        }
    }
}
