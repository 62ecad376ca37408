package dev.rill.ops.admin;

/**
 * The admin channel could not be used: the server is not reachable, refused the token, did not
 * understand the request, or failed. The message says what was wrong and what to do; it never
 * holds a token. A refusal of the command itself is not an exception but an {@link AdminOutcome}.
 */
public final class AdminException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final AdminExitCode code;

    public AdminException(final AdminExitCode code, final String message)
    {
        this(code, message, null);
    }

    public AdminException(final AdminExitCode code, final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = code;
    }

    /** @return what kind of failure, with the exit status {@code rill} ends with. */
    public AdminExitCode code()
    {
        return code;
    }
}
