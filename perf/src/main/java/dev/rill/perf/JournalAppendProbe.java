package dev.rill.perf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import dev.rill.bus.EventSlot;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.perf.jmh.PaymentEvents;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long does each {@link ChronicleJournal#append} take when the pipeline thread appends at a
 * steady, paced rate (100k/s by default) instead of flat out as in JMH: where is the tail, and is
 * it the disk (compare {@code --dir /tmp/...} with {@code --dir /dev/shm/...})?
 *
 * <p>One thread appends the real payments Event (114 bytes, SBE) to journal "in" and, with
 * {@code --journals 2}, a record of {@code --out-length} bytes to "out" right after it, as the
 * fused pipeline thread does. Record i is due at {@code start + i / rate}; the thread parks
 * until then (never spins: parkNanos oversleeps by the timer slack, so appends come in small
 * bursts) and appends at once when behind. Two HdrHistograms: the duration of each append call
 * (service time) and, per due record, the time from its due time to the end of its append
 * (includes waiting behind an earlier stall, so a 10 ms stall shows as ~1000 late records).
 * The thread's minor/major page faults over the measured window come from
 * {@code /proc/thread-self/stat}.
 *
 * <p>The journal directory is fresh (a new sub-directory of {@code --dir}) and deleted at the end
 * unless {@code --keep}.
 */
@Command(name = "journal-append-probe", mixinStandardHelpOptions = true,
    description = "Append paced records to a ChronicleJournal and report the append-duration distribution.")
public final class JournalAppendProbe implements Callable<Integer>
{
    private static final long HIGHEST_NANOS = 60_000_000_000L;

    @Option(names = "--dir", required = true, description = "Parent of the fresh journal directory (e.g. /tmp or /dev/shm)")
    Path dir;

    @Option(names = "--rate", defaultValue = "100000", description = "Records/s (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "Seconds measured (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "3", description = "Seconds appended before measuring (default: ${DEFAULT-VALUE})")
    double warmupSeconds;

    @Option(names = "--journals", defaultValue = "1", description = "1: 'in' only; 2: 'in' then 'out' per record (default: ${DEFAULT-VALUE})")
    int journals;

    @Option(names = "--out-length", defaultValue = "130", description = "Bytes per 'out' record with --journals 2 (default: ${DEFAULT-VALUE})")
    int outLength;

    @Option(names = "--pretouch", defaultValue = "true", arity = "1",
        description = "journal.pretouch: fault in pages ahead of the appender on a background thread (default: ${DEFAULT-VALUE})")
    boolean pretouch;

    @Option(names = "--label", defaultValue = "probe", description = "Name of the run in the report")
    String label;

    @Option(names = "--out", description = "Also write the report to FILE and the duration distribution (us) to FILE.hgrm")
    Path out;

    @Option(names = "--keep", description = "Keep the journal directory")
    boolean keep;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new JournalAppendProbe()).execute(args));
    }

    @Override
    public Integer call() throws IOException
    {
        final Path journalDir = Files.createTempDirectory(Files.createDirectories(dir), "rill-probe-");
        final EventSlot slot = new EventSlot(512, 32);
        final int eventLength = new PaymentEvents(1, 5).fill(slot, 0, 1, 42, 1, System.nanoTime());
        final UnsafeBuffer event = slot.encoded();
        final UnsafeBuffer result = new UnsafeBuffer(new byte[0]);
        result.wrap(org.agrona.BufferUtil.allocateDirectAligned(512, 64));
        for (int i = 0; i < outLength; i++)
        {
            result.putByte(i, (byte)i);
        }
        final Histogram duration = new Histogram(HIGHEST_NANOS, 3);
        final Histogram late = new Histogram(HIGHEST_NANOS, 3);
        final JournalConfig config = JournalConfig.of(journalDir).withPretouch(pretouch);
        final long periodNanos = 1_000_000_000L / rate;
        final long warmupCount = (long)(warmupSeconds * rate);
        final long totalCount = warmupCount + (long)(seconds * rate);
        long[] faultsAtStart = null;
        long overMilli = 0;
        long maxDurationAt = 0;
        final long start;
        final long end;
        try (ChronicleJournal in = ChronicleJournal.open(config, "in");
            ChronicleJournal outJournal = journals > 1 ? ChronicleJournal.open(config, "out") : null)
        {
            start = System.nanoTime();
            long i = 0;
            while (i < totalCount)
            {
                final long due = start + i * periodNanos;
                long now = System.nanoTime();
                if (now < due)
                {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                if (i == warmupCount)
                {
                    faultsAtStart = threadFaults();
                }
                now = System.nanoTime();
                in.append(event, 0, eventLength);
                if (outJournal != null)
                {
                    outJournal.append(result, 0, outLength);
                }
                final long done = System.nanoTime();
                if (i >= warmupCount)
                {
                    final long took = done - now;
                    if (took > duration.getMaxValue())
                    {
                        maxDurationAt = i - warmupCount;
                    }
                    duration.recordValue(took);
                    late.recordValue(done - due);
                    if (took >= 1_000_000)
                    {
                        overMilli++;
                    }
                }
                i++;
            }
            end = System.nanoTime();
        }
        final long[] faultsAtEnd = threadFaults();
        final double measuredSeconds = (end - start) / 1e9 - warmupSeconds;
        final String report = String.format(Locale.ROOT,
            "%s: dir=%s journals=%d pretouch=%s rate=%d/s records=%d in %.1f s%n" +
            "  append duration us (per record%s): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  p99.99 %.2f  max %.1f (record #%d)%n" +
            "  appends >= 1 ms: %d%n" +
            "  due -> appended us (queueing behind stalls): p50 %.2f  p99 %.2f  p99.9 %.2f  max %.1f%n" +
            "  appending thread page faults in window: minor %d  major %d%n",
            label, dir, journals, pretouch, rate, duration.getTotalCount(), measuredSeconds,
            journals > 1 ? ", in+out" : "",
            us(duration, 50), us(duration, 90), us(duration, 99), us(duration, 99.9), us(duration, 99.99),
            duration.getMaxValue() / 1000.0, maxDurationAt, overMilli,
            us(late, 50), us(late, 99), us(late, 99.9), late.getMaxValue() / 1000.0,
            faultsAtEnd[0] - faultsAtStart[0], faultsAtEnd[1] - faultsAtStart[1]);
        System.out.print(report);
        if (out != null)
        {
            Files.writeString(out, report, StandardCharsets.UTF_8);
            try (PrintStream hgrm = new PrintStream(Files.newOutputStream(Path.of(out + ".hgrm")), false,
                StandardCharsets.UTF_8))
            {
                duration.outputPercentileDistribution(hgrm, 1000.0);
            }
        }
        if (!keep)
        {
            try (Stream<Path> files = Files.walk(journalDir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /** @return {minor, major} page faults of the calling thread so far (fields 10 and 12 of stat). */
    private static long[] threadFaults() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After "pid (comm) ", field 3 (state) is index 0: minflt is field 10, majflt field 12.
        return new long[] {Long.parseLong(fields[7]), Long.parseLong(fields[9])};
    }
}
