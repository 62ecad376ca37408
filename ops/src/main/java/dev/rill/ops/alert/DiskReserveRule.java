package dev.rill.ops.alert;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.rill.ops.telemetry.TelemetryTick;

/**
 * {@code disk-full}: the data directory's file system is below {@code journal.diskReserve}, so new
 * events are refused with DISK_FULL (or producers paused). Reads the tick's disk gauge.
 */
public final class DiskReserveRule implements AlertRule
{
    /** The alert's name and runbook. */
    public static final String NAME = "disk-full";

    /**
     * {@code alerts.diskFull}.
     *
     * @param enabled  whether the rule runs.
     * @param severity how urgent (default page: the bus refuses events).
     * @param holdFor  how long it must hold before firing (default 0).
     */
    public record Config(boolean enabled, Severity severity, Duration holdFor)
    {
        public static Config defaults()
        {
            return new Config(true, Severity.PAGE, Duration.ZERO);
        }
    }

    private final Config config;

    public DiskReserveRule(final Config config)
    {
        this.config = config;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public Duration holdFor()
    {
        return config.holdFor();
    }

    @Override
    public void evaluate(final TelemetryTick tick, final Findings findings)
    {
        if (!tick.belowDiskReserve())
        {
            return;
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        values.put("usableBytes", tick.diskUsableBytes());
        values.put("reserveBytes", tick.diskReserveBytes());
        findings.raise("", config.severity(), "free space of the data directory is " + mib(tick.diskUsableBytes()) +
            ", below journal.diskReserve " + mib(tick.diskReserveBytes()) + ": new events are refused (DISK_FULL) or producers paused",
            "Accepted events are still journaled and acknowledged; the bus resumes by itself once space is back above the reserve. " +
            "Find what fills the disk (df, du) and free space.", values);
    }

    private static String mib(final long bytes)
    {
        return bytes < 0 ? "unknown" : (bytes >> 20) + " MiB";
    }
}
