package dev.rill.ops.admin;

import java.util.Objects;

/**
 * The answer of a {@link ModelAdmin} command: whether it was done, a stable code, and a sentence
 * for the operator. Plain data, serialised as JSON by the admin channel.
 *
 * @param done    true when the command took effect.
 * @param code    upper-case stable code, e.g. DEPLOYED, SHADOW_STARTED, SHADOW_STOPPED when done;
 *                MODEL_INVALID, REFUSED_BY_GATE, NOTHING_TO_ROLL_BACK, NO_SHADOW when refused. A
 *                refusal whose code names a {@link dev.rill.bus.ErrorCode} makes {@code rill model}
 *                exit with that code's number (MODEL_INVALID: 22).
 * @param message what happened or why not, and for a refusal what to do next.
 */
public record AdminOutcome(boolean done, String code, String message)
{
    public AdminOutcome
    {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** @return an outcome that took effect. */
    public static AdminOutcome done(final String code, final String message)
    {
        return new AdminOutcome(true, code, message);
    }

    /** @return a refusal: nothing changed. */
    public static AdminOutcome refused(final String code, final String message)
    {
        return new AdminOutcome(false, code, message);
    }
}
