package dev.rill.ops.admin;

import dev.rill.bus.ErrorCode;

/**
 * Exit statuses of the {@code rill model} commands that talk to the admin channel, beside the
 * {@link ErrorCode} numbers the {@code rill} command already uses. These belong to the command
 * line only, never to the wire protocol; they sit above {@link ErrorCode}'s range (1 to 64) and
 * follow the BSD sysexits meanings where one fits (69 unavailable, 76 protocol, 77 no permission).
 *
 * <p>A refusal whose outcome code names an {@link ErrorCode} (MODEL_INVALID) exits with that
 * code's number instead of {@link #ADMIN_REFUSED}: see {@link #exitStatusOf(AdminOutcome)}.
 */
public enum AdminExitCode
{
    /** The server refused the command (REFUSED_BY_GATE, NOTHING_TO_ROLL_BACK, NO_SHADOW, ...): nothing changed. */
    ADMIN_REFUSED(65, "the server refused the command; its message says why and what to do; nothing changed"),
    /** No server answers on the admin address, or it did not answer in time. */
    ADMIN_UNREACHABLE(69, "no Rill server answers on the admin address; start `rill serve` or pass --admin HOST:PORT"),
    /** The server did not understand the request, or answered something that is not the admin channel's JSON. */
    ADMIN_PROTOCOL(76, "the server did not understand the request or its answer was not understood; use the same rill version as the server"),
    /** The server refused the token, or the token file cannot be read. */
    ADMIN_UNAUTHORIZED(77, "the server refused the admin token, or the token file cannot be read; use the server's admin.tokenFile"),
    /** The server failed while carrying out the command (HTTP 500): the same number as {@link ErrorCode#INTERNAL_ERROR}. */
    ADMIN_SERVER_ERROR(ErrorCode.INTERNAL_ERROR.code(), "the server failed while carrying out the command; see the server log");

    private final int status;
    private final String description;

    AdminExitCode(final int status, final String description)
    {
        this.status = status;
        this.description = description;
    }

    /** @return the process exit status. */
    public int status()
    {
        return status;
    }

    /** @return what it means and what to do. */
    public String description()
    {
        return description;
    }

    /**
     * @return 0 for an outcome that was done; for a refusal, the number of the {@link ErrorCode} its
     *         code names (MODEL_INVALID: 22), else {@link #ADMIN_REFUSED}'s.
     */
    public static int exitStatusOf(final AdminOutcome outcome)
    {
        if (outcome.done())
        {
            return 0;
        }
        for (final ErrorCode e : ErrorCode.values())
        {
            if (e.name().equals(outcome.code()))
            {
                return e.code();
            }
        }
        return ADMIN_REFUSED.status;
    }
}
