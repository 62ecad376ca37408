package dev.rill.ops.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code rill serve} running as its own JVM, started with the flags the {@code rill} launcher
 * uses and the class path of this JVM; its output goes to a log file and is watched for the
 * "serving on" and "recovered in" lines.
 */
public final class ServerProcess
{
    /** The JVM flags Chronicle Queue needs, as in rill.jar's manifest and the launcher. */
    static final List<String> JVM_FLAGS = List.of(
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true",
        "-Dchronicle.announcer.disable=true",
        "-XX:+IgnoreUnrecognizedVMOptions",
        "--enable-native-access=ALL-UNNAMED");

    private static final Pattern RECOVERED = Pattern.compile("recovered in (\\d+) ms: (.*)");

    private final Process process;
    private final CompletableFuture<Void> serving = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();
    private volatile long servingNanos;
    private volatile long recoveryMillis = -1;
    private volatile String recoveryLine = "";

    private ServerProcess(final Process process, final Path log)
    {
        this.process = process;
        final Thread pump = new Thread(() -> pump(log), "rill-soak-server-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code rill serve --config config} and returns once it serves (or throws). */
    public static ServerProcess start(final Path config, final Path log, final long timeoutMillis) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.rill.ops.cli.RillCommand");
        command.add("serve");
        command.add("--config");
        command.add(config.toString());
        command.add("--stats-interval");
        command.add("0");
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // If this JVM is stopped (Ctrl-C, a killed test run), take the server with it.
        final Thread reaper = new Thread(p::destroyForcibly, "rill-soak-reaper-" + p.pid());
        Runtime.getRuntime().addShutdownHook(reaper);
        p.onExit().thenRun(() ->
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(reaper);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // the hook runs anyway; destroying an exited process is harmless
            }
        });
        final ServerProcess server = new ServerProcess(p, log);
        try
        {
            server.serving.get(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        catch (final Exception e)
        {
            server.kill();
            throw new IOException("rill serve did not start within " + timeoutMillis + " ms (exit " +
                (p.isAlive() ? "none, killed" : String.valueOf(p.exitValue())) + "); see " + log, e);
        }
        return server;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or checkpointed. */
    public void kill()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM: the server drains, acknowledges and checkpoints, then exits. */
    public int stop() throws InterruptedException
    {
        process.toHandle().destroy(); // not Process.destroy(), which also closes our end of its output
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    public long pid()
    {
        return process.pid();
    }

    /** @return milliseconds from process start to "serving on" (JVM start, model load, recovery). */
    long startMillis()
    {
        return TimeUnit.NANOSECONDS.toMillis(servingNanos - startNanos);
    }

    /** @return what the server reported as its recovery time, -1 if it did not. */
    long recoveryMillis()
    {
        return recoveryMillis;
    }

    String recoveryLine()
    {
        return recoveryLine;
    }

    private void pump(final Path log)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                writer.println(line);
                writer.flush();
                final Matcher m = RECOVERED.matcher(line);
                if (m.find())
                {
                    recoveryMillis = Long.parseLong(m.group(1));
                    recoveryLine = m.group(0);
                }
                if (line.contains("rill: serving on"))
                {
                    servingNanos = System.nanoTime();
                    serving.complete(null);
                }
            }
        }
        catch (final IOException e)
        {
            // the process is gone
        }
        serving.completeExceptionally(new IOException("server output ended before it was serving"));
    }
}
