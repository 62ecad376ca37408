package dev.rill.gateway;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.NamedPosition;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One subscriber's stream: a reader of journal "out" at the subscriber's own position, drained on
 * the subscriber's event loop whenever results are published and the channel is writable.
 *
 * <p>A slow subscriber never slows the pipeline or other subscribers: it simply reads the journal
 * later. The reader is created, used and closed on the channel's event loop only; {@link #wake()}
 * may be called from any thread.
 *
 * <p>Results flagged REPLY_ONLY are read (and count as read for Commit and lag) but not sent.
 *
 * <p>A damaged record in "out" ends this subscription with an Error (INTERNAL_ERROR, naming the
 * file, index and reason) after the Results before it: it is never sent and never skipped.
 * <p>A named subscription also holds its {@link NamedPosition}: the connection's Commits move it,
 * from the same event loop.
 *
 * <p>With {@code gateway.subscriberMaxLag} set, a subscription further behind the end of "out"
 * than that is ended ({@link #closeTooSlow(String)}): Error {@code SUBSCRIBER_TOO_SLOW} after what
 * was already queued, then close; if the peer does not read even that within
 * {@value #TOO_SLOW_GRACE_SECONDS} s, the connection is closed without it.
 *
 * <p>The pipeline wakes subscriptions when it publishes; Results appended to "out" by another
 * process ({@code rill replay publish}: corrections) wake nobody, so a subscription that has read
 * to the end looks again every {@value #IDLE_POLL_MILLIS} ms: one timer per subscription, one
 * tailer read at the end of the journal each time.
 */
final class Subscription implements JournalReader.RecordHandler
{
    private static final int DRAIN_BUDGET = 1024;
    private static final int BATCH_BYTES = 64 * 1024;
    /** How often a subscription at the end of "out" looks for Results another process appended. */
    static final long IDLE_POLL_MILLIS = 100;
    /** How long a too-slow subscriber has to read its Error before the connection is closed regardless. */
    static final long TOO_SLOW_GRACE_SECONDS = 10;

    private final Channel channel;
    private final Journal out;
    private final JournalReader reader;
    private final byte[] topicFilter;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean tooSlow = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Runnable idlePoll = this::idlePoll;
    private boolean idlePollScheduled;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private ByteBuf batch;
    private long delivered;
    private long lastReadIndex = Journal.NO_INDEX;
    private NamedPosition position;
    private boolean closed;
    private volatile long readUpTo = Journal.NO_INDEX; // the reader's next index, published once per drain

    /**
     * @param topicFilter UTF-8 topic to deliver, or empty for every topic.
     */
    Subscription(final Channel channel, final Journal out, final byte[] topicFilter)
    {
        this.channel = channel;
        this.out = out;
        this.reader = out.newReader();
        this.topicFilter = topicFilter;
    }

    JournalReader reader()
    {
        return reader;
    }

    /** Makes this a named subscription; event loop. */
    void position(final NamedPosition position)
    {
        this.position = position;
    }

    /** @return the named position, or null for an unnamed subscription. */
    NamedPosition position()
    {
        return position;
    }

    /** @return the highest out index this subscription has read (sent, or skipped by its topic filter). Event loop. */
    long lastReadIndex()
    {
        return lastReadIndex;
    }

    /**
     * Records of "out" this subscription has not read yet: from its reader's position (as of its
     * last drain) to the end of the journal. Any thread; counting may open files when the two are
     * in different roll cycles, so call it from a monitoring thread, not the event loop.
     */
    long lag()
    {
        final long next = readUpTo;
        return next == Journal.NO_INDEX ? 0 : out.recordsFrom(next);
    }

    /** Schedules a drain on the channel's event loop unless one is pending. Any thread. */
    void wake()
    {
        if (!drainScheduled.getAndSet(true))
        {
            channel.eventLoop().execute(drainTask);
        }
    }

    /** Results sent so far. */
    long delivered()
    {
        return delivered;
    }

    /** Sends results until the journal's end, the channel's write buffer is full, or the budget is spent. */
    void drain()
    {
        drainScheduled.set(false);
        if (closed)
        {
            return;
        }
        int sent = 0;
        while (channel.isWritable() && sent < DRAIN_BUDGET)
        {
            final int read;
            try
            {
                read = reader.poll(this, 64);
            }
            catch (final RuntimeException e)
            {
                failed(e);
                return;
            }
            if (read == 0)
            {
                scheduleIdlePoll();
                break;
            }
            sent += read;
        }
        if (batch != null)
        {
            channel.write(batch, channel.voidPromise());
            batch = null;
        }
        channel.flush();
        readUpTo = reader.nextIndex();
        if (sent >= DRAIN_BUDGET)
        {
            wake(); // let other channels on this loop run, then go on
        }
    }

    /** At the end of "out": look again later, for Results no wake announces. Event loop. */
    private void scheduleIdlePoll()
    {
        if (!idlePollScheduled)
        {
            idlePollScheduled = true;
            channel.eventLoop().schedule(idlePoll, IDLE_POLL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void idlePoll()
    {
        idlePollScheduled = false;
        drain();
    }

    @Override
    public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        lastReadIndex = index;
        if (topicFilter.length > 0 && !topicMatches(buffer, offset))
        {
            return;
        }
        if ((buffer.getByte(offset + MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.flagsEncodingOffset()) & EventSlot.FLAG_REPLY_ONLY) != 0)
        {
            return; // its producer asked for it as a Reply only: journaled, not streamed (docs/protocol.md §7.7)
        }
        if (batch != null && batch.writableBytes() < FrameDecoder.LENGTH_FIELD + length)
        {
            channel.write(batch, channel.voidPromise());
            batch = null;
        }
        if (batch == null)
        {
            batch = FrameWriter.allocate(channel.alloc(), Math.max(BATCH_BYTES, FrameDecoder.LENGTH_FIELD + length));
        }
        final int start = batch.writerIndex();
        batch.writeIntLE(length);
        FrameWriter.wrap(view, batch, start + FrameDecoder.LENGTH_FIELD, length);
        view.putBytes(0, buffer, offset, length);
        view.putLong(MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.outIndexEncodingOffset(), index, ResultDecoder.BYTE_ORDER);
        batch.writerIndex(start + FrameDecoder.LENGTH_FIELD + length);
        delivered++;
    }

    /**
     * The journal cannot be read past here: a damaged record (the reader stays on it, so every
     * later drain would fail again, each wake logging it) or an unreadable file. Sends the
     * Results before it, then an Error saying why, and closes this connection; other
     * subscribers and producers carry on.
     */
    private void failed(final RuntimeException e)
    {
        closed = true;
        if (batch != null)
        {
            channel.write(batch, channel.voidPromise());
            batch = null;
        }
        channel.writeAndFlush(new FrameWriter().error(channel.alloc(), ErrorCode.INTERNAL_ERROR,
            "cannot deliver Results past journal out index " + reader.nextIndex() + ": " + e.getMessage()))
            .addListener(ChannelFutureListener.CLOSE);
    }

    /** @return true the first time only: this subscription is to be closed as too slow. Any thread. */
    boolean markTooSlow()
    {
        return !tooSlow.getAndSet(true);
    }

    /**
     * Stops streaming and ends the connection with Error SUBSCRIBER_TOO_SLOW. Any thread: the work
     * runs on the channel's event loop.
     */
    void closeTooSlow(final String message)
    {
        channel.eventLoop().execute(() ->
        {
            if (closed || !channel.isActive())
            {
                return;
            }
            closed = true; // no more drains: the Error is the last frame
            if (batch != null)
            {
                channel.write(batch, channel.voidPromise());
                batch = null;
            }
            channel.writeAndFlush(new FrameWriter().error(channel.alloc(), ErrorCode.SUBSCRIBER_TOO_SLOW, message))
                .addListener(ChannelFutureListener.CLOSE);
            channel.config().setAutoRead(false);
            // A peer that reads nothing would never take the Error: do not keep its buffers for ever.
            channel.eventLoop().schedule(() -> { channel.close(); }, TOO_SLOW_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        });
    }

    /** Closes the reader; call on the channel's event loop. */
    void close()
    {
        closed = true;
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
        reader.close();
    }

    private boolean topicMatches(final DirectBuffer buffer, final int offset)
    {
        // The topic is the first var-data field, right after the block; the block length comes from
        // the record's own header, so records written by other schema versions match too.
        final int topicOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH +
            (buffer.getShort(offset, ResultDecoder.BYTE_ORDER) & 0xFFFF);
        final int length = buffer.getShort(topicOffset, ResultDecoder.BYTE_ORDER) & 0xFFFF;
        if (length != topicFilter.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(topicOffset + 2 + i) != topicFilter[i])
            {
                return false;
            }
        }
        return true;
    }
}
