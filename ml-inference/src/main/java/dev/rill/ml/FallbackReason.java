package dev.rill.ml;

/** Why an event was given a fallback score (the previous model's, or the configured default). */
public enum FallbackReason
{
    /** The configured model could not be loaded at start; the server runs on its fallback. */
    LOAD_FAILURE,
    /** The model's run failed (ONNX Runtime error, for example a shape mismatch). */
    INFERENCE_ERROR,
    /** The model returned NaN or infinity for the event. */
    NON_FINITE,
    /** The model's run went over the batch time budget and was ended (or the model is suspended after repeated overruns). */
    OVER_BUDGET
}
