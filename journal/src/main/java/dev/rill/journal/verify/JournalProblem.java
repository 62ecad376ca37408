package dev.rill.journal.verify;

import dev.rill.journal.JournalCorruptException;

/**
 * Something wrong (or worth knowing) about one place in a journal, as found by a
 * {@link JournalScanner}: which journal, which cycle file, the index of the record concerned, the
 * byte position in the file, what kind of problem, and why.
 *
 * @param journal  journal name ("in", "out").
 * @param file     cycle file name, e.g. {@code 20261125F.cq4}.
 * @param index    index of the record concerned (for a cut file, the index the next record would
 *                 have had); Chronicle indexes, as {@code rill journal dump --from} takes them.
 * @param position byte position of the record's header in the file.
 * @param kind     what kind of problem.
 * @param reason   what exactly is wrong, for the operator.
 */
public record JournalProblem(String journal, String file, long index, long position, Kind kind, String reason)
{
    /** Kinds of problem; only {@link #damaged()} ones make a journal corrupt. */
    public enum Kind
    {
        /** The file ends inside a record or before its end-of-cycle marker: it was cut. */
        TRUNCATED(true),
        /** A record fails its checksum, or a record header is damaged. */
        CORRUPT(true),
        /** A record passes its checksum but is not a whole message of its journal's kind. */
        UNDECODABLE(true),
        /** The last record of the newest file is incomplete: the writer stopped mid-append (never acknowledged). */
        INCOMPLETE_TAIL(false),
        /**
         * After the last record of the newest file, one record's bytes were written but not its
         * header: the writer was killed in the middle of an append (never acknowledged). The
         * server's start check clears them ({@link JournalStartCheck#TORN_TAIL_BYTES}).
         */
        TORN_TAIL(false),
        /** A file other than the newest has no end-of-cycle marker: readers wait there until the server's next append adds it. */
        NO_END_OF_CYCLE(false);

        private final boolean damaged;

        Kind(final boolean damaged)
        {
            this.damaged = damaged;
        }

        /** @return true when records are lost or unreadable; false for a note. */
        public boolean damaged()
        {
            return damaged;
        }

        /** @return the kind as shown to operators: lower case, words apart. */
        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * @param advice what the operator should do, appended to the message.
     * @return this problem as the exception a reader or the server's start check throws.
     */
    public JournalCorruptException toException(final String advice)
    {
        return new JournalCorruptException(journal, file, index, kind.label() + ": " + reason, advice);
    }

    /** @return one line naming file, index, byte position, kind and reason. */
    public String describe()
    {
        return journal + "/" + file + " index " + index + " (byte " + position + "): " + kind.label() + ": " + reason;
    }
}
