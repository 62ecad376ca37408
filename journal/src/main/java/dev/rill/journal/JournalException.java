package dev.rill.journal;

/** A journal cannot be opened, appended to or read. The message names the journal and directory. */
public final class JournalException extends RuntimeException
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
