package dev.rill.ops.alert;

/**
 * Where notifications go: the log, a webhook, a command. Called on the {@code rill-alerts} thread
 * only ({@link AlertDispatcher}), one notification at a time, so a sink may block (a slow webhook
 * holds up the other sinks and the queue, never the telemetry thread or the pipeline).
 */
public interface AlertSink
{
    /** @return a short name for the log and {@code /alerts}: "log", "webhook", "command". */
    String name();

    /**
     * Delivers one notification; retries are the sink's own business.
     *
     * @param notification what to send.
     * @param json         the notification as JSON (UTF-8), the same bytes for every sink.
     * @return whether it was delivered (false after the last retry failed; the sink has logged why).
     */
    boolean send(Notification notification, byte[] json);
}
