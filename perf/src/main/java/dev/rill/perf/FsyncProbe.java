package dev.rill.perf;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What does forcing 4 KiB to disk cost on this machine's disk, in the directory the journals use?
 * The floor under {@code durability.mode: sync}, where every batch waits for a force of journal
 * "in" (an msync of the mapped chunk) before it is acknowledged.
 *
 * <p>Five ways, each {@code --iterations} times after {@code --warmup} unmeasured ones, one
 * HdrHistogram each (the duration of the write/dirty plus the force):
 * <ul>
 * <li>{@code fdatasync-append}: {@link FileChannel#write} of 4 KiB at the end of a growing file,
 *     then {@code force(false)} (fdatasync; the file's size changes, so the journal commits too);</li>
 * <li>{@code fdatasync-overwrite}: the same into a file already written and forced to its full
 *     length (data only, no allocation);</li>
 * <li>{@code msync-sparse}: a {@link MappedByteBuffer} over a sparse file, as Chronicle maps its
 *     cycle files: write the next 4 KiB page and {@code force(offset, 4096)} (msync MS_SYNC of that
 *     page; its block is allocated on the way, as in Rill's sync mode). Every page was touched
 *     before timing with a write of 0, as the journal pretoucher does;</li>
 * <li>{@code msync-preallocated}: the same over a file already written and forced (pages faulted
 *     in by a read before timing).</li>
 * <li>{@code msync-sparse-128b}: as {@code msync-sparse}, but each force follows one 128-byte
 *     record written after the previous one (32 per page), as sync mode forces journal "in" after
 *     each small batch: most forces write back a page the previous force already wrote (its block
 *     allocated then).</li>
 * </ul>
 * Each mode uses its own fresh file in a fresh directory under {@code --dir}, deleted at the end
 * (unless {@code --keep}).
 *
 * <p>Writes the report to {@code --out} (default {@code perf/results/<UTC timestamp>/fsync.txt}),
 * one JSON line for {@link LoadSummary}, and each distribution (µs) to {@code <out without extension>-<mode>.hgrm}.
 */
@Command(name = "fsync-probe", mixinStandardHelpOptions = true,
    description = "Raw cost of fdatasync and msync of 4 KiB on the journals' disk.")
public final class FsyncProbe implements Callable<Integer>
{
    private static final int PAGE = 4096;
    private static final long HIGHEST_NANOS = 60_000_000_000L;
    private static final int RECORD = 128;
    private static final List<String> MODES =
        List.of("fdatasync-append", "fdatasync-overwrite", "msync-sparse", "msync-preallocated", "msync-sparse-128b");

    @Option(names = "--dir", defaultValue = "/tmp", description = "Where the journals live; a fresh sub-directory is used (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--iterations", defaultValue = "2000", description = "Forces measured per mode (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "100", description = "Forces before measuring, per mode (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--modes", split = ",",
        defaultValue = "fdatasync-append,fdatasync-overwrite,msync-sparse,msync-preallocated,msync-sparse-128b",
        description = "Modes to run, comma-separated (default: all five)")
    List<String> modes;

    @Option(names = "--out", description = "Report file (default: perf/results/<UTC timestamp>/fsync.txt of the repository)")
    Path out;

    @Option(names = "--keep", description = "Keep the files")
    boolean keep;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new FsyncProbe()).execute(args));
    }

    @Override
    public Integer call() throws IOException
    {
        for (final String mode : modes)
        {
            if (!MODES.contains(mode))
            {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown mode '" + mode + "'; one of " + MODES);
            }
        }
        final Path outFile = out != null ? out : defaultOut();
        Files.createDirectories(outFile.toAbsolutePath().getParent());
        final Path work = Files.createTempDirectory(Files.createDirectories(dir), "rill-fsync-");
        final StringBuilder report = new StringBuilder();
        final StringBuilder json = new StringBuilder("{\"label\":\"fsync\"");
        final String store = String.valueOf(Files.getFileStore(work));
        report.append(String.format(Locale.ROOT, "fsync-probe: 4 KiB per force, %d measured after %d warm-up, in %s (%s, %s)%n",
            iterations, warmup, work, store, Files.getFileStore(work).type()));
        json.append(String.format(Locale.ROOT, ",\"iterations\":%d", iterations));
        System.out.print(report);
        try
        {
            for (final String mode : modes)
            {
                final Histogram h = run(mode, work.resolve(mode));
                final String line = String.format(Locale.ROOT,
                    "  %-20s us: p50 %8.1f  p90 %8.1f  p99 %8.1f  p99.9 %8.1f  max %8.1f  mean %8.1f  (n=%d; %.0f forces/s)%n",
                    mode, us(h, 50), us(h, 90), us(h, 99), us(h, 99.9), h.getMaxValue() / 1000.0, h.getMean() / 1000.0,
                    h.getTotalCount(), 1e9 / h.getMean());
                System.out.print(line);
                report.append(line);
                final String key = camel(mode);
                json.append(String.format(Locale.ROOT, ",\"%sP50Us\":%.1f,\"%sP90Us\":%.1f,\"%sP99Us\":%.1f,\"%sP999Us\":%.1f," +
                        "\"%sMaxUs\":%.1f,\"%sMeanUs\":%.1f",
                    key, us(h, 50), key, us(h, 90), key, us(h, 99), key, us(h, 99.9), key, h.getMaxValue() / 1000.0, key,
                    h.getMean() / 1000.0));
                try (PrintStream hgrm = new PrintStream(Files.newOutputStream(hgrmFile(outFile, mode)), false,
                    StandardCharsets.UTF_8))
                {
                    h.outputPercentileDistribution(hgrm, 1000.0);
                }
            }
        }
        finally
        {
            if (!keep)
            {
                try (Stream<Path> files = Files.walk(work))
                {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        json.append('}');
        report.append(json).append('\n');
        System.out.println(json);
        Files.writeString(outFile, report, StandardCharsets.UTF_8);
        System.out.println("fsync-probe: report in " + outFile);
        return 0;
    }

    private Histogram run(final String mode, final Path file) throws IOException
    {
        final int total = warmup + iterations;
        final long length = (long)total * PAGE;
        final Histogram h = new Histogram(HIGHEST_NANOS, 3);
        final ByteBuffer page = ByteBuffer.allocateDirect(PAGE);
        switch (mode)
        {
            case "fdatasync-append" ->
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                {
                    for (int i = 0; i < total; i++)
                    {
                        fill(page, i);
                        final long start = System.nanoTime();
                        while (page.hasRemaining())
                        {
                            channel.write(page);
                        }
                        channel.force(false);
                        record(h, i, start);
                    }
                }
            }
            case "fdatasync-overwrite" ->
            {
                preallocate(file, length);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    for (int i = 0; i < total; i++)
                    {
                        fill(page, i);
                        final long start = System.nanoTime();
                        long position = (long)i * PAGE;
                        while (page.hasRemaining())
                        {
                            position += channel.write(page, position);
                        }
                        channel.force(false);
                        record(h, i, start);
                    }
                }
            }
            case "msync-sparse", "msync-preallocated", "msync-sparse-128b" ->
            {
                if (mode.equals("msync-preallocated"))
                {
                    preallocate(file, length);
                }
                else
                {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                    {
                        raf.setLength(length); // sparse, as Chronicle's cycle files
                    }
                }
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
                {
                    final MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
                    final boolean sparse = mode.equals("msync-sparse");
                    long sum = 0;
                    for (int i = 0; i < total; i++)
                    {
                        // Fault every page in before timing. Sparse: a write of 0, as the journal's
                        // pretoucher does (the page is then dirty, its block reserved, not written);
                        // preallocated: a read (the page stays clean).
                        if (sparse)
                        {
                            map.put(i * PAGE, (byte)0);
                        }
                        else
                        {
                            sum += map.get(i * PAGE);
                        }
                    }
                    if (sum != 0)
                    {
                        throw new IllegalStateException("a preallocated page is not zero");
                    }
                    final int size = mode.equals("msync-sparse-128b") ? RECORD : PAGE;
                    for (int i = 0; i < total; i++)
                    {
                        final int offset = i * size;
                        final long start = System.nanoTime();
                        for (int b = 0; b < size; b += Long.BYTES)
                        {
                            map.putLong(offset + b, i * 31L + b);
                        }
                        final int pageStart = offset - offset % PAGE;
                        map.force(pageStart, PAGE);
                        record(h, i, start);
                    }
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
        return h;
    }

    private void record(final Histogram h, final int i, final long start)
    {
        final long took = System.nanoTime() - start;
        if (i >= warmup)
        {
            h.recordValue(took);
        }
    }

    private static void fill(final ByteBuffer page, final int i)
    {
        page.clear();
        while (page.hasRemaining())
        {
            page.putLong(i * 31L + page.position());
        }
        page.flip();
    }

    /** Writes the file to its full length with data and forces it: every block allocated, nothing dirty. */
    private static void preallocate(final Path file, final long length) throws IOException
    {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            long position = 0;
            while (position < length)
            {
                chunk.clear().limit((int)Math.min(chunk.capacity(), length - position));
                position += channel.write(chunk, position);
            }
            channel.force(true);
        }
    }

    private static double us(final Histogram h, final double percentile)
    {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** fdatasync-append -> fdatasyncAppend. */
    private static String camel(final String mode)
    {
        final StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (final char c : mode.toCharArray())
        {
            if (c == '-')
            {
                upper = true;
            }
            else
            {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    /** fsync.txt, msync-sparse -> fsync-msync-sparse.hgrm beside it. */
    private static Path hgrmFile(final Path outFile, final String mode)
    {
        final String name = outFile.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        return outFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-" + mode + ".hgrm");
    }

    private static Path defaultOut()
    {
        Path root = Path.of("").toAbsolutePath();
        for (Path d = root; d != null; d = d.getParent())
        {
            if (Files.isDirectory(d.resolve("perf").resolve("src")))
            {
                root = d;
                break;
            }
        }
        return root.resolve("perf/results")
            .resolve(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()))
            .resolve("fsync.txt");
    }
}
