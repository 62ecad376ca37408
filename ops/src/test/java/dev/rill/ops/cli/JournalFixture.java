package dev.rill.ops.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.Journal;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ProducerSessionEncoder;
import dev.rill.bus.codec.ResultEncoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.CycleFile;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalScanner;
import dev.rill.journal.verify.JournalVisitor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Test helper: a data directory whose journals hold known records, and ways to damage them.
 *
 * <p>Journal "in": a ProducerSession of producer 7 at T0, then five Events (producer, seq, key,
 * topic, event time): (7,1,100,payments,T0), (7,2,200,payments,T0+1m), (8,1,100,logins,T0+2m),
 * (8,2,300,payments,T0+3m), (7,3,100,payments,T0+4m). Journal "out": one Result per Event, in the
 * same order, published one second after its event time; "logins" has no model (NaN score).
 */
final class JournalFixture
{
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final long T0_NANOS = T0.getEpochSecond() * 1_000_000_000L;
    static final long MINUTE = 60_000_000_000L;

    final List<Long> in = new ArrayList<>();
    final List<Long> out = new ArrayList<>();
    final JournalConfig config;

    private JournalFixture(final Path dataDir)
    {
        config = JournalConfig.of(dataDir).withPretouch(false);
    }

    static JournalFixture write(final Path dataDir)
    {
        final JournalFixture f = new JournalFixture(dataDir);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        try (ChronicleJournal in = ChronicleJournal.open(f.config, "in");
            ChronicleJournal out = ChronicleJournal.open(f.config, "out"))
        {
            final ProducerSessionEncoder session = new ProducerSessionEncoder().wrapAndApplyHeader(buffer, 0, header)
                .producerId(7).epoch(1).timeNanos(T0_NANOS);
            f.in.add(in.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + session.encodedLength()));
            final long[][] events = {{7, 1, 100, 0}, {7, 2, 200, 1}, {8, 1, 100, 2}, {8, 2, 300, 3}, {7, 3, 100, 4}};
            for (final long[] e : events)
            {
                final String topic = e[3] == 2 ? "logins" : "payments";
                final long eventTime = T0_NANOS + e[3] * MINUTE;
                final EventEncoder event = new EventEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .producerId(e[0]).seq(e[1]).key(e[2]).eventTimeNanos(eventTime).ingestTimeNanos(eventTime + 1000).connectionId(3);
                event.fieldsCount(2).next().value(10.0 * e[1]).next().value(5411);
                event.topic(topic);
                final long inIndex = in.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + event.encodedLength());
                f.in.add(inIndex);

                final boolean scored = "payments".equals(topic);
                final ResultEncoder result = new ResultEncoder().wrapAndApplyHeader(buffer, 0, header)
                    .outIndex(Journal.NO_INDEX).inIndex(inIndex).producerId(e[0]).seq(e[1]).key(e[2]).eventTimeNanos(eventTime)
                    .ingestTimeNanos(eventTime + 1000).scoredTimeNanos(eventTime + 2000).publishTimeNanos(eventTime + 1_000_000_000L)
                    .modelVersion(scored ? 1 : 0).score(scored ? 0.25 * e[1] : Double.NaN);
                result.topic(topic);
                result.modelName(scored ? "fraud" : "");
                f.out.add(out.append(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength()));
            }
        }
        return f;
    }

    /** @return the journal's only cycle file. */
    CycleFile file(final String journal)
    {
        return JournalDirectory.open(config, journal).cycleFiles().get(0);
    }

    /** @return byte position of the header of the record at {@code index}. */
    long positionOf(final String journal, final long index)
    {
        final long[] position = {-1};
        new JournalScanner(JournalDirectory.open(config, journal)).scan(Journal.NO_INDEX, new JournalVisitor()
        {
            @Override
            public void onRecord(final CycleFile file, final long i, final long p, final DirectBuffer b, final int o, final int l)
            {
                if (i == index)
                {
                    position[0] = p;
                }
            }

            @Override
            public void onProblem(final JournalProblem problem)
            {
            }
        });
        if (position[0] < 0)
        {
            throw new AssertionError("no record " + index + " in " + journal);
        }
        return position[0];
    }

    static void flip(final Path file, final long position)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x01)).rewind();
            channel.write(one, position);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(final Path file, final long size)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(size);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
