package dev.rill.gateway;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.NamedPosition;
import dev.rill.bus.codec.CommitDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribeDecoder;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The subscriber side of one connection: its one Subscribe, the {@link Subscription} streaming
 * Results, and, for a named subscription, its {@link NamedPosition} and the Commits that move it.
 *
 * <p>Named subscriptions: a Subscribe with a non-empty name registers that name (a new name starts
 * just before the first Result it will be sent); start NAMED resumes right after the name's
 * committed index, or from the start of journal out when the name has committed nothing (or is
 * new), so a first NAMED subscription reads everything still kept. The newest subscription of a
 * name holds it: an older one still streams, but its Commits are refused.
 *
 * <p>Owned by the connection's event loop; allocates per Subscribe (decoded strings, the reader),
 * nothing per Commit.
 */
final class SubscriberSession
{
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final long REFUSED = Long.MIN_VALUE;

    private final Gateway gateway;
    private final ServerConnection connection;
    private final FrameWriter writer;
    private final SubscribeDecoder subscribe = new SubscribeDecoder();
    private final CommitDecoder commit = new CommitDecoder();
    private Subscription subscription;

    SubscriberSession(final Gateway gateway, final ServerConnection connection, final FrameWriter writer)
    {
        this.gateway = gateway;
        this.connection = connection;
        this.writer = writer;
    }

    void onSubscribe(final ChannelHandlerContext ctx, final UnsafeBuffer view, final MessageHeaderDecoder header, final int length)
    {
        if (MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + 2 > length || header.blockLength() < SubscribeDecoder.BLOCK_LENGTH)
        {
            nack(ctx, -1, ErrorCode.MALFORMED_MESSAGE, "Subscribe of " + length + " bytes is truncated");
            return;
        }
        if (subscription != null)
        {
            nack(ctx, -1, ErrorCode.BAD_SUBSCRIPTION, "this connection already has a subscription; open another connection");
            return;
        }
        subscribe.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final short startRaw = subscribe.startRaw();
        if (startRaw < 0 || startRaw > StartPosition.NAMED.value())
        {
            nack(ctx, -1, ErrorCode.BAD_SUBSCRIPTION, "unknown start position " + startRaw +
                "; use 0 (EARLIEST), 1 (LATEST), 2 (INDEX) or 3 (NAMED)");
            return;
        }
        final StartPosition start = StartPosition.get(startRaw);
        final long index = subscribe.index();
        final int topicLength = subscribe.topicLength();
        if (MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + 2 + topicLength > length)
        {
            nack(ctx, -1, ErrorCode.MALFORMED_MESSAGE, "Subscribe topic runs past the frame");
            return;
        }
        final String topic = subscribe.topic(); // var data in schema order: topic, then name
        final String name = name(header, length, topicLength);
        if (name == null)
        {
            nack(ctx, -1, ErrorCode.MALFORMED_MESSAGE, "Subscribe name runs past the frame");
            return;
        }
        if (!topic.isEmpty() && gateway.topics().find(topic) < 0)
        {
            nack(ctx, -1, ErrorCode.BAD_SUBSCRIPTION, "unknown topic '" + topic + "'");
            return;
        }
        if (!connection.principal().subscribe().allows(topic))
        {
            gateway.countRefused(connection.principal());
            nack(ctx, -1, ErrorCode.NOT_AUTHORIZED, "principal '" + connection.principal().name() + "' may not subscribe to " +
                (topic.isEmpty() ? "all topics (the empty topic needs '*' in its subscribe list)" : "topic '" + topic + "'") +
                " (it may subscribe to: " + connection.principal().subscribe() + "); ask the operator to extend its subscribe list");
            return;
        }
        final String refusal = checkName(name, start);
        if (refusal != null)
        {
            nack(ctx, -1, ErrorCode.BAD_SUBSCRIPTION, refusal);
            return;
        }
        final Journal out = gateway.out();
        final Subscription s = new Subscription(ctx.channel(), out, topic.getBytes(StandardCharsets.UTF_8));
        final long startIndex = position(ctx, s, out, start, index, name);
        if (startIndex == REFUSED)
        {
            s.close();
            return;
        }
        if (!name.isEmpty())
        {
            s.position(gateway.positions().register(name, Math.max(NamedPosition.NOTHING, committedBefore(start, startIndex, s))));
            gateway.takeName(name, s);
        }
        subscription = s;
        ctx.write(writer.subscribed(ctx.alloc(), startIndex, topic), ctx.voidPromise());
        gateway.addSubscription(s);
        s.wake();
    }

