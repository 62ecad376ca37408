package dev.rill.journal.verify;

import org.agrona.DirectBuffer;

/** Receives what a {@link JournalScanner} finds, on the scanning thread, in journal order. */
public interface JournalVisitor
{
    /**
     * A record whose checksum matched; the buffer holds its payload (no trailer) and is only
     * valid during the call.
     *
     * @param position byte position of the record's header in the file.
     */
    void onRecord(CycleFile file, long index, long position, DirectBuffer buffer, int offset, int length);

    /** A problem, in file order, after the records before it. */
    void onProblem(JournalProblem problem);
}
