package dev.rill.journal;

/**
 * A journal cannot be opened, appended to or read. The message names the journal and directory.
 * {@link JournalCorruptException} is the case where the journal opens but a record in it is damaged.
 */
public class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    public JournalException(final String message)
    {
        super(message);
    }
}
