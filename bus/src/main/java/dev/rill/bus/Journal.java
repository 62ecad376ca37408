package dev.rill.bus;

import org.agrona.DirectBuffer;

/**
 * An append-only, indexed log of binary records: Rill's "in" and "out" journals.
 *
 * <p>One thread appends (the stage that owns the journal); any number of {@link JournalReader}s,
 * each owned by one thread, read it, live, in append order. Indexes increase with every record but
 * are not contiguous across roll cycles: treat them as opaque positions.
 */
public interface Journal extends AutoCloseable
{
    /** Index meaning "no record". */
    long NO_INDEX = -1;

    /**
     * Appends one record. Call from the owning thread only.
     *
     * @return the index of the new record.
     */
    long append(DirectBuffer buffer, int offset, int length);

    /**
     * Forces every record appended so far to the storage device (the file's dirty pages are
     * written and flushed), so they survive a power loss. Call from the appending thread; a
     * no-op before the first append.
     */
    void sync();

    /** @return a new reader positioned before the first record; the caller's thread owns it. */
    JournalReader newReader();

    /** @return index of the first record, or {@link #NO_INDEX} when empty. */
    long firstIndex();

    /** @return index of the last record, or {@link #NO_INDEX} when empty. */
    long lastIndex();

    /**
     * Counts the records whose index is {@code index} or higher, up to the last one: how far a reader
     * whose {@link JournalReader#nextIndex()} is {@code index} is behind the end. Indexes are not
     * contiguous across roll cycles, so this is the way to turn two positions into a record count.
     * Any thread; not for the hot path (it may open files and allocate when the range spans cycles).
     *
     * @return 0 when {@code index} is past the last record or the journal is empty.
     */
    long recordsFrom(long index);

    /** @return the journal's name ("in", "out"). */
    String name();

    @Override
    void close();
}
