package dev.rill.perf;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.ClientTls;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
import org.HdrHistogram.Histogram;

/**
 * The connections of one load run and the sending loop that drives them, one phase at a time: a
 * phase sends at one rate (or saturates) from now for a warm-up plus a measured period, then waits
 * for every Ack and, with a subscriber, every Result, and hands back what the phase measured.
 * {@link LoadGenerator} runs one phase; its saturation search runs one per step on the same
 * connections.
 *
 * <p><b>One sending thread for all connections.</b> The rate is split by a single schedule: event i
 * is due at {@code start + i / rate} and goes to connection {@code i % n}, so each connection has its
 * own fixed schedule at {@code rate / n}, offset by {@code k / rate} from the first, and the
 * connections interleave. One thread pacing them is cheaper on a 2-core box than n pacing threads
 * (one timer wake-up per due event instead of n threads parking and waking against each other and
 * against the server), and it can only lose accuracy when one connection's window is full, which
 * the latency from the intended send time already charges to every event it delays. Pacing parks,
 * and yields only in the last 50 µs ({@code --pacing yield}); it never spins.
 *
 * <p>Threading: the constructor and {@link #phase} run on the caller's thread (the sending thread);
 * each connection's Acks arrive on its own client I/O thread ({@link AckRecorder}), the Results on
 * the subscriber's ({@link ResultRecorder}); histograms are merged here only after the phase drained.
 * Allocates the payment pool and the rings once, and the merged histograms once per phase.
 */
final class LoadRun implements AutoCloseable
{
    private static final int PAYMENT_POOL = 4096;
    private static final byte[] TOPIC = RillProducer.topic(FraudFeatures.PAYMENTS_TOPIC);
    private static final int FIELD_COUNT = FraudFeatures.PAYMENT_FIELDS.size();
    private static final long TAIL_NANOS = 30_000_000_000L;

    /** What one phase measured; histograms are fresh copies. */
    record Phase(
        long sent, long measuredSent, long measuredAcked, long ackedInPeriod, double seconds, Histogram latency, Histogram ackLatency,
        Histogram subscriberLatency)
    {
    }

    private final LoadSettings settings;
    private final LoadGenerator.LatencySink sink;
    private final RillProducer[] producers;
    private final AckRecorder[] acks;
    private final ResultRecorder results;
    private final RillSubscriber subscriber;
    private final double[][] payments = new double[PAYMENT_POOL][FIELD_COUNT];
    private final long[] keys = new long[PAYMENT_POOL];
    private final byte options;
    private final long epochOffset;
    private long sent;

    LoadRun(final LoadSettings settings, final LoadGenerator.LatencySink sink)
    {
        this.settings = settings;
        this.sink = sink;
        final int n = settings.connections();
        final boolean replyMode = settings.reply() != LoadSettings.Reply.NONE;
        options = switch (settings.reply())
        {
            case NONE -> 0;
            case REPLY -> RillProducer.REPLY;
            case REPLY_ONLY -> RillProducer.REPLY_ONLY;
        };
        final FraudDataGenerator generator = new FraudDataGenerator(settings.producerId());
        for (int i = 0; i < PAYMENT_POOL; i++)
        {
            generator.next(payments[i]);
            keys[i] = generator.lastCardId();
        }
        final SendTimeRing[] rings = new SendTimeRing[n];
        acks = new AckRecorder[n];
        for (int k = 0; k < n; k++)
        {
            rings[k] = new SendTimeRing(settings.window());
            acks[k] = new AckRecorder(rings[k], sink, replyMode);
        }
        final ClientConfig base = ClientConfig.of(settings.host(), settings.port())
            .withToken(settings.token())
            .withTls(settings.tls() == null ? null : ClientTls.of(settings.tls(), null, null, settings.tlsProvider()));
        producers = new RillProducer[n];
        results = settings.subscribe() ? new ResultRecorder(settings.producerId(), rings) : null;
        try
        {
            // Subscribed from the end of "out" before the first event, so every Result of this run arrives.
            subscriber = results == null ? null : RillSubscriber.subscribe(
                base.withClientName("rill-load-" + settings.label() + "-subscriber"), FraudFeatures.PAYMENTS_TOPIC,
                StartPosition.LATEST, 0, results);
            for (int k = 0; k < n; k++)
            {
                final ClientConfig client = base.withProducer(settings.producerId() + k, 0)
                    .withMaxInFlight(settings.window())
                    .withClientName("rill-load-" + settings.label() + (n == 1 ? "" : "-" + k));
                producers[k] = RillProducer.connect(client, acks[k], acks[k]);
            }
        }
        catch (final RuntimeException e)
        {
            close();
            throw e;
        }
        epochOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    }

