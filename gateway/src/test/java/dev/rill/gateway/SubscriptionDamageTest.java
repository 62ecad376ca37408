package dev.rill.gateway;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.codec.AckDecoder;
import dev.rill.bus.codec.ErrorDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.bus.codec.SubscribeEncoder;
import dev.rill.bus.codec.SubscribedDecoder;
import dev.rill.bus.codec.WelcomeDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.CycleFile;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalScanner;
import dev.rill.journal.verify.JournalVisitor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriptionDamageTest
{
    @TempDir
    Path dir;

    @Test
    void aSubscriberReachingADamagedResultGetsTheResultsBeforeItThenAnErrorAndAClose() throws Exception
    {
        try (TestBus bus = new TestBus(dir);
            RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", bus.address.getPort()).withProducer(5, 1), acks()))
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send("payments", i, System.nanoTime(), i, 1);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
        }
        final List<long[]> results = new ArrayList<>(); // {index, position}
        new JournalScanner(JournalDirectory.open(JournalConfig.of(dir), "out")).scan(Journal.NO_INDEX, new JournalVisitor()
        {
            @Override
            public void onRecord(final CycleFile file, final long index, final long position, final DirectBuffer b, final int o, final int l)
            {
                results.add(new long[] {index, position});
            }

            @Override
            public void onProblem(final JournalProblem problem)
            {
            }
        });
        assertEquals(5, results.size());
        flip(JournalDirectory.open(JournalConfig.of(dir), "out").cycleFiles().get(0).path(), results.get(3)[1] + 30);

        try (TestBus bus = new TestBus(dir); RawClient raw = new RawClient(bus.address))
        {
            raw.sendFrame(RawClient.hello(9));
            assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
            raw.sendFrame(subscribeFromEarliest());
            assertEquals(SubscribedDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()));
            for (int i = 0; i < 3; i++)
            {
                assertEquals(ResultDecoder.TEMPLATE_ID, RawClient.templateId(raw.readFrame()), "the Results before the damaged one");
            }
            final byte[] error = raw.readFrame();
            assertEquals(ErrorDecoder.TEMPLATE_ID, RawClient.templateId(error));
            final ErrorDecoder decoder = new ErrorDecoder().wrapAndApplyHeader(new UnsafeBuffer(error), 0, new MessageHeaderDecoder());
            assertEquals(ErrorCode.INTERNAL_ERROR.code(), decoder.code());
            final String message = decoder.message();
            assertTrue(message.contains("journal 'out' is corrupt") && message.contains("index " + results.get(3)[0]) &&
                message.contains("checksum mismatch"), message);
            assertTrue(raw.closedByServer());

            try (RawClient producer = new RawClient(bus.address))
            {
                producer.sendFrame(RawClient.hello(6));
                assertEquals(WelcomeDecoder.TEMPLATE_ID, RawClient.templateId(producer.readFrame()));
                producer.sendFrame(RawClient.event(1, "payments", 1, 2));
                assertEquals(AckDecoder.TEMPLATE_ID, RawClient.templateId(producer.readFrame()), "producers carry on");
            }
        }
    }

    private static byte[] subscribeFromEarliest()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final SubscribeEncoder encoder = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        encoder.start(StartPosition.EARLIEST).index(0).topic("");
        return RawClient.copy(buffer, MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static void flip(final Path file, final long position) throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x01)).rewind();
            channel.write(one, position);
        }
    }

    private static AckListener acks()
    {
        return new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
            }
        };
    }
}
