package dev.rill.journal.verify;

import dev.rill.bus.Journal;

/**
 * What a scan found in one cycle file.
 *
 * @param file       the file.
 * @param records    data records walked (checked or not, damaged ones included) up to where the walk stopped;
 *                   a record cut by the end of the file is not counted.
 * @param firstIndex index of its first record, or {@link Journal#NO_INDEX} when it has none.
 * @param lastIndex  index of its last record walked, or {@link Journal#NO_INDEX}.
 * @param dataEnd    byte position where its data ends (or the walk stopped).
 * @param damaged    whether any record or header in it is damaged.
 */
public record CycleFileSummary(CycleFile file, long records, long firstIndex, long lastIndex, long dataEnd, boolean damaged)
{
}