    /**
     * Sends for {@code warmupSeconds} plus {@code seconds} from now (rate mode: at {@code rate}, open
     * loop; saturate: window kept full), then waits up to 30 s for the Acks and, with a subscriber, up
     * to {@code resultTailNanos} for the Results of every acknowledged event.
     *
     * @throws IllegalStateException when the server stops acknowledging.
     */
    Phase phase(final LoadSettings.Mode mode, final int rate, final double warmupSeconds, final double seconds, final long resultTailNanos)
        throws InterruptedException
    {
        final long start = System.nanoTime() + 1_000_000;
        final long measureFrom = start + (long)(warmupSeconds * 1e9);
        final long measureUntil = measureFrom + (long)(seconds * 1e9);
        for (final AckRecorder a : acks)
        {
            a.startPhase(measureFrom, measureUntil);
        }
        if (results != null)
        {
            results.startPhase(measureFrom, measureUntil);
        }
        if (sink != null)
        {
            sink.measuring(measureFrom, measureUntil);
        }
        final long giveUpAt = measureUntil + TAIL_NANOS;
        final long sentBefore = sent;
        final int n = producers.length;
        long measuredSent = 0;
        if (mode == LoadSettings.Mode.SATURATE)
        {
            int attempts = 0;
            for (long i = 0; ; )
            {
                final long now = System.nanoTime();
                if (now - measureUntil >= 0)
                {
                    break;
                }
                boolean any = false;
                for (int j = 0; j < n; j++)
                {
                    if (trySend((int)((i + j) % n), i, System.nanoTime()))
                    {
                        any = true;
                        if (now - measureFrom >= 0)
                        {
                            measuredSent++;
                        }
                        i++;
                        break;
                    }
                }
                if (any)
                {
                    attempts = 0;
                }
                else
                {
                    backOff(++attempts, giveUpAt);
                }
            }
        }
        else
        {
            final double intervalNanos = 1e9 / rate;
            final long total = (long)Math.ceil((measureUntil - start) / intervalNanos);
            for (long i = 0; i < total; i++)
            {
                final long sendTime = start + (long)(i * intervalNanos);
                LoadGenerator.awaitTime(sendTime, settings.parkOnly());
                final int k = (int)(i % n);
                int attempts = 0;
                while (!trySend(k, i, sendTime))
                {
                    backOff(++attempts, giveUpAt); // window full: the server is behind
                }
                if (sendTime - measureFrom >= 0 && sendTime - measureUntil < 0)
                {
                    measuredSent++;
                }
            }
        }
        final long phaseSent = sent - sentBefore;
        drain(resultTailNanos);
        long measuredAcked = 0;
        long ackedInPeriod = 0;
        final Histogram latency = new Histogram(AckRecorder.HIGHEST_NANOS, 3);
        final Histogram ackLatency = acks[0].replyMode ? new Histogram(AckRecorder.HIGHEST_NANOS, 3) : null;
        for (final AckRecorder a : acks)
        {
            measuredAcked += a.measuredAcked();
            ackedInPeriod += a.ackedInPeriod();
            latency.add(a.histogram());
            if (ackLatency != null)
            {
                ackLatency.add(a.ackHistogram());
            }
        }
        return new Phase(phaseSent, measuredSent, measuredAcked, ackedInPeriod, seconds, latency, ackLatency,
            results == null ? null : results.histogram().copy());
    }

    private boolean trySend(final int k, final long i, final long sendTime)
    {
        final RillProducer producer = producers[k];
        final int p = (int)(i & (PAYMENT_POOL - 1));
        acks[k].sendTime(producer.nextSeq(), sendTime);
        if (producer.trySend(TOPIC, keys[p], sendTime + epochOffset, payments[p], FIELD_COUNT, options) < 0)
        {
            return false;
        }
        sent++;
        return true;
    }

    /** Yield a little, then park, never spin. */
    private void backOff(final int attempts, final long giveUpAt)
    {
        if (attempts < 16)
        {
            Thread.yield();
            return;
        }
        if (System.nanoTime() - giveUpAt > 0)
        {
            throw new IllegalStateException(settings.label() + ": window stayed full for 30 s past the end; " +
                "the server stopped acknowledging (acked " + acked() + " of " + sent + ")");
        }
        LockSupport.parkNanos(20_000);
    }

    private void drain(final long resultTailNanos) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TAIL_NANOS;
        for (final RillProducer producer : producers)
        {
            if (!producer.awaitAllAcknowledged(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))))
            {
                throw new IllegalStateException(settings.label() + ": " + producer.inFlight() +
                    " events still unacknowledged 30 s after the last send");
            }
        }
        for (final AckRecorder a : acks)
        {
            if (a.replyMode && a.replies() != a.acked())
            {
                throw new IllegalStateException(settings.label() + ": " + a.acked() + " events acknowledged but " +
                    a.replies() + " Replies received (a Reply comes before its Ack)");
            }
        }
        if (results != null)
        {
            final long target = acked();
            final long resultsDeadline = System.nanoTime() + resultTailNanos;
            while (results.matched() < target && System.nanoTime() - resultsDeadline < 0 && subscriber.isOpen())
            {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** @return events sent on every connection so far. */
    long sent()
    {
        return sent;
    }

    /** @return events acknowledged on every connection so far. */
    long acked()
    {
        long total = 0;
        for (final AckRecorder a : acks)
        {
            total += a.acked();
        }
        return total;
    }

    /** @return events refused on every connection so far. */
    long nacked()
    {
        long total = 0;
        for (final AckRecorder a : acks)
        {
            total += a.nacked();
        }
        return total;
    }

    /** @return what the subscriber saw so far, or null without one. */
    LoadReport.Results results()
    {
        return results == null ? null :
            new LoadReport.Results(results.matched(), results.repeated(), results.unknown(), results.foreign());
    }

    @Override
    public void close()
    {
        for (final RillProducer producer : producers)
        {
            if (producer != null)
            {
                producer.close();
            }
        }
        if (subscriber != null)
        {
            subscriber.close();
        }
    }
}
