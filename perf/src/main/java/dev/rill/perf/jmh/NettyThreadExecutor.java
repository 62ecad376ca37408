package dev.rill.perf.jmh;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * JMH's worker threads as Netty event-loop threads ({@link FastThreadLocalThread}), for benchmarks
 * of code that runs on an event loop: Netty 4.2's Recycler pools objects (a frame's slice, for
 * one) only on such threads and allocates a new one per use on any other. JMH builds it
 * reflectively when the fork has {@code -Djmh.executor=CUSTOM
 * -Djmh.executor.class=dev.rill.perf.jmh.NettyThreadExecutor} ({@link GatewayDecodeBenchmark}'s
 * {@code @Fork}).
 */
public final class NettyThreadExecutor extends ThreadPoolExecutor
{
    /** The constructor JMH calls: worker count and thread-name prefix. */
    public NettyThreadExecutor(final int maxThreads, final String prefix)
    {
        super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new Factory(prefix));
    }

    private static final class Factory implements java.util.concurrent.ThreadFactory
    {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        Factory(final String prefix)
        {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(final Runnable r)
        {
            final Thread thread = new FastThreadLocalThread(r, prefix + "-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
