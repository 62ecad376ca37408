package dev.rill.ops.train;

import dev.rill.bus.ErrorCode;

/**
 * The journal, the options or a model's {@code training} section do not give the labelled events
 * a training run or a deployment gate needs: no labelled event in a range, ranges that overlap or
 * are reversed, a label topic or field the configuration does not have, a damaged journal. The
 * message says what was found and what to do; {@link #errorCode()} is the {@code rill} exit status.
 */
public final class TrainingDataException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    /**
     * @param errorCode what the {@code rill} command exits with.
     * @param message   what was wrong and what to do.
     */
    public TrainingDataException(final ErrorCode errorCode, final String message)
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
