package dev.rill.gateway;

import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.rill.bus.DeadLetterBuffer;
import dev.rill.bus.DiskFullAction;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.EventRing;
import dev.rill.bus.codec.CommitDecoder;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.HelloDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.PingDecoder;
import dev.rill.bus.codec.ProducerSessionDecoder;
import dev.rill.bus.codec.SubscribeDecoder;
import dev.rill.gateway.auth.Principal;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.agrona.DirectBuffer;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The server side of one TCP connection: Hello, then Events into the ring and/or one Subscribe.
 *
 * <p>The subscriber side (Subscribe, Commit, the Results stream) is the connection's
 * {@link SubscriberSession}.
 *
 * <p>Runs on the channel's event loop, except {@link #acknowledge(long)} and
 * {@link #scheduleResume()}, which the pipeline thread calls and which only hand work to the loop.
 * Accepting an event allocates nothing: the frame is validated in place, copied into the claimed
 * slot and stamped with ingest time, connection id and producer id.
 *
 * <p>Back-pressure: when the ring is full the connection stops reading (autoRead off) and leaves
 * the frame in the decoder; the pipeline wakes it when slots free up, and decoding resumes at that
 * frame. Nothing accepted is dropped and nothing is acknowledged before it is journaled.
 *
 * <p>Disk reserve: while the data directory is below its free-space reserve (one volatile read per
 * event), a valid new event is refused with Nack {@code DISK_FULL}, or, in pause mode, left unread
 * with reading paused until the disk monitor reports space again ({@link #scheduleDiskResume()}).
 *
 * <p>Quota: a producer with limits ({@code gateway.quota}) gets a {@link ProducerQuota} at Hello.
 * An event that does not fit it is left unread (pause) or refused with Nack {@code QUOTA_EXCEEDED}
 * (refuse), and reading stops until a timer on this event loop finds the buckets refilled.
 *
 * <p>Authentication: with {@code gateway.auth} on, Hello's token must match the gateway's
 * {@link dev.rill.gateway.auth.AccessPolicy} or the connection gets Error
 * {@code AUTHENTICATION_FAILED} and is closed; the principal it matched is kept for the
 * connection's life, and each Event to a topic it may not produce to gets Nack
 * {@code NOT_AUTHORIZED} with its seq (one array read per event; nothing allocated unless refused).
 *
 * <p>In-flight window ({@code gateway.maxInFlight}): when the newest seq read is that many seqs
 * above the last seq acknowledged, the next event is left unread and reading stops until the ack
 * path ({@link #acknowledge(long)}) finds room again. Nothing is refused.
 *
 * <p>Reading is paused for up to five reasons at once: the ring is full, the disk is below its
 * reserve, the producer is over its quota, the connection is at its in-flight window, every Reply
 * slot of the connection is held ({@code gateway.maxPendingReplies}). Each has its own flag; the
 * ring and the disk share a wake-up task, which clears the disk's flag only when the disk is above
 * its reserve again, the quota has its own timer, the window its acks and the Replies their drain.
 * The channel is read again only when no flag is set, so no wake-up ends another reason's pause.
 *
 * <p>Lateness ({@code gateway.lateness}, {@link LatenessCheck}): after validation an event whose time
 * is too far behind the gateway's clock is flagged LATE or refused with Nack {@code EVENT_TOO_LATE};
 * one too far ahead is refused with {@code VALUE_OUT_OF_RANGE}; one earlier than an event the
 * connection sent before on its topic is flagged OUT_OF_ORDER. The flags travel in the slot.
 *
 * <p>Partitions ({@code partitions:}, {@link PartitionCheck}): on a partitioned node, after the seq
 * check, an event whose key's partition the node does not own is refused with Nack
 * {@code WRONG_PARTITION}; without the section the check is one null test.
 *
 * <p>Request-reply (docs/protocol.md §7.7): an event with option REPLY or REPLY_ONLY reserves a
 * place in the connection's {@link ReplyOutbox} when it is accepted (no free slot: reading pauses,
 * the frame stays unread). The pipeline thread fills the slot when the Result is published
 * ({@link #reply}); the drain task that sends the Ack first sends every queued Reply, so a Reply
 * always goes out before, or in the same write as, the Ack that covers its seq.
 *
 * <p>Dead letters: {@link #nack} and {@link #fail} are the refusal paths; each refused frame (and
 * each frame dropped after a fatal Error) is also handed to the gateway's {@link DeadLetterBuffer}
 * with the peer, ids, seq, code, reason and the frame's first bytes, except while the disk is below
 * its reserve (then it is only counted). Handing over never blocks: a full buffer drops and counts.
 *
 * <p>Timeouts: a connection that sends no Hello within {@code gateway.handshakeTimeout} gets Error
 * {@code HANDSHAKE_TIMEOUT} (a timer on the event loop, cancelled by the Hello); one that sends
 * nothing for {@code gateway.idleTimeout} while the server is reading it gets Error
 * {@code IDLE_TIMEOUT} (Netty's IdleStateHandler ahead of the decoder). A connection the server
 * itself stopped reading (any pause above) is never idle.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements FrameListener
{
    private static final String DISK_FULL_MESSAGE = "the server's disk is below its free-space reserve (journal.diskReserve): " +
        "this event was not journaled; send it again later as a new event (new seq): the server accepts events again by itself when space frees";

    private final Gateway gateway;
    private final int id;
    private final EventRing pipeline;
    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final HelloDecoder hello = new HelloDecoder();
    private final PingDecoder ping = new PingDecoder();
    private final EventValidator validator;
    private final AtomicBoolean ackScheduled = new AtomicBoolean();
    private final AtomicBoolean resumeScheduled = new AtomicBoolean();
    private final Runnable ackTask = this::sendAck;
    private final Runnable resumeTask = this::resume;
    private final SubscriberSession subscriber;
    private Channel channel;
    private boolean helloReceived;
    private boolean failed;
    private long producerId;
    private int epoch;
    private long lastSeq = -1;
    private long lastAckSent = -1;
    private volatile long ackedSeq = -1;
    private volatile boolean paused;
    private volatile boolean diskPaused;
    private ProducerQuota quota;
    private boolean quotaPaused;
    private int quotaPendingLength;
    private final Runnable quotaResumeTask = this::quotaResume;
    private final LatenessCheck lateness;
    /** Null unless the node is partitioned: then an event of a partition it does not own gets Nack WRONG_PARTITION. */
    private final PartitionCheck partitions;
    private final ReplyOutbox replies;
    private boolean replyPaused;
    private final DeadLetterBuffer.Producer deadLetters;
    private String peer = "";
    private boolean inFrame;
    private int frameLength;
    private ErrorCode failCode;
    private Principal principal = Principal.ANONYMOUS;
    /** Per topic id, whether the principal may produce to it; null while authentication is off (all allowed). */
    private boolean[] producible;
    private final int maxInFlight;
    private boolean windowPaused;
    private long ackFloor;
    private boolean windowStarted;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> handshakeTimer;

    ServerConnection(final Gateway gateway, final int id)
    {
        this.gateway = gateway;
        this.id = id;
        this.pipeline = gateway.pipeline();
        this.validator = new EventValidator(gateway.topicCatalog(), pipeline.config().maxFields());
        this.deadLetters = gateway.deadLetters() == null ? null : gateway.deadLetters().newProducer();
        this.subscriber = new SubscriberSession(gateway, this, writer);
        this.lateness = new LatenessCheck(gateway.config().lateness(), gateway.topics());
        this.partitions = gateway.partitionCheck();
        this.replies = new ReplyOutbox(gateway.config().maxPendingReplies(), writer);
        this.maxInFlight = gateway.limits().maxInFlight();
    }

    int id()
    {
        return id;
    }

    boolean paused()
    {
        return paused;
    }

    io.netty.channel.EventLoop eventLoop()
    {
        return channel.eventLoop();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        channel = ctx.channel();
        peer = String.valueOf(channel.remoteAddress());
        context = ctx;
        final long handshakeMillis = gateway.limits().handshakeTimeout().toMillis();
        if (handshakeMillis > 0)
        {
            handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, handshakeMillis, TimeUnit.MILLISECONDS);
        }
        super.channelActive(ctx);
    }

    private void handshakeTimedOut()
    {
        if (!helloReceived && !failed && channel.isActive())
        {
            fail(context, ErrorCode.HANDSHAKE_TIMEOUT, "no Hello within " + gateway.limits().handshakeTimeout().toMillis() +
                " ms of connecting (gateway.handshakeTimeout); send Hello as the first frame, right after connecting");
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
    {
        if (evt instanceof IdleStateEvent && ((IdleStateEvent)evt).state() == IdleState.READER_IDLE)
        {
            if (!failed && !paused && !diskPaused && !quotaPaused && !windowPaused && !replyPaused)
            {
                fail(ctx, ErrorCode.IDLE_TIMEOUT, "nothing received for " + gateway.limits().idleTimeout().toMillis() +
                    " ms (gateway.idleTimeout); send Ping more often than that to keep an idle connection open");
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (paused)
        {
            paused = false;
            gateway.connectionResumed();
        }
        if (diskPaused)
        {
            diskPaused = false;
            gateway.connectionDiskResumed();
        }
        if (quotaPaused)
        {
            quotaPaused = false;
            gateway.connectionQuotaResumed();
        }
        if (replyPaused)
        {
            replyPaused = false;
            gateway.connectionReplyResumed();
        }
        if (windowPaused)
        {
            windowPaused = false;
            gateway.connectionInFlightResumed();
        }
        if (handshakeTimer != null)
        {
            handshakeTimer.cancel(false);
        }
        subscriber.close();
        gateway.unregister(this);
        super.channelInactive(ctx);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        if (ctx.channel().isWritable())
        {
            subscriber.onWritable();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // Peer resets and the like: nothing to tell a peer that is gone, and nothing was lost, since
        // events are acknowledged only once journaled.
        gateway.connectionFailed(cause);
        ctx.close();
    }

    @Override
    public boolean onFrame(final ChannelHandlerContext ctx, final ByteBuf buffer, final int offset, final int length)
    {
        if (gateway.closing() && !failed)
        {
            return false; // leave it unread: the producer resends what was not acknowledged
        }
        FrameWriter.wrap(view, buffer, offset, length);
        if (failed)
        {
            // After a fatal Error nothing more is processed (the connection is closing); kept as a dead letter.
            deadLetter(failCode, peekSeq(length), "frame dropped: the connection had already failed with " + failCode +
                " and is closing", view, 0, length, length);
            return true;
        }
        inFrame = true;
        frameLength = length;
        try
        {
            return dispatch(ctx, length);
        }
        finally
        {
            inFrame = false;
        }
    }

    private boolean dispatch(final ChannelHandlerContext ctx, final int length)
    {
        header.wrap(view, 0);
        final int templateId = header.templateId();
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID || header.version() > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            nack(ctx, -1, ErrorCode.UNSUPPORTED_SCHEMA, "schema id " + header.schemaId() + " version " + header.version() +
                "; this server reads schema " + MessageHeaderDecoder.SCHEMA_ID + " up to version " + MessageHeaderDecoder.SCHEMA_VERSION);
            return true;
        }
        if (!helloReceived && templateId != HelloDecoder.TEMPLATE_ID)
        {
            fail(ctx, ErrorCode.HELLO_REQUIRED, "received message type " + templateId + " before Hello");
            return true;
        }
        switch (templateId)
        {
            case EventDecoder.TEMPLATE_ID:
                return onEvent(ctx, length);
            case HelloDecoder.TEMPLATE_ID:
                return onHello(ctx, length);
            case SubscribeDecoder.TEMPLATE_ID:
                subscriber.onSubscribe(ctx, view, header, length);
                return true;
            case PingDecoder.TEMPLATE_ID:
                onPing(ctx, length);
                return true;
            case CommitDecoder.TEMPLATE_ID:
                subscriber.onCommit(ctx, view, header, length);
                return true;
            default:
                if (templateId >= 1 && templateId <= ProducerSessionDecoder.TEMPLATE_ID)
                {
                    // Welcome, Result, Ack, ...: server to client; ProducerSession: a journal record only.
                    nack(ctx, -1, ErrorCode.UNEXPECTED_MESSAGE, "message type " + templateId + " is not sent by clients");
                }
                else
                {
                    nack(ctx, -1, ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type " + templateId);
                }
                return true;
        }
    }

    @Override
    public void onOversizedFrame(final ChannelHandlerContext ctx, final long seq, final int length)
    {
        onOversizedFrame(ctx, seq, length, null, 0, 0);
    }

    @Override
    public void onOversizedFrame(
        final ChannelHandlerContext ctx, final long seq, final int length, final ByteBuf head, final int headOffset, final int headLength)
    {
        final String message = "frame of " + length + " bytes exceeds the maximum of " + gateway.maxFrameLength() +
            " (Welcome.maxFrameLength)";
        gateway.countRefused(ErrorCode.FRAME_TOO_LARGE);
        ctx.write(writer.nack(ctx.alloc(), seq, ErrorCode.FRAME_TOO_LARGE, message), ctx.voidPromise());
        if (head != null && headLength > 0)
        {
            FrameWriter.wrap(view, head, headOffset, headLength);
            deadLetter(ErrorCode.FRAME_TOO_LARGE, seq, message, view, 0, headLength, length);
        }
        else
        {
            deadLetter(ErrorCode.FRAME_TOO_LARGE, seq, message, null, 0, 0, length);
        }
    }

    @Override
    public void onBadFrameLength(final ChannelHandlerContext ctx, final int length)
    {
        inFrame = false;
        fail(ctx, ErrorCode.BAD_FRAME_LENGTH, "frame length " + length + " is below the 8-byte message header");
    }

    private boolean onEvent(final ChannelHandlerContext ctx, final int length)
    {
        final ErrorCode invalid = validator.validate(view, length, header.blockLength());
        if (invalid != null)
        {
            nack(ctx, validator.seq(), invalid, validator.detail());
            return true;
        }
        final long seq = validator.seq();
        final int topicId = validator.topicId();
        if (producible != null && !producible[topicId]) // topic ids are fixed while the server runs
        {
            gateway.countRefused(principal);
            nack(ctx, seq, ErrorCode.NOT_AUTHORIZED, "principal '" + principal.name() + "' may not produce to topic '" +
                gateway.topics().topic(topicId).name() + "' (it may produce to: " + principal.produce() +
                "); ask the operator to add the topic to its produce list in the tokens file");
            return true;
        }
        if (seq <= lastSeq)
        {
            nack(ctx, seq, ErrorCode.SEQ_NOT_INCREASING, "seq " + seq + " is not above this connection's last seq " + lastSeq);
            return true;
        }
        final String wrongPartition = partitions == null ? null : partitions.refusal(validator.key());
        if (wrongPartition != null)
        {
            nack(ctx, seq, ErrorCode.WRONG_PARTITION, wrongPartition); // not journaled; kept as a dead letter like every Nack
            return true;
        }
        final long now = gateway.clock().nanoTime();
        final int timeFlags = lateness.check(topicId, validator.eventTimeNanos(), now);
        if (timeFlags < 0)
        {
            nack(ctx, seq, timeFlags == LatenessCheck.TOO_LATE ? ErrorCode.EVENT_TOO_LATE : ErrorCode.VALUE_OUT_OF_RANGE,
                lateness.refusal(topicId));
            return true;
        }
        if (gateway.diskBelowReserve())
        {
            return onDiskBelowReserve(ctx, seq);
        }
        final ProducerQuota q = quota;
        final long quotaNow = q == null ? 0 : gateway.quotaClock().nanoTime();
        if (q != null && q.delayNanos(quotaNow, length) > 0)
        {
            return onOverQuota(ctx, seq, length, quotaNow);
        }
        if (maxInFlight > 0 && windowStarted && lastSeq - ackFloor >= maxInFlight)
        {
            pauseForWindow();
            return false; // the frame stays in the decoder and is read again when acks make room
        }
        final int fullLength = length + (validator.fieldCount() - validator.wireCount()) * Double.BYTES -
            validator.wireCount() * (validator.wireEntryLength() - Double.BYTES);
        if (fullLength > pipeline.slot(0).encoded().capacity())
        {
            nack(ctx, seq, ErrorCode.EVENT_TOO_LARGE, "with its optional fields' defaults the event would be " + fullLength +
                " bytes, above the slot's " + pipeline.slot(0).encoded().capacity() + "; send fewer or shorter values");
            return true;
        }
        final byte options = options();
        if (options != 0 && !replyRoom())
        {
            return false; // every Reply slot is held: the frame stays unread until Replies go out
        }
        final long sequence = claim();
        if (sequence < 0)
        {
            return false;
        }
        if (!windowStarted)
        {
            windowStarted = true;
            ackFloor = seq - 1; // what this connection's first event follows counts as acknowledged
        }
        if (q != null)
        {
            q.take(quotaNow, length);
        }
        if (options != 0)
        {
            replies.reserve(); // cannot fail: replyRoom() saw room, and only this loop reserves
        }
        final EventSlot slot = pipeline.slot(sequence);
        try
        {
            slot.clear();
            final int encodedLength = copyEvent(slot, length);
            final int block = MessageHeaderDecoder.ENCODED_LENGTH;
            slot.encoded().putLong(block + EventDecoder.producerIdEncodingOffset(), producerId, EventDecoder.BYTE_ORDER);
            slot.encoded().putLong(block + EventDecoder.ingestTimeNanosEncodingOffset(), now, EventDecoder.BYTE_ORDER);
            slot.encoded().putInt(block + EventDecoder.connectionIdEncodingOffset(), id, EventDecoder.BYTE_ORDER);
            slot.encodedLength(encodedLength)
                .producerId(producerId)
                .seq(seq)
                .key(validator.key())
                .eventTimeNanos(validator.eventTimeNanos())
                .ingestTimeNanos(now)
                .connectionId(id)
                .epoch(epoch)
                .topicId(validator.topicId())
                .fieldCount(validator.fieldCount())
                .options(options)
                .addFlags((byte)(timeFlags | ((options & EventSlot.OPTION_REPLY_ONLY) != 0 ? EventSlot.FLAG_REPLY_ONLY : 0)));
            System.arraycopy(validator.fields(), 0, slot.fields(), 0, validator.fieldCount());
        }
        finally
        {
            pipeline.publish(sequence); // a claimed sequence must always be published
        }
        lastSeq = seq;
        lateness.accepted(topicId, validator.eventTimeNanos());
        gateway.eventAccepted(timeFlags);
        return true;
    }

    /**
     * @return the validated Event's {@code EventOptions} bits (REPLY, REPLY_ONLY); 0 in an Event older
     *         than version 4 (the validator made sure a version 4 block holds the field).
     */
    private byte options()
    {
        if (header.version() < EventDecoder.optionsSinceVersion())
        {
            return 0;
        }
        return (byte)(view.getByte(MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.optionsEncodingOffset()) &
            (EventSlot.OPTION_REPLY | EventSlot.OPTION_REPLY_ONLY));
    }

    /** Whether a Reply slot is free; when none is, pauses reading until the drain frees one. */
    private boolean replyRoom()
    {
        if (replies.hasRoom())
        {
            return true;
        }
        if (!replyPaused)
        {
            replyPaused = true;
            channel.config().setAutoRead(false);
            gateway.connectionReplyPaused();
        }
        return false;
    }

    /**
     * Copies the validated event into the slot. When the producer left out optional fields (or sent
     * wider group entries), the copy is re-encoded with every value of its schema version, 8-byte
     * entries, so journal "in" holds the full event; else it is the frame as sent.
     *
     * @return the copy's length.
     */
    private int copyEvent(final EventSlot slot, final int length)
    {
        final int count = validator.wireCount();
        final int full = validator.fieldCount();
        final int entry = validator.wireEntryLength();
        if (count == full && entry == Double.BYTES)
        {
            slot.encoded().putBytes(0, view, 0, length);
            return length;
        }
        final int group = validator.groupOffset();
        final int afterGroup = group + 4 + count * entry;
        slot.encoded().putBytes(0, view, 0, group);
        slot.encoded().putShort(group, (short)Double.BYTES, EventDecoder.BYTE_ORDER);
        slot.encoded().putShort(group + 2, (short)full, EventDecoder.BYTE_ORDER);
        final double[] values = validator.fields();
        for (int i = 0; i < full; i++)
        {
            slot.encoded().putDouble(group + 4 + i * Double.BYTES, values[i], EventDecoder.BYTE_ORDER);
        }
        final int rest = group + 4 + full * Double.BYTES;
        slot.encoded().putBytes(rest, view, afterGroup, length - afterGroup);
        return rest + length - afterGroup;
    }

    private boolean onHello(final ChannelHandlerContext ctx, final int length)
    {
        if (helloReceived)
        {
            nack(ctx, -1, ErrorCode.DUPLICATE_HELLO, "Hello was already received on this connection");
            return true;
        }
        if (MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + 4 > length || header.blockLength() < HelloDecoder.BLOCK_LENGTH)
        {
            nack(ctx, -1, ErrorCode.MALFORMED_MESSAGE, "Hello of " + length + " bytes is truncated; send a complete Hello");
            return true;
        }
        if (handshakeTimer != null)
        {
            handshakeTimer.cancel(false); // a Hello arrived in time, even if the ring makes it wait
            handshakeTimer = null;
        }
        hello.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        // Set before the slot is published: the pipeline thread reads them (Gateway.welcome) after
        // it has read the slot, and the publish orders these stores before that. Set before the
        // token check too, so a refused Hello's dead letter names the producer it claimed to be.
        producerId = hello.producerId();
        epoch = hello.epoch();
        if (gateway.authEnabled() && !authenticate(ctx, length))
        {
            return true;
        }
        // The Hello goes through the ring, so the Welcome answers after every event before it was
        // journaled and carries this producer's last journaled seq: the producer resumes there.
        final long sequence = claim();
        if (sequence < 0)
        {
            return false;
        }
        final EventSlot slot = pipeline.slot(sequence);
        try
        {
            slot.clear();
            slot.kind(EventSlot.HELLO).producerId(hello.producerId()).epoch(hello.epoch()).connectionId(id);
        }
        finally
        {
            pipeline.publish(sequence);
        }
        quota = gateway.newQuota(producerId);
        helloReceived = true;
        return true;
    }

    /**
     * Checks Hello's token against the gateway's access policy; on a match keeps the principal and
     * its producible topics, else fails the connection with AUTHENTICATION_FAILED.
     */
    private boolean authenticate(final ChannelHandlerContext ctx, final int length)
    {
        final int tokenLength = hello.tokenLength();
        final Principal p = MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + 4 + tokenLength > length ? null :
            gateway.accessPolicy().authenticate(hello.token());
        if (p == null)
        {
            gateway.authenticationFailed(ctx.channel().remoteAddress(), hello.producerId());
            // The message never quotes what was sent: it may be a real token of another server.
            fail(ctx, ErrorCode.AUTHENTICATION_FAILED, (tokenLength == 0 ? "Hello carries no token" :
                "the token in Hello is not known to this server (unknown, revoked or mistyped)") +
                "; this server checks tokens (gateway.auth): ask its operator for one (`rill token new`) and pass it as the client's token");
            return false;
        }
        if (principal != p)
        {
            principal = p;
            producible = p.producibleTopics(gateway.topics());
        }
        return true;
    }

    /** @return who this connection authenticated as ({@link Principal#ANONYMOUS} when authentication is off). */
    Principal principal()
    {
        return principal;
    }

    /** Pipeline thread: the Hello went through the ring; send Welcome on the event loop. */
    void welcome(final long lastJournaledSeq)
    {
        channel.eventLoop().execute(() ->
        {
            if (channel.isActive())
            {
                channel.writeAndFlush(writer.welcome(channel.alloc(), producerId, epoch, lastJournaledSeq,
                    gateway.maxFrameLength(), gateway.config().serverName()), channel.voidPromise());
            }
        });
    }

    long producerId()
    {
        return producerId;
    }

    /**
     * Pipeline thread: this connection is refused in ring order (a newer epoch of its producer
     * said Hello): send Error with the code and close; nothing it sends from now on is read.
     */
    void refuse(final ErrorCode code, final String message)
    {
        channel.eventLoop().execute(() ->
        {
            if (!failed)
            {
                failed = true;
                gateway.countRefused(code);
                closeWith(code, message);
                channel.config().setAutoRead(false);
            }
        });
    }

    /** Claims a ring slot, pausing reads when the ring is full; -1 when still full. */
    private long claim()
    {
        long sequence = pipeline.tryClaim();
        if (sequence < 0)
        {
            pause();
            sequence = pipeline.tryClaim();
            if (sequence < 0)
            {
                return -1;
            }
            unpause();
        }
        return sequence;
    }

    /** The event is valid but the disk is below its reserve: refuse it, or leave it unread and pause. */
    private boolean onDiskBelowReserve(final ChannelHandlerContext ctx, final long seq)
    {
        if (gateway.diskFullAction() == DiskFullAction.PAUSE)
        {
            pauseForDisk();
            return false; // the frame stays in the decoder and is read again on resume
        }
        nack(ctx, seq, ErrorCode.DISK_FULL, DISK_FULL_MESSAGE); // the dead-letter journal shares the full disk: counted only
        return true;
    }

    /** The event is valid but does not fit the producer's quota: leave it unread or refuse it, and pause. */
    private boolean onOverQuota(final ChannelHandlerContext ctx, final long seq, final int length, final long nowNanos)
    {
        if (gateway.quotaAction() == QuotaAction.PAUSE)
        {
            pauseForQuota(nowNanos, length);
            return false; // the frame stays in the decoder and is read again on resume
        }
        quota.countRefused();
        nack(ctx, seq, ErrorCode.QUOTA_EXCEEDED, quota.refusal());
        pauseForQuota(nowNanos, 0); // frames already buffered are still examined (and refused while the bucket is empty)
        return true;
    }

    private void pauseForQuota(final long nowNanos, final int pendingLength)
    {
        quotaPendingLength = pendingLength;
        if (!quotaPaused)
        {
            quotaPaused = true;
            channel.config().setAutoRead(false);
            quota.countThrottled();
            gateway.connectionQuotaPaused();
            scheduleQuotaResume(quota.refillDelayNanos(nowNanos, pendingLength));
        }
    }

    private void scheduleQuotaResume(final long delayNanos)
    {
        // At least 1 ms: a resume is a timer task (it allocates), so a producer held at its quota is
        // woken at most a thousand times a second, in practice about four times per burst.
        channel.eventLoop().schedule(quotaResumeTask, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
    }

    /** Event loop timer: read again if the buckets have refilled, else wait for the rest. */
    private void quotaResume()
    {
        if (!quotaPaused || !channel.isActive())
        {
            return;
        }
        final long wait = quota.refillDelayNanos(gateway.quotaClock().nanoTime(), quotaPendingLength);
        if (wait > 0)
        {
            scheduleQuotaResume(wait);
            return;
        }
        quotaPaused = false;
        gateway.connectionQuotaResumed();
        if (!paused && !diskPaused && !replyPaused && !windowPaused)
        {
            readAgain(); // else the ring's, the disk's or the Replies' own wake-up reads again
        }
    }

    private void onPing(final ChannelHandlerContext ctx, final int length)
    {
        if (MessageHeaderDecoder.ENCODED_LENGTH + PingDecoder.BLOCK_LENGTH > length)
        {
            nack(ctx, -1, ErrorCode.MALFORMED_MESSAGE, "Ping of " + length + " bytes is truncated");
            return;
        }
        ping.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        ctx.write(writer.pong(ctx.alloc(), ping.timeNanos()), ctx.voidPromise());
    }

    /** Refuses one frame; the connection stays open. Event loop. */
    void nack(final ChannelHandlerContext ctx, final long seq, final ErrorCode code, final String message)
    {
        gateway.countRefused(code);
        ctx.write(writer.nack(ctx.alloc(), seq, code, message), ctx.voidPromise());
        deadLetterOfFrame(code, seq, message);
    }

    private void fail(final ChannelHandlerContext ctx, final ErrorCode code, final String message)
    {
        failed = true;
        failCode = code;
        gateway.countRefused(code);
        deadLetterOfFrame(code, inFrame ? peekSeq(frameLength) : -1, message);
        ctx.writeAndFlush(writer.error(ctx.alloc(), code, message)).addListener(ChannelFutureListener.CLOSE);
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * The frame being handled (if any) was refused: keep it as a dead letter. A Hello's bytes are
     * not kept (only its length): they hold the token, a secret. Event loop.
     */
    private void deadLetterOfFrame(final ErrorCode code, final long seq, final String message)
    {
        if (inFrame && frameLength >= MessageHeaderDecoder.ENCODED_LENGTH &&
            (view.getShort(2, HelloDecoder.BYTE_ORDER) & 0xFFFF) == HelloDecoder.TEMPLATE_ID)
        {
            deadLetter(code, seq, message, null, 0, 0, frameLength);
        }
        else if (inFrame)
        {
            deadLetter(code, seq, message, view, 0, frameLength, frameLength);
        }
        else
        {
            deadLetter(code, seq, message, null, 0, 0, 0);
        }
    }

    private void deadLetter(
        final ErrorCode code, final long seq, final String reason, final DirectBuffer bytes, final int offset, final int length,
        final int originalLength)
    {
        if (deadLetters == null)
        {
            return;
        }
        if (code == ErrorCode.DISK_FULL || gateway.diskBelowReserve())
        {
            gateway.deadLetters().countDiskFull();
            return;
        }
        deadLetters.offer(gateway.clock().nanoTime(), code, id, producerId, seq, peer, principal == Principal.ANONYMOUS ? "" : principal.name(),
            reason, bytes, offset, length, originalLength);
    }

    /** @return the seq of the Event message in {@code view}, or -1 when it is no Event or too short. */
    private long peekSeq(final int length)
    {
        final int seqEnd = MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset() + Long.BYTES;
        if (length < seqEnd || (view.getShort(2, EventDecoder.BYTE_ORDER) & 0xFFFF) != EventDecoder.TEMPLATE_ID)
        {
            return -1;
        }
        return view.getLong(MessageHeaderDecoder.ENCODED_LENGTH + EventDecoder.seqEncodingOffset(), EventDecoder.BYTE_ORDER);
    }

    /** Sends Error and closes; call on the event loop. */
    void closeWith(final ErrorCode code, final String message)
    {
        if (channel != null && channel.isActive())
        {
            channel.writeAndFlush(writer.error(channel.alloc(), code, message)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Pipeline thread: the Result of an event that asked for a Reply is published (outIndex -1: the
     * event was a resend, no Reply). Queues it for the next drain, which the batch's
     * {@link #acknowledge} schedules (it always follows, in the same batch). The queue cannot be
     * full (the event reserved its slot when it was accepted); if it were, the connection is closed
     * with INTERNAL_ERROR rather than lose the Reply without a word.
     */
    void reply(final EventSlot slot, final long outIndex)
    {
        if (!replies.offer(slot, outIndex))
        {
            refuse(ErrorCode.INTERNAL_ERROR, "the server could not queue the Reply of seq " + slot.seq() +
                " (reply queue overflow: a server bug); reconnect, and read the Result from journal out at inIndex " + slot.inIndex());
        }
    }

    /** Pipeline thread: events up to {@code seq} are journaled and published. */
    void acknowledge(final long seq)
    {
        ackedSeq = seq;
        if (channel != null && !ackScheduled.getAndSet(true))
        {
            channel.eventLoop().execute(ackTask);
        }
    }

    private void sendAck()
    {
        ackScheduled.set(false);
        final long seq = ackedSeq; // read first: every Reply of a seq up to it is already queued
        final boolean sentReplies = sendReplies();
        if (seq > lastAckSent && channel.isActive())
        {
            lastAckSent = seq;
            channel.writeAndFlush(writer.ack(channel.alloc(), seq), channel.voidPromise());
        }
        else if (sentReplies)
        {
            channel.flush();
        }
        if (seq > ackFloor)
        {
            ackFloor = seq;
        }
        if (windowPaused && lastSeq - ackFloor < maxInFlight && channel.isActive())
        {
            windowPaused = false;
            gateway.connectionInFlightResumed();
            if (!paused && !diskPaused && !quotaPaused && !replyPaused)
            {
                readAgain(); // else another reason's wake-up reads again
            }
        }
    }

    private void pauseForWindow()
    {
        if (!windowPaused)
        {
            windowPaused = true;
            channel.config().setAutoRead(false);
            gateway.connectionInFlightPaused();
        }
    }

    /** Event loop: writes every queued Reply (one buffer), resumes reading if it waited for a free slot. */
    private boolean sendReplies()
    {
        final int sent = replies.send(channel);
        if (sent > 0)
        {
            gateway.repliesSent(sent);
        }
        if (replyPaused && !replies.full() && channel.isActive())
        {
            replyPaused = false;
            gateway.connectionReplyResumed();
            if (!paused && !diskPaused && !quotaPaused && !windowPaused)
            {
                readAgain(); // else the other reason's wake-up reads again
            }
        }
        return sent > 0;
    }

    /** Flushes a pending acknowledgement now; call on the event loop (shutdown). */
    void flushAck()
    {
        sendAck();
    }

    /**
     * Disk monitor thread: space is back above the reserve; resume reading if paused for disk.
     * Pairs with {@link #pauseForDisk()}: the monitor writes the gateway's volatile state, then
     * reads this connection's volatile flag; the connection writes its flag, then reads the state.
     * Whichever comes second sees the other, so no connection stays paused with space free.
     */
    void scheduleDiskResume()
    {
        if (diskPaused && channel != null && !resumeScheduled.getAndSet(true))
        {
            channel.eventLoop().execute(resumeTask);
        }
    }

    private void pauseForDisk()
    {
        if (!diskPaused)
        {
            diskPaused = true;
            channel.config().setAutoRead(false);
            gateway.connectionDiskPaused();
        }
        if (!gateway.diskBelowReserve())
        {
            scheduleDiskResume(); // space came back between the check and the flag
        }
    }

    /** Pipeline thread: slots were freed; resume reading if paused. */
    void scheduleResume()
    {
        if (paused && channel != null && !resumeScheduled.getAndSet(true))
        {
            channel.eventLoop().execute(resumeTask);
        }
    }

    private void pause()
    {
        if (!paused)
        {
            paused = true;
            channel.config().setAutoRead(false);
            gateway.connectionPaused();
            // A safety net in case no batch completes after this point (see Pipeline's fence).
            channel.eventLoop().schedule(resumeTask, 1, TimeUnit.MILLISECONDS);
        }
        VarHandle.fullFence(); // pairs with the pipeline's fence: see Pipeline.afterLastStageBatch
    }

    private void unpause()
    {
        if (paused)
        {
            paused = false;
            channel.config().setAutoRead(!diskPaused && !quotaPaused && !replyPaused && !windowPaused);
            gateway.connectionResumed();
        }
    }

    /** The ring's or the disk's wake-up (the ring's condition is checked again by the next claim). */
    private void resume()
    {
        resumeScheduled.set(false);
        if ((!paused && !diskPaused) || !channel.isActive())
        {
            return;
        }
        unpause();
        if (diskPaused && !gateway.diskBelowReserve())
        {
            diskPaused = false; // else the disk monitor wakes this connection again when space is back
            gateway.connectionDiskResumed();
        }
        if (!diskPaused && !quotaPaused && !replyPaused && !windowPaused)
        {
            readAgain(); // else the disk's wake-up, the quota's timer, the Reply drain or the acks read again
        }
    }

    private void readAgain()
    {
        channel.config().setAutoRead(true);
        // Re-enter the decoder: it resumes at the frame it left unread.
        channel.pipeline().fireChannelRead(Unpooled.EMPTY_BUFFER);
        channel.pipeline().fireChannelReadComplete();
    }
}
