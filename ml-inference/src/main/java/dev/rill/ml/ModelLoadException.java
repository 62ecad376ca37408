package dev.rill.ml;

import dev.rill.bus.ErrorCode;

/**
 * A model directory cannot be used: a file is missing, {@code model.json} does not parse or is
 * inconsistent, {@code model.onnx} does not match its checksum, or the ONNX graph's inputs and
 * outputs differ from what {@code model.json} declares.
 *
 * <p>The message names the directory, what was wrong and what to do; {@link #errorCode()} is
 * {@link ErrorCode#MODEL_INVALID} so the {@code rill} command can exit with it.
 */
public final class ModelLoadException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ModelLoadException(final String message)
    {
        super(message);
    }

    public ModelLoadException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /** @return the error code the operator tools report for this failure. */
    public ErrorCode errorCode()
    {
        return ErrorCode.MODEL_INVALID;
    }
}
