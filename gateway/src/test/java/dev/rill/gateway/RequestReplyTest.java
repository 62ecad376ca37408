package dev.rill.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ReplyDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request-reply over real loopback connections (docs/protocol.md §7.7); scoring is TestBus's score = first field. */
class RequestReplyTest
{
    private static final byte[] PAYMENTS = RillProducer.topic("payments");

    @TempDir
    Path dir;

    @Test
    void replyOnlyEventGetsItsReplyAndNoSubscriberSeesItWhileAReplyEventsResultIsStreamed() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final List<long[]> streamed = new CopyOnWriteArrayList<>();
            final Replies replies = new Replies();
            try (RillSubscriber ignored = RillSubscriber.subscribe(client(bus), "payments", StartPosition.EARLIEST, 0,
                    r -> streamed.add(new long[] {r.seq(), (long)r.score(), r.outIndex()}));
                 RillProducer producer = RillProducer.connect(client(bus).withProducer(5, 1), replies, replies))
            {
                final long now = System.currentTimeMillis() * 1_000_000L;
                producer.send(PAYMENTS, 1, now, new double[] {11, 1}, 2, RillProducer.REPLY_ONLY);
                producer.send(PAYMENTS, 2, now, new double[] {22, 1}, 2, RillProducer.REPLY);
                producer.send(PAYMENTS, 3, now, new double[] {33, 1}, 2, (byte)0);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                await(() -> streamed.size() >= 2, "the two streamed Results");
                await(() -> replies.log.size() >= 5, "two Replies and three Acks");

                assertEquals(List.of("reply 1 score 11 flags 16", "reply 2 score 22 flags 0"),
                    replies.log.stream().filter(e -> e.startsWith("reply")).toList(),
                    "a Reply for each event that asked, with its score; REPLY_ONLY in the Reply's flags");
                assertTrue(replies.log.indexOf("reply 1 score 11 flags 16") < replies.log.indexOf("ack 1"), replies.log.toString());
                assertTrue(replies.log.indexOf("reply 2 score 22 flags 0") < replies.log.indexOf("ack 2"), replies.log.toString());
                // A fourth event after the reply-only one proves the subscriber has read past it.
                producer.send(PAYMENTS, 4, now, new double[] {44, 1}, 2, (byte)0);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
                await(() -> streamed.size() >= 3, "the fourth Result");
            }
            assertEquals(List.of(2L, 3L, 4L), streamed.stream().map(r -> r[0]).toList(), "the REPLY_ONLY Result is not streamed");
            assertEquals(List.of(22L, 33L, 44L), streamed.stream().map(r -> r[1]).toList());
            final List<long[]> out = outRecords(bus);
            assertEquals(List.of(16L, 0L, 0L, 0L), out.stream().map(r -> r[1]).toList(),
                "all four are journaled in out; the first flagged REPLY_ONLY");
            assertEquals(out.get(0)[0], replies.outIndexes.get(0), "the Reply names its Result's out index");
            assertEquals(out.get(1)[0], replies.outIndexes.get(1));
            assertEquals(out.get(1)[0], streamed.get(0)[2], "the subscriber's first Result is the second record of out");
            assertEquals(2, bus.gateway.repliesSent());
        }
    }

    @Test
    void everyEventOfABurstGetsItsReplyInSeqOrderBeforeItsAckEvenWhenTheReplyQueueFills() throws Exception
    {
        final int events = 3000;
        // 8 Reply slots per connection: the connection pauses and resumes reading many times over.
        try (TestBus bus = new TestBus(dir, PipelineConfig.defaults(), 0, GatewayConfig.defaults().withPort(0).withMaxPendingReplies(8)))
        {
            final Replies replies = new Replies();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(6, 1), replies, replies))
            {
                final double[] fields = new double[2];
                for (int i = 1; i <= events; i++)
                {
                    fields[0] = i;
                    producer.send(PAYMENTS, i, System.currentTimeMillis() * 1_000_000L, fields, 2, RillProducer.REPLY);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)));
            }
            final List<Long> replySeqs = new ArrayList<>();
            final int[] ackPosition = new int[events + 1];
            final int[] replyPosition = new int[events + 1];
            for (int i = 0; i < replies.log.size(); i++)
            {
                final String[] entry = replies.log.get(i).split(" ");
                final int seq = Integer.parseInt(entry[1]);
                if (entry[0].equals("reply"))
                {
                    replySeqs.add((long)seq);
                    replyPosition[seq] = i;
                    assertEquals(seq, Integer.parseInt(entry[3]), "the Reply carries its own event's score");
                }
                else
                {
                    ackPosition[seq] = i;
                }
            }
            assertEquals(events, replySeqs.size(), "one Reply per event");
            for (int i = 0; i < events; i++)
            {
                assertEquals(i + 1, replySeqs.get(i), "Replies in seq order");
                assertTrue(replyPosition[i + 1] < ackPosition[i + 1], "the Reply of " + (i + 1) + " comes before its Ack");
            }
            assertEquals(events, bus.gateway.repliesSent());
            assertEquals(0, bus.gateway.replyPausedConnections());
            assertTrue(replies.nacks.isEmpty(), replies.nacks.toString());
        }
    }

    @Test
    void aResendTheServerAlreadyJournaledIsAcknowledgedWithoutASecondReplyAndTheConnectionGoesOn() throws Exception
    {
        try (TestBus bus = new TestBus(dir))
        {
            final Replies first = new Replies();
            try (RillProducer producer = RillProducer.connect(client(bus).withProducer(8, 1), first, first))
            {
                producer.send(PAYMENTS, 1, System.currentTimeMillis() * 1_000_000L, new double[] {5, 1}, 2, RillProducer.REPLY);
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
            }
            // A raw resend of seq 1 with REPLY on a new session: journaled already, so Ack only.
            try (RawClient raw = new RawClient(bus.address))
            {
                raw.sendFrame(RawClient.hello(8, 1));
                assertEquals(dev.rill.bus.codec.WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
                raw.sendFrame(withOptions(RawClient.event(1, "payments", 5, 1), RillProducer.REPLY));
                raw.sendFrame(withOptions(RawClient.event(2, "payments", 6, 1), RillProducer.REPLY));
                final List<Integer> templates = new ArrayList<>();
                final List<Long> replySeqs = new ArrayList<>();
                long acked = -1;
                while (acked < 2)
                {
                    final byte[] frame = raw.readFrame();
                    templates.add(RawClient.templateId(frame));
                    if (RawClient.templateId(frame) == ReplyDecoder.TEMPLATE_ID)
                    {
                        replySeqs.add(reply(frame).seq());
                    }
                    else if (RawClient.templateId(frame) == dev.rill.bus.codec.AckDecoder.TEMPLATE_ID)
                    {
                        acked = new dev.rill.bus.codec.AckDecoder().wrap(new org.agrona.concurrent.UnsafeBuffer(frame),
                            MessageHeaderDecoder.ENCODED_LENGTH, 8, 4).seq();
                    }
                }
                assertEquals(List.of(2L), replySeqs, "only the new event is answered: " + templates);
            }
            assertEquals(2, bus.gateway.repliesSent());
        }
    }

    /** Sets Event.options in a RawClient event (version 4 block). */
    static byte[] withOptions(final byte[] event, final byte options)
    {
        event[MessageHeaderDecoder.ENCODED_LENGTH + dev.rill.bus.codec.EventDecoder.optionsEncodingOffset()] = options;
        return event;
    }

    static ReplyDecoder reply(final byte[] frame)
    {
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(frame);
        final MessageHeaderDecoder h = new MessageHeaderDecoder().wrap(b, 0);
        return new ReplyDecoder().wrap(b, MessageHeaderDecoder.ENCODED_LENGTH, h.blockLength(), h.version());
    }

    /** @return {out index, flags} of every Result in out. */
    static List<long[]> outRecords(final TestBus bus)
    {
        final List<long[]> records = new ArrayList<>();
        final var reader = bus.out.newReader();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ResultDecoder result = new ResultDecoder();
        while (reader.poll((index, buffer, offset, length) ->
        {
            header.wrap(buffer, offset);
            result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            records.add(new long[] {index, result.flags().getRaw()});
        }, 1000) > 0)
        {
            // read to the end
        }
        reader.close();
        return records;
    }

    static ClientConfig client(final TestBus bus)
    {
        return ClientConfig.of("127.0.0.1", bus.address.getPort());
    }

    static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertFalse(System.nanoTime() > deadline, "timed out waiting for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** Acks and Replies in the order the client's I/O thread heard them. */
    static final class Replies implements AckListener, dev.rill.gateway.client.ReplyListener
    {
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<Long> outIndexes = new CopyOnWriteArrayList<>();
        final List<Integer> flags = new CopyOnWriteArrayList<>();
        final List<String> nacks = new CopyOnWriteArrayList<>();

        @Override
        public void onReply(final ReplyDecoder reply)
        {
            outIndexes.add(reply.outIndex());
            flags.add((int)reply.flags().getRaw());
            log.add("reply " + reply.seq() + " score " + (long)reply.score() + " flags " + reply.flags().getRaw());
        }

        @Override
        public void onAck(final long seq)
        {
            log.add("ack " + seq);
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            nacks.add(seq + " " + code + " " + message);
            log.add("nack " + seq + " " + code.code());
        }
    }
}
