package dev.rill.ml.train;

/**
 * A model cannot be trained from the rows given, or the trained model does not survive its own
 * checks (its ONNX export scores differently from Tribuo). The message says what was wrong and
 * what to do. Nothing is left in the output directory.
 */
public final class ModelTrainingException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ModelTrainingException(final String message)
    {
        super(message);
    }

    public ModelTrainingException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
