package dev.rill.bus;

import org.agrona.DirectBuffer;

/**
 * A cursor over a {@link Journal}, reading records in append order, live as they are appended.
 *
 * <p>Owned by one thread: create, use and close it on the same thread.
 */
public interface JournalReader extends AutoCloseable
{
    /** Receives records; the buffer is only valid during the call. */
    @FunctionalInterface
    interface RecordHandler
    {
        void onRecord(long index, DirectBuffer buffer, int offset, int length);
    }

    /** Positions the reader before the first record. */
    void toStart();

    /** Positions the reader after the last record, so only records appended later are read. */
    void toEnd();

    /**
     * Positions the reader so the next record read is the one at {@code index}.
     *
     * @return false when no record has that index (nothing moves then).
     */
    boolean moveTo(long index);

    /**
     * Positions the reader so the next record read is the first whose index is {@code index} or
     * higher: the way to resume after the record {@code index - 1}, also across roll cycles (whose
     * indexes are not contiguous).
     *
     * @return false when {@code index} is below the first record, or above the last record + 1.
     */
    boolean moveToAtOrAfter(long index);

    /**
     * Reads up to {@code limit} records, handing each to the handler.
     *
     * @return number of records read; 0 when the reader is at the end.
     */
    int poll(RecordHandler handler, int limit);

    /** @return index the next record read will have, if one is appended there. */
    long nextIndex();

    @Override
    void close();
}
