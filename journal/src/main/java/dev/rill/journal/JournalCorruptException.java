package dev.rill.journal;

/**
 * A journal record is truncated, fails its CRC32C, or does not decode: thrown by a journal reader
 * on the damaged record; the {@code rill} command maps it to exit status 23 ({@code JOURNAL_CORRUPT}).
 *
 * <p>It names the journal, the cycle file, the record's index and the reason, and says what to do.
 * Immutable; created on the slow path only.
 */
public final class JournalCorruptException extends JournalException
{
    /** What a reader's exception tells the operator to do. */
    public static final String VERIFY_ADVICE =
        "run `rill journal verify` for every damaged record, and see ops/runbooks/corrupt-journal.md";

    private static final long serialVersionUID = 1L;

    private final String journal;
    private final String file;
    private final long index;
    private final String reason;

    /**
     * @param journal journal name ("in", "out").
     * @param file    cycle file name, e.g. {@code 20261125F.cq4}.
     * @param index   index of the damaged record (or of the first record that cannot be read).
     * @param reason  what is wrong with it.
     * @param advice  what the operator should do, appended to the message.
     */
    public JournalCorruptException(
        final String journal, final String file, final long index, final String reason, final String advice)
    {
        super("journal '" + journal + "' is corrupt: file " + file + ", index " + index + ": " + reason + "; " + advice);
        this.journal = journal;
        this.file = file;
        this.index = index;
        this.reason = reason;
    }

    /** @return the journal's name. */
    public String journal()
    {
        return journal;
    }

    /** @return the cycle file holding the damaged record. */
    public String file()
    {
        return file;
    }

    /** @return the damaged record's index. */
    public long index()
    {
        return index;
    }

    /** @return what is wrong with the record. */
    public String reason()
    {
        return reason;
    }
}
