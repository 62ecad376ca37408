package dev.rill.journal;

import net.openhft.chronicle.core.time.TimeProvider;

/** Test helper: opens journals with a clock, for tests outside this package that need several cycles. */
public final class TestJournals
{
    private TestJournals()
    {
    }

    /** @return the journal, rolling cycles by {@code time}. */
    public static ChronicleJournal open(final JournalConfig config, final String name, final TimeProvider time)
    {
        return ChronicleJournal.open(config, name, time);
    }
}
