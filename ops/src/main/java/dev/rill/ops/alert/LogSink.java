package dev.rill.ops.alert;

/**
 * Writes one WARNING line per notification to the server log, e.g.
 * {@code alert FIRING slo-latency/latency-5ms (page): ...; runbook ops/runbooks/slo-latency.md}.
 * On by default ({@code alerts.sinks.log.enabled}). Thread: the alerts thread.
 */
public final class LogSink implements AlertSink
{
    private static final System.Logger LOG = System.getLogger(LogSink.class.getName());

    @Override
    public String name()
    {
        return "log";
    }

    @Override
    public boolean send(final Notification n, final byte[] json)
    {
        LOG.log(System.Logger.Level.WARNING, line(n));
        return true;
    }

    /** @return the log line of a notification. */
    public static String line(final Notification n)
    {
        final String state = Notification.RESOLVED.equals(n.state()) ? "RESOLVED" : n.reminder() ? "STILL FIRING (since " + n.since() + ")" :
            "FIRING";
        return "alert " + state + " " + n.key() + " (" + n.severity() + "): " + n.summary() + "; runbook " + n.runbook();
    }
}
