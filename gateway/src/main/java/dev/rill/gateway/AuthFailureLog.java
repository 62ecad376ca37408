package dev.rill.gateway;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs refused Hello tokens to standard error without letting a flood of bad connections flood
 * the log: the first refusal, then at most one line every {@value #INTERVAL_SECONDS} s with the
 * number refused since the last line. A line names the peer address and the producer id, never the
 * token (or any part of it) that was sent.
 *
 * <p>Any event loop may call it; a lost race only makes one line more or less.
 */
final class AuthFailureLog
{
    private static final long INTERVAL_SECONDS = 10;
    private static final long INTERVAL_NANOS = INTERVAL_SECONDS * 1_000_000_000L;

    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong logged = new AtomicLong();
    private volatile long lastLineNanos;

    void failed(final SocketAddress peer, final long producerId)
    {
        final long n = refused.incrementAndGet();
        final long now = System.nanoTime();
        final long previous = logged.get();
        if (previous == 0 || now - lastLineNanos >= INTERVAL_NANOS)
        {
            if (logged.compareAndSet(previous, n))
            {
                lastLineNanos = now;
                System.err.println("rill gateway: refused a Hello from " + peer + " (producer id " + producerId +
                    "): missing, unknown or revoked token (AUTHENTICATION_FAILED); " + (n - previous) +
                    " refused since the last such line");
            }
        }
    }
}
