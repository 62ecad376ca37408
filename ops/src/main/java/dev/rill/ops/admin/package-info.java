/**
 * The admin channel: how {@code rill model deploy|shadow|rollback|status} reach a running bus.
 *
 * <p>{@link dev.rill.ops.admin.AdminServer} serves a small JSON-over-HTTP API on loopback,
 * authenticated by the bearer token of {@link dev.rill.ops.admin.AdminToken}, and acts through
 * {@link dev.rill.ops.admin.ModelAdmin}, which the server assembly implements;
 * {@link dev.rill.ops.admin.AdminClient} is the same interface seen from the command line.
 * {@link dev.rill.ops.admin.ModelStatus} and {@link dev.rill.ops.admin.AdminOutcome} are the plain
 * data that crosses it.
 */
package dev.rill.ops.admin;
