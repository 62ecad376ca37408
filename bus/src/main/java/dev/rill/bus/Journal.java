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

    /** @return the journal's name ("in", "out"). */
    String name();

    @Override
    void close();
}
