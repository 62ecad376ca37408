package dev.rill.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.rill.bus.EventSlot;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultEncoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.JournalStartCheck;
import dev.rill.journal.verify.JournalVerification;
import dev.rill.perf.jmh.PaymentEvents;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long does the server's start check ({@link JournalStartCheck}: journal "in" from its first
 * record, the end of "out") take on a journal of {@code --events} payments Events and as many
 * Results? The server must accept connections again within 2 s with 10M events journaled.
 *
 * <p>Writes both journals in a fresh directory under {@code --dir} (one cycle file each), then runs
 * the check {@code --runs} times and prints each duration. The page cache is warm after writing;
 * a cold cache (after a reboot) is bounded by the disk's sequential read rate instead. Deletes the
 * directory at the end unless {@code --keep}.
 */
@Command(name = "journal-start-check-probe", mixinStandardHelpOptions = true,
    description = "Time the server's journal start check on a journal of N events.")
public final class JournalStartCheckProbe implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Parent of the fresh journal directory")
    Path dir;

    @Option(names = "--events", defaultValue = "10000000", description = "Events in 'in', Results in 'out' (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--runs", defaultValue = "3", description = "Checks timed (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--keep", description = "Keep the journals")
    boolean keep;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new JournalStartCheckProbe()).execute(args));
    }

    @Override
    public Integer call() throws IOException
    {
        final Path data = Files.createTempDirectory(Files.createDirectories(dir), "rill-start-check-");
        final JournalConfig config = JournalConfig.of(data).withPretouch(false);
        try
        {
            final long writeStart = System.nanoTime();
            write(config);
            System.out.printf("wrote %,d events and %,d results in %.1f s to %s%n", events, events,
                (System.nanoTime() - writeStart) / 1e9, data);
            for (int run = 0; run < runs; run++)
            {
                final long start = System.nanoTime();
                final List<JournalVerification> checked = JournalStartCheck.run(config, "in", JournalStartCheck.FROM_FIRST, "out");
                final long nanos = System.nanoTime() - start;
                System.out.printf("start check %d: %.0f ms (in: %,d records checked; out: %,d; problems %d)%n", run + 1, nanos / 1e6,
                    checked.get(0).recordsChecked(), checked.get(1).recordsChecked(),
                    checked.get(0).problems().size() + checked.get(1).problems().size());
            }
        }
        finally
        {
            if (!keep)
            {
                try (Stream<Path> files = Files.walk(data))
                {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }

    private void write(final JournalConfig config)
    {
        final EventSlot slot = new EventSlot(512, 32);
        final PaymentEvents payments = new PaymentEvents(1, 5);
        final UnsafeBuffer result = new UnsafeBuffer(new byte[512]);
        final ResultEncoder encoder = new ResultEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        try (ChronicleJournal in = ChronicleJournal.open(config, "in");
            ChronicleJournal out = ChronicleJournal.open(config, "out"))
        {
            for (int i = 0; i < events; i++)
            {
                final int length = payments.fill(slot, 0, 1, 1, i + 1, System.nanoTime());
                final long inIndex = in.append(slot.encoded(), 0, length);
                encoder.wrapAndApplyHeader(result, 0, header).inIndex(inIndex).producerId(1).seq(i + 1).score(0.5)
                    .correctsOutIndex(-1);
                encoder.topic("payments");
                encoder.modelName("fraud");
                out.append(result, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            }
        }
    }
}
