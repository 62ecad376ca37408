package dev.rill.perf;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.ReplyDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ReplyListener;
import org.HdrHistogram.Histogram;

/**
 * The Acks, Nacks and Replies of one producer connection of a load run, and the latency histograms
 * they feed: each measured event's Ack (or, in reply mode, Reply) time minus its send time from the
 * connection's {@link SendTimeRing}.
 *
 * <p>Threading: {@link #onAck}, {@link #onReply}, {@link #onNack} run on the connection's I/O thread,
 * which alone writes the histograms and counters. The sending thread calls {@link #startPhase} only
 * while nothing is in flight (before the first send, or after every event was acknowledged), and
 * reads the histograms only after {@code awaitAllAcknowledged} (the client's window semaphore orders
 * the I/O thread's writes before it). Allocates nothing per event.
 */
final class AckRecorder implements AckListener, ReplyListener
{
    /** Latencies above a minute are recorded as a minute. */
    static final long HIGHEST_NANOS = 60_000_000_000L;

    final boolean replyMode;
    private final SendTimeRing ring;
    private final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
    private final Histogram ackHistogram = new Histogram(HIGHEST_NANOS, 3);
    private final LoadGenerator.LatencySink sink;
    private volatile long measureFrom;
    private volatile long measureUntil;
    private volatile long replies;
    private volatile long acked;
    private volatile long measuredAcked;
    private volatile long ackedInPeriod;
    private volatile long nacked;
    private volatile String error;

    AckRecorder(final SendTimeRing ring, final LoadGenerator.LatencySink sink, final boolean replyMode)
    {
        this.ring = ring;
        this.sink = sink;
        this.replyMode = replyMode;
    }

    /**
     * Sending thread, with nothing in flight: clears the histograms and per-phase counts and
     * measures events sent (and acks arriving) in {@code [from, until)} from now on.
     */
    void startPhase(final long from, final long until)
    {
        histogram.reset();
        ackHistogram.reset();
        measuredAcked = 0;
        ackedInPeriod = 0;
        measureFrom = from;
        measureUntil = until;
    }

    /** Sending thread, before sending seq. */
    void sendTime(final long seq, final long nanos)
    {
        ring.put(seq, nanos);
    }

    @Override
    public void onReply(final ReplyDecoder reply)
    {
        replies++;
        if (replyMode)
        {
            record(reply.seq(), System.nanoTime());
        }
    }

    @Override
    public void onAck(final long seq)
    {
        final long now = System.nanoTime();
        if (!replyMode)
        {
            record(seq, now);
        }
        else
        {
            final long sendTime = ring.sendTime(seq);
            if (sendTime - measureFrom >= 0 && sendTime - measureUntil < 0)
            {
                ackHistogram.recordValue(Math.min(Math.max(0, now - sendTime), HIGHEST_NANOS));
            }
        }
        if (now - measureFrom >= 0 && now - measureUntil < 0)
        {
            ackedInPeriod++;
        }
        acked++;
    }

    private void record(final long seq, final long now)
    {
        final long sendTime = ring.sendTime(seq);
        if (sendTime - measureFrom >= 0 && sendTime - measureUntil < 0)
        {
            final long latency = Math.min(Math.max(0, now - sendTime), HIGHEST_NANOS);
            histogram.recordValue(latency);
            if (sink != null)
            {
                sink.record(sendTime, latency);
            }
            measuredAcked++;
        }
    }

    @Override
    public void onNack(final long seq, final ErrorCode code, final String message)
    {
        if (nacked++ == 0)
        {
            System.err.println("load-generator: first refusal: seq " + seq + " " + code + ": " + message);
        }
    }

    @Override
    public void onError(final ErrorCode code, final String message)
    {
        error = code + ": " + message;
        System.err.println("load-generator: server closed the connection: " + error);
    }

    long replies()
    {
        return replies;
    }

    /** @return events acknowledged since the connection opened. */
    long acked()
    {
        return acked;
    }

    /** @return events of this phase sent in the measured period and acknowledged (reply mode: answered). */
    long measuredAcked()
    {
        return measuredAcked;
    }

    /** @return acknowledgements that arrived in this phase's measured period, whenever their events were sent. */
    long ackedInPeriod()
    {
        return ackedInPeriod;
    }

    long nacked()
    {
        return nacked;
    }

    /** Reply mode: the Acks of the measured events; read as {@link #histogram()}. */
    Histogram ackHistogram()
    {
        return ackHistogram;
    }

    /** This phase's latencies; read only after every event was acknowledged. */
    Histogram histogram()
    {
        return histogram;
    }
}
