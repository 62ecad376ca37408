package dev.rill.ops.admin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of the bus side of the admin channel: answers with preset outcomes and status, and
 * records every call with its arguments (as "deploy fraud 2 false"). Thread-safe: the admin
 * thread calls it, the test reads it.
 */
public final class RecordingModelAdmin implements ModelAdmin
{
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile ModelStatus status = sampleStatus();
    private volatile AdminOutcome next;
    private volatile RuntimeException failure;

    /** @return a status with a distinct value in every field, so each can be found in output. */
    public static ModelStatus sampleStatus()
    {
        return new ModelStatus(
            new ModelStatus.ActiveModel("fraud", 2, "/srv/rill/models/fraud/2", 1_764_150_000_123L, 1_234_567L,
                new ModelStatus.Fallbacks(11, 22, 33, 44)),
            new ModelStatus.ModelRef("fraud", 1),
            "previous version fraud/1",
            new ModelStatus.Shadow("fraud", 3, 98_765L, 432L, 0.0123, 0.0456, 0.789, 17, 29, 0.625, 0.9953, 141, 377),
            new ModelStatus.BatchSizes(54_321L, 12.5, 9, 118, 127, 128, 750, 6),
            List.of(new ModelStatus.FeatureDrift("amount", 0.031, "stable"),
                new ModelStatus.FeatureDrift("distance_from_home_km", 0.274, "shifted")),
            0.142);
    }

    /** Makes every later command answer {@code outcome} (null: the default done outcome). */
    public void answer(final AdminOutcome outcome)
    {
        this.next = outcome;
    }

    /** Makes every later call throw {@code failure}. */
    public void fail(final RuntimeException failure)
    {
        this.failure = failure;
    }

    public void status(final ModelStatus status)
    {
        this.status = status;
    }

    /** @return the calls so far, in order. */
    public List<String> calls()
    {
        return List.copyOf(calls);
    }

    @Override
    public ModelStatus status()
    {
        record("status");
        return status;
    }

    @Override
    public AdminOutcome deploy(final String name, final int version, final boolean force)
    {
        record("deploy " + name + " " + version + " " + force);
        return outcome(AdminOutcome.done("DEPLOYED", name + "/" + version + " scores from the next batch"));
    }

    @Override
    public AdminOutcome shadow(final String name, final int version)
    {
        record("shadow " + name + " " + version);
        return outcome(AdminOutcome.done("SHADOW_STARTED", name + "/" + version + " runs in shadow"));
    }

    @Override
    public AdminOutcome stopShadow()
    {
        record("stopShadow");
        return outcome(AdminOutcome.done("SHADOW_STOPPED", "shadow stopped"));
    }

    @Override
    public AdminOutcome rollback()
    {
        record("rollback");
        return outcome(AdminOutcome.done("DEPLOYED", "fraud/1 scores again"));
    }

    private void record(final String call)
    {
        calls.add(call);
        final RuntimeException f = failure;
        if (f != null)
        {
            throw f;
        }
    }

    private AdminOutcome outcome(final AdminOutcome normal)
    {
        final AdminOutcome preset = next;
        return preset != null ? preset : normal;
    }
}
