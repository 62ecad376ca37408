package dev.rill.ops.alert;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.rill.bus.ConfigException;

/**
 * Runs a configured command for each notification: the notification's JSON on its standard
 * input, and the main fields in environment variables ({@code RILL_ALERT_NAME},
 * {@code RILL_ALERT_SUBJECT}, {@code RILL_ALERT_SEVERITY}, {@code RILL_ALERT_STATE},
 * {@code RILL_ALERT_REMINDER}, {@code RILL_ALERT_RUNBOOK}, {@code RILL_ALERT_SUMMARY},
 * {@code RILL_ALERT_TIME}). The command is run directly, not through a shell (give
 * {@code [sh, -c, "..."]} for one); its output goes to the server's standard output and error.
 * Exit status 0 is delivered; another status, or running longer than {@code timeout} (it is then
 * killed), is logged and not retried.
 *
 * <p>Thread: the alerts thread, which waits for the command.
 */
public final class CommandSink implements AlertSink
{
    private static final System.Logger LOG = System.getLogger(CommandSink.class.getName());

    /**
     * {@code alerts.sinks.command}.
     *
     * @param run     the program and its arguments.
     * @param timeout longest run before the command is killed.
     */
    public record Config(List<String> run, Duration timeout)
    {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public Config
        {
            if (run == null || run.isEmpty() || run.get(0) == null || run.get(0).isBlank())
            {
                throw ConfigException.invalid("alerts.sinks.command.run", run, "a program and its arguments, e.g. [/usr/local/bin/notify, --team, rill]");
            }
            run = List.copyOf(run);
            if (timeout == null || timeout.toMillis() < 1)
            {
                throw ConfigException.invalid("alerts.sinks.command.timeout", timeout, "a duration of at least 1ms, e.g. 10s");
            }
        }
    }

    private final Config config;

    public CommandSink(final Config config)
    {
        this.config = config;
    }

    @Override
    public String name()
    {
        return "command";
    }

    @Override
    public boolean send(final Notification n, final byte[] json)
    {
        final ProcessBuilder builder = new ProcessBuilder(config.run())
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        final Map<String, String> env = builder.environment();
        env.put("RILL_ALERT_NAME", n.alert());
        env.put("RILL_ALERT_SUBJECT", n.subject());
        env.put("RILL_ALERT_SEVERITY", n.severity().configName());
        env.put("RILL_ALERT_STATE", n.state());
        env.put("RILL_ALERT_REMINDER", Boolean.toString(n.reminder()));
        env.put("RILL_ALERT_RUNBOOK", n.runbook());
        env.put("RILL_ALERT_SUMMARY", n.summary() == null ? "" : n.summary());
        env.put("RILL_ALERT_TIME", n.time());
        final Process process;
        try
        {
            process = builder.start();
        }
        catch (final IOException e)
        {
            LOG.log(System.Logger.Level.WARNING, "alert command " + config.run().get(0) + " cannot be started for " + n.key() + ": " +
                e.getMessage() + "; check alerts.sinks.command.run (a program path, not a shell line)");
            return false;
        }
        try (OutputStream stdin = process.getOutputStream())
        {
            stdin.write(json);
        }
        catch (final IOException e)
        {
            // The command need not read its input (it may use the environment only) and may have exited already.
        }
        try
        {
            if (!process.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                LOG.log(System.Logger.Level.WARNING, "alert command " + config.run().get(0) + " ran longer than " +
                    config.timeout().toMillis() + " ms for " + n.key() + " and was killed; raise alerts.sinks.command.timeout " +
                    "or make it return sooner");
                return false;
            }
        }
        catch (final InterruptedException e)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
        if (process.exitValue() != 0)
        {
            LOG.log(System.Logger.Level.WARNING, "alert command " + config.run().get(0) + " exited with status " + process.exitValue() +
                " for " + n.key() + "; its output is above in the server's output");
            return false;
        }
        return true;
    }
}
