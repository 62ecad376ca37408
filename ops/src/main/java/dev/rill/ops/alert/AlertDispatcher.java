package dev.rill.ops.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Hands notifications to the sinks on one thread of its own, {@code rill-alerts}, so that a slow
 * webhook or command never blocks the telemetry thread (nor, through it, the SLO figures). The
 * telemetry thread {@link #accept}s a notification into a bounded queue; when the queue is full
 * the oldest waiting notification is dropped, counted ({@link #dropped()}) and logged. The
 * thread serialises each notification to JSON once and gives it to every sink in turn; it blocks
 * in {@code take()} while there is nothing to send (no polling).
 *
 * <p>{@link #close()} lets the thread send what is queued, for up to 10 s, then interrupts it.
 * Notifications accepted after close are dropped silently (the server is stopping).
 *
 * <p>Allocation: the JSON of each notification (a few hundred bytes), on the alerts thread.
 */
public final class AlertDispatcher implements Consumer<Notification>, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(AlertDispatcher.class.getName());
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Notification STOP = new Notification("", "", Severity.INFO, "", false, "", "", "", null, "", "");

    private final List<AlertSink> sinks;
    private final BlockingQueue<Notification> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param sinks    the sinks, in the order each notification is given to them.
     * @param capacity notifications that may wait; at least 1.
     */
    public AlertDispatcher(final List<AlertSink> sinks, final int capacity)
    {
        this.sinks = List.copyOf(sinks);
        this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity) + 1); // + 1: room for the stop marker
        this.thread = new Thread(this::run, "rill-alerts");
        thread.setDaemon(true);
    }

    /** Starts the alerts thread. */
    public AlertDispatcher start()
    {
        thread.start();
        return this;
    }

    /** @return the sinks' names, in order. */
    public List<String> sinkNames()
    {
        final List<String> names = new ArrayList<>();
        for (final AlertSink s : sinks)
        {
            names.add(s.name());
        }
        return names;
    }

    /** Queues a notification for the sinks; never blocks. The telemetry thread. */
    @Override
    public void accept(final Notification n)
    {
        if (closed)
        {
            return;
        }
        while (queue.remainingCapacity() <= 1 || !queue.offer(n))
        {
            final Notification oldest = queue.poll();
            if (oldest != null)
            {
                final long count = dropped.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "alerts: the notification queue is full (the sinks are slow or failing): " +
                    "dropped the oldest notification, " + oldest.key() + " " + oldest.state() + " at " + oldest.time() + "; " + count +
                    " dropped since start. Every notification is still in the history of /alerts; check the sinks");
            }
        }
    }

    /** @return notifications dropped because the queue was full. Any thread. */
    public long dropped()
    {
        return dropped.get();
    }

    /** @return deliveries that succeeded (one per notification and sink). Any thread. */
    public long delivered()
    {
        return delivered.get();
    }

    /** @return deliveries that failed after the sink's retries. Any thread. */
    public long failed()
    {
        return failed.get();
    }

    /** @return notifications waiting for the sinks. Any thread. */
    public int queued()
    {
        return queue.size();
    }

    private void run()
    {
        while (true)
        {
            final Notification n;
            try
            {
                n = queue.take();
            }
            catch (final InterruptedException e)
            {
                return;
            }
            if (n == STOP)
            {
                return;
            }
            final byte[] json;
            try
            {
                json = JSON.writeValueAsBytes(n);
            }
            catch (final JsonProcessingException e)
            {
                LOG.log(System.Logger.Level.ERROR, "alerts: cannot write the notification of " + n.key() + " as JSON", e);
                continue;
            }
            for (final AlertSink sink : sinks)
            {
                boolean ok;
                try
                {
                    ok = sink.send(n, json);
                }
                catch (final RuntimeException e)
                {
                    LOG.log(System.Logger.Level.ERROR, "alerts: the " + sink.name() + " sink failed on " + n.key() + "; the others go on", e);
                    ok = false;
                }
                (ok ? delivered : failed).incrementAndGet();
            }
        }
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (!thread.isAlive())
        {
            return;
        }
        while (!queue.offer(STOP))
        {
            queue.poll(); // make room for the marker: we are stopping
        }
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive())
            {
                LOG.log(System.Logger.Level.WARNING, "alerts: the sinks are still busy after 10 s at shutdown; " + queue.size() +
                    " notifications not sent");
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
        catch (final InterruptedException e)
        {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
