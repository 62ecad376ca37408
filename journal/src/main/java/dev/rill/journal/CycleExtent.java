package dev.rill.journal;

import dev.rill.bus.Journal;

/**
 * What a cycle file holds, as read through Chronicle: its index range and how many bytes of it
 * the records occupy (the file itself is pre-sized and sparse: its length says little).
 *
 * @param firstIndex index of its first record, {@link Journal#NO_INDEX} when it has none.
 * @param lastIndex  index of its last record, {@link Journal#NO_INDEX} when it has none.
 * @param records    number of records.
 * @param dataBytes  offset in the file just after its last record: the bytes actually written.
 */
record CycleExtent(long firstIndex, long lastIndex, long records, long dataBytes)
{
    static final CycleExtent EMPTY = new CycleExtent(Journal.NO_INDEX, Journal.NO_INDEX, 0, 0);

    boolean empty()
    {
        return records == 0;
    }
}
