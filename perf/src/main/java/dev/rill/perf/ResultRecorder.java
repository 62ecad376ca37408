package dev.rill.perf;

import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.ResultHandler;
import org.HdrHistogram.Histogram;

/**
 * Producer to subscriber latency of a load run: for each Result streamed to the run's subscriber,
 * its arrival time minus the (intended) send time of its event, found by the Result's producer id
 * (which connection) and seq (which slot of that connection's {@link SendTimeRing}).
 *
 * <p>Counts every Result of the run's producers once ({@link #matched()}), those seen twice
 * ({@link #repeated()}), those of other producers ({@link #foreign()}) and those whose event is no
 * longer in its ring ({@link #unknown()}). Only events sent in the measured period are recorded in
 * the histogram: Results of warm-up events are counted, not measured.
 *
 * <p>Threading: {@link #onResult} runs on the subscriber's I/O thread, which alone writes the
 * histogram and counters; it records before it counts, so a reader that sees {@link #matched()}
 * reach a number sees the histogram of those Results. {@link #startPhase} runs on the sending thread
 * when every Result of the previous phase was matched. Allocates nothing per Result.
 */
final class ResultRecorder implements ResultHandler
{
    private final long baseProducerId;
    private final SendTimeRing[] rings;
    private final Histogram histogram = new Histogram(AckRecorder.HIGHEST_NANOS, 3);
    private volatile long measureFrom;
    private volatile long measureUntil;
    private volatile long matched;
    private volatile long measured;
    private volatile long repeated;
    private volatile long foreign;
    private volatile long unknown;

    /** @param rings the send times of producer ids {@code baseProducerId}, {@code baseProducerId + 1}, ... */
    ResultRecorder(final long baseProducerId, final SendTimeRing[] rings)
    {
        this.baseProducerId = baseProducerId;
        this.rings = rings.clone();
    }

    /** Sending thread, once every Result of the last phase was matched: clear and measure {@code [from, until)}. */
    void startPhase(final long from, final long until)
    {
        histogram.reset();
        measured = 0;
        measureFrom = from;
        measureUntil = until; // volatile write last: the I/O thread reads it before it records
    }

    @Override
    public void onResult(final ResultDecoder result)
    {
        final long now = System.nanoTime();
        final long index = result.producerId() - baseProducerId;
        if (index < 0 || index >= rings.length)
        {
            foreign++;
            return;
        }
        final SendTimeRing ring = rings[(int)index];
        switch (ring.claim(result.seq()))
        {
            case SendTimeRing.CLAIMED ->
            {
                final long sent = ring.claimedNanos();
                final long until = measureUntil;
                if (sent - measureFrom >= 0 && sent - until < 0)
                {
                    histogram.recordValue(Math.min(Math.max(0, now - sent), AckRecorder.HIGHEST_NANOS));
                    measured++;
                }
                matched++;
            }
            case SendTimeRing.REPEATED -> repeated++;
            default -> unknown++;
        }
    }

    /** @return Results of the run's events seen (each event once). */
    long matched()
    {
        return matched;
    }

    /** @return Results recorded in this phase's histogram. */
    long measured()
    {
        return measured;
    }

    /** @return Results seen again for an event whose Result was already seen. */
    long repeated()
    {
        return repeated;
    }

    /** @return Results of producers not in this run (another client, or an earlier run on the server). */
    long foreign()
    {
        return foreign;
    }

    /** @return Results of this run's producers whose event was not (or no longer) in its ring. */
    long unknown()
    {
        return unknown;
    }

    /** This phase's latencies; read after {@link #matched()} reached the phase's acknowledged count. */
    Histogram histogram()
    {
        return histogram;
    }
}
