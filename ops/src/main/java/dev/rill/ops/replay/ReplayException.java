package dev.rill.ops.replay;

import dev.rill.bus.ErrorCode;

/**
 * A replay, diff or publish cannot be done as asked: a reversed range, a range outside journal
 * "in", an unknown model version, an output that exists, a replay that did not finish. The message
 * says what was found and what to do; {@link #errorCode()} is the {@code rill} exit status.
 */
public final class ReplayException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /**
     * @param errorCode what the {@code rill} command exits with.
     * @param message   what was wrong and what to do.
     */
    public ReplayException(final ErrorCode errorCode, final String message)
    {
        super(message);
        this.errorCode = errorCode;
    }

    /** @return the error code the operator tools report for this failure. */
    public ErrorCode errorCode()
    {
        return errorCode;
    }
}
