package dev.rill.perf.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.rill.bus.EventSlot;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does {@link ChronicleJournal#append} of the real payments Event (114 bytes) cost flat out
 * with and without {@code journal.pretouch} (a background thread faulting in pages ahead of the
 * appender)? Flat out the appender fills ~300 MB/s of fresh pages, so this shows both the page
 * fault share of the average and what publishing the write position to the pretoucher costs.
 * ns per append. {@code -jvmArgsAppend -Drill.perf.dir=DIR} puts the journal on another file
 * system (default: the temp directory).
 */
@State(Scope.Thread)
public class ChronicleAppendPretouchBenchmark extends RillBenchmark
{
    @Param({"true", "false"})
    public boolean pretouch;

    private Path directory;
    private ChronicleJournal in;
    private UnsafeBuffer buffer;
    private int length;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final String parent = System.getProperty("rill.perf.dir");
        directory = parent == null ? Files.createTempDirectory("rill-bench-") :
            Files.createTempDirectory(Files.createDirectories(Path.of(parent)), "rill-bench-");
        in = ChronicleJournal.open(JournalConfig.of(directory).withPretouch(pretouch), "in");
        final EventSlot slot = new EventSlot(512, 32);
        length = new PaymentEvents(1, 5).fill(slot, 0, 1, 42, 1, System.nanoTime());
        buffer = slot.encoded();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        in.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public long append()
    {
        return in.append(buffer, 0, length);
    }
}
