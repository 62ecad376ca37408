package dev.rill.ops.admin;

/**
 * What the admin channel may ask of a running bus about its model: read the status, deploy a
 * version, run one in shadow, stop the shadow, and roll back. {@code RillServer} implements it;
 * {@link AdminServer} calls it for each authenticated request.
 *
 * <p>Threading: {@link AdminServer} calls these methods on its single admin thread, one call at a
 * time, never on the pipeline thread. An implementation may block (loading a model takes a while)
 * but must not throw for an expected refusal: it answers with an {@link AdminOutcome} whose
 * {@code done} is false and whose code says why. An exception is reported to the caller as an
 * internal error (HTTP 500) and logged with its stack trace on the server.
 */
public interface ModelAdmin
{
    /** @return the model's state now: active and previous versions, counters, shadow, batches, drift. */
    ModelStatus status();

    /**
     * Makes a version of a model the one that scores.
     *
     * @param name    model name, the directory under the registry root (models/NAME/VERSION).
     * @param version version to deploy; 0 means the newest usable version in the registry.
     * @param force   deploy even when a gate (shadow agreement, checks) would refuse it.
     * @return DEPLOYED when done; otherwise a refusal such as MODEL_INVALID or REFUSED_BY_GATE.
     */
    AdminOutcome deploy(String name, int version, boolean force);

    /**
     * Starts scoring with a second version beside the active one, comparing without publishing it.
     *
     * @param version version to shadow; 0 means the newest usable version in the registry.
     * @return SHADOW_STARTED when done; otherwise a refusal such as MODEL_INVALID.
     */
    AdminOutcome shadow(String name, int version);

    /** @return SHADOW_STOPPED when a shadow was stopped; otherwise a refusal such as NO_SHADOW. */
    AdminOutcome stopShadow();

    /** @return DEPLOYED when the version active before the current one is active again; otherwise NOTHING_TO_ROLL_BACK. */
    AdminOutcome rollback();
}