    /** Commit(outIndex): the named subscription on this connection has processed every Result up to outIndex. */
    void onCommit(final ChannelHandlerContext ctx, final UnsafeBuffer view, final MessageHeaderDecoder header, final int length)
    {
        if (MessageHeaderDecoder.ENCODED_LENGTH + CommitDecoder.BLOCK_LENGTH > length || header.blockLength() < CommitDecoder.BLOCK_LENGTH)
        {
            nack(ctx, -1, ErrorCode.MALFORMED_MESSAGE, "Commit of " + length + " bytes is truncated");
            return;
        }
        commit.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final long outIndex = commit.outIndex();
        final Subscription s = subscription;
        final NamedPosition position = s == null ? null : s.position();
        if (position == null)
        {
            nack(ctx, outIndex, ErrorCode.BAD_SUBSCRIPTION, "Commit needs a named subscription on this connection: " +
                "send Subscribe with a name first");
            return;
        }
        if (!gateway.holdsName(position.name(), s))
        {
            nack(ctx, outIndex, ErrorCode.BAD_SUBSCRIPTION, "subscription name '" + position.name() +
                "' was taken by a newer subscription; Commit on that one");
            return;
        }
        // Cheap bounds first (what this subscription read, what was published); the journal itself only when above both.
        if (outIndex > s.lastReadIndex() && outIndex > gateway.lastPublishedOutIndex() && outIndex > gateway.out().lastIndex())
        {
            nack(ctx, outIndex, ErrorCode.BAD_SUBSCRIPTION, "out index " + outIndex + " is beyond journal out's last index " +
                gateway.out().lastIndex() + "; commit the outIndex of a Result you received");
            return;
        }
        if (!position.commit(outIndex))
        {
            nack(ctx, outIndex, ErrorCode.BAD_SUBSCRIPTION, "out index " + outIndex + " is below the committed position " +
                position.committed() + " of '" + position.name() + "': positions only move forward; to read again, subscribe with INDEX");
        }
    }

    /** The channel can take more: go on streaming. */
    void onWritable()
    {
        if (subscription != null)
        {
            subscription.wake();
        }
    }

    /** The connection closed: give up the name, stop streaming, close the reader. */
    void close()
    {
        final Subscription s = subscription;
        if (s == null)
        {
            return;
        }
        if (s.position() != null)
        {
            gateway.releaseName(s.position().name(), s);
        }
        gateway.removeSubscription(s);
        s.close();
        subscription = null;
    }

    /** @return the Subscribe's name ("" when absent, as in version 1), or null when it runs past the frame. */
    private String name(final MessageHeaderDecoder header, final int length, final int topicLength)
    {
        final int nameAt = MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength() + 2 + topicLength;
        if (header.version() < 2 || nameAt + 2 > length)
        {
            return ""; // version 1, or a version 2 sender that left the optional name out entirely
        }
        if (nameAt + 2 + subscribe.nameLength() > length)
        {
            return null;
        }
        return subscribe.name();
    }

    /** @return why a named (or NAMED) subscription is refused, or null when it may go ahead. */
    private String checkName(final String name, final StartPosition start)
    {
        if (name.isEmpty())
        {
            return start == StartPosition.NAMED ? "start NAMED needs a subscription name; give Subscribe a name" : null;
        }
        if (gateway.positions() == null)
        {
            return "this server keeps no named positions; subscribe without a name";
        }
        if (!NAME.matcher(name).matches())
        {
            return "subscription name '" + name + "' is invalid: use 1 to 64 of A-Z a-z 0-9 . _ -";
        }
        return null;
    }

    /**
     * Positions the reader where the subscription starts.
     *
     * @return the out index announced in Subscribed, or {@link #REFUSED} after a Nack.
     */
    private long position(
        final ChannelHandlerContext ctx, final Subscription s, final Journal out, final StartPosition start, final long index,
        final String name)
    {
        switch (start)
        {
            case NAMED:
                return resumeNamed(ctx, s, out, name);
            case EARLIEST:
                s.reader().toStart();
                return out.firstIndex();
            case LATEST:
                s.reader().toEnd();
                return Journal.NO_INDEX;
            case INDEX:
            default:
                if (!s.reader().moveToAtOrAfter(index))
                {
                    nack(ctx, -1, ErrorCode.BAD_SUBSCRIPTION, "index " + index + " is outside journal out (first " +
                        out.firstIndex() + ", last " + out.lastIndex() + "); use EARLIEST, LATEST, or an index in that range");
                    return REFUSED;
                }
                return index;
        }
    }

    /**
     * Positions a NAMED subscription right after its committed index, or at the start of journal out
     * when the name has committed nothing or is new.
     */
    private long resumeNamed(final ChannelHandlerContext ctx, final Subscription s, final Journal out, final String name)
    {
        final NamedPosition position = gateway.positions().find(name);
        final long committed = position == null ? NamedPosition.NOTHING : position.committed();
        final long first = out.firstIndex();
        if (committed == NamedPosition.NOTHING || first == Journal.NO_INDEX || committed + 1 <= first)
        {
            // Nothing committed, or retention removed only Results at or below the committed index
            // (it never removes one above it): everything still in the journal is new to this name.
            s.reader().toStart();
            return first;
        }
        if (!s.reader().moveToAtOrAfter(committed + 1))
        {
            nack(ctx, -1, ErrorCode.BAD_SUBSCRIPTION, "committed position " + committed + " of '" + name +
                "' is beyond journal out (first " + first + ", last " + out.lastIndex() +
                "): was the data directory replaced? Subscribe with EARLIEST or INDEX");
            return REFUSED;
        }
        return s.reader().nextIndex();
    }

    /** @return the committed index a new name starts with: just before the first Result it will be sent. */
    private static long committedBefore(final StartPosition start, final long startIndex, final Subscription s)
    {
        switch (start)
        {
            case LATEST:
                return s.reader().nextIndex() - 1; // every Result before the reader's end
            case INDEX:
                return startIndex - 1;
            default:
                return NamedPosition.NOTHING; // EARLIEST, or NAMED for a name without a position
        }
    }

    private void nack(final ChannelHandlerContext ctx, final long seq, final ErrorCode code, final String message)
    {
        connection.nack(ctx, seq, code, message);
    }
}
