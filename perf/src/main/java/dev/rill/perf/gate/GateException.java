package dev.rill.perf.gate;

/**
 * A usage or setup error of the regression gate (no suite or baseline file, a benchmark the jar does
 * not have, a figure with no score): the gate prints the message on one line and exits 2. The message
 * says what was wrong and what to do.
 */
public final class GateException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and what to do. */
    public GateException(final String message)
    {
        super(message);
    }

    /** @param message what was wrong and what to do; {@code cause} kept for a debugger, never printed. */
    public GateException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
