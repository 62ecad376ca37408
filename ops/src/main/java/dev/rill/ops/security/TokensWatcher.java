package dev.rill.ops.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.rill.bus.ConfigException;
import dev.rill.gateway.auth.AccessPolicy;
import dev.rill.ops.telemetry.TelemetryListener;
import dev.rill.ops.telemetry.TelemetryTick;

/**
 * Keeps the gateway's {@link AccessPolicy} in step with the tokens file, without a restart: read
 * once at start (a bad file then stops the server), then looked at on every telemetry tick (once
 * a second, on the telemetry thread: one {@code stat}, and a read only when the modification time
 * or size changed). A new valid file replaces the policy for every later Hello; an invalid one is
 * ignored, the previous policy stays, and one line says why ({@link #reloadFailures()} counts them),
 * so a half-written or mistyped file never locks clients out.
 *
 * <p>Thread: {@link #onTick} on the telemetry thread; the counters from any thread.
 */
public final class TokensWatcher implements TelemetryListener
{
    private static final System.Logger LOG = System.getLogger(TokensWatcher.class.getName());

    private final Path file;
    private final Consumer<AccessPolicy> apply;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private volatile AccessPolicy current;
    private long seenModified;
    private long seenSize;
    private boolean lastFailed;

    private TokensWatcher(final Path file, final Consumer<AccessPolicy> apply)
    {
        this.file = file;
        this.apply = apply;
    }

    /**
     * Reads the file and applies its policy.
     *
     * @param file  the tokens file ({@code gateway.auth.tokensFile}).
     * @param apply where each new policy goes (the gateway).
     * @throws ConfigException naming {@code gateway.auth.tokensFile} when the file cannot be used.
     */
    public static TokensWatcher start(final Path file, final Consumer<AccessPolicy> apply)
    {
        final TokensWatcher w = new TokensWatcher(Objects.requireNonNull(file, "file"), Objects.requireNonNull(apply, "apply"));
        final long[] stamp = w.stamp();
        try
        {
            w.install(TokensFile.read(file));
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException("gateway.auth.tokensFile: " + e.getMessage());
        }
        w.seenModified = stamp[0];
        w.seenSize = stamp[1];
        LOG.log(System.Logger.Level.INFO, "gateway auth: " + w.current.principals() + " principals, " + w.current.tokens() +
            " token hashes from " + file);
        return w;
    }

    @Override
    public void onTick(final TelemetryTick tick)
    {
        checkNow();
    }

    /** Reloads the file if it changed since it was last looked at. Telemetry thread (or a test, instead of it). */
    void checkNow()
    {
        final long[] stamp = stamp();
        if (stamp[0] == seenModified && stamp[1] == seenSize)
        {
            return;
        }
        seenModified = stamp[0];
        seenSize = stamp[1];
        try
        {
            install(TokensFile.read(file));
            reloads.incrementAndGet();
            lastFailed = false;
            LOG.log(System.Logger.Level.INFO, "gateway auth: reloaded " + file + ": " + current.principals() + " principals, " +
                current.tokens() + " token hashes; they apply from the next Hello");
        }
        catch (final IllegalArgumentException e)
        {
            reloadFailures.incrementAndGet();
            if (!lastFailed)
            {
                LOG.log(System.Logger.Level.WARNING, "gateway auth: the changed tokens file is not used, the previous one stays in " +
                    "force: " + e.getMessage());
            }
            lastFailed = true;
        }
    }

    private void install(final AccessPolicy policy)
    {
        current = policy;
        apply.accept(policy);
    }

    /** @return {modified time in ns, size}, or {-1, -1} when the file cannot be looked at. */
    private long[] stamp()
    {
        try
        {
            final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new long[] {a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size()};
        }
        catch (final IOException e)
        {
            return new long[] {-1, -1};
        }
    }

    /** @return the policy in force. */
    public AccessPolicy policy()
    {
        return current;
    }

    /** @return how often a changed file was loaded since start. */
    public long reloads()
    {
        return reloads.get();
    }

    /** @return how often a changed file was refused (the previous policy kept) since start. */
    public long reloadFailures()
    {
        return reloadFailures.get();
    }
}
