package dev.rill.ops.replay;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

import dev.rill.bus.ErrorCode;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalException;
import dev.rill.ops.RillServer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

/**
 * {@code rill replay publish}: appends replayed Results to journal "out" as corrections, so that
 * subscribers learn the corrected decisions. A correction is the replayed Result with the flags
 * CORRECTION and REPLAYED and {@code correctsOutIndex} naming the original Result; it keeps the
 * event's in index, producer, seq and key, and names the model version that re-scored it.
 *
 * <p><b>Which.</b> By default only the Results whose decision the replay reverses at the threshold
 * ({@link Selection#FLIPPED}); with {@link Selection#CHANGED} every Result whose score changed.
 *
 * <p><b>Once.</b> Before appending, the whole of "out" is read for corrections already there; a
 * Result whose original already has a correction by the same model name and version is not
 * published again, so running the publish twice (or again after it was interrupted) publishes each
 * correction once. Two publishes at the same time on one data directory are prevented by a lock
 * file ({@code <dataDir>/replay/.publish.lock}).
 *
 * <p><b>Beside the server.</b> It runs in its own process and appends through {@link ChronicleJournal},
 * as the server does: Chronicle Queue serialises appenders of one queue across processes with the
 * queue's write lock (held for the copy of one record, about 0.2 µs), and every record carries its
 * CRC32C trailer as any other. The server's readers of "out" pass corrections over where order by
 * in index matters (recovery, retention); its subscriptions deliver them within 100 ms. {@code rate}
 * bounds the appends a second (default 10,000), and so the share of the write lock and of the
 * subscribers' bandwidth a publish takes.
 *
 * <p>Runs on the caller's thread.
 */
public final class CorrectionPublisher
{
    /** Default most corrections appended a second. */
    public static final long DEFAULT_RATE = 10_000;
    /** The lock file that keeps two publishes apart, under the replay directory. */
    public static final String LOCK_FILE = ".publish.lock";

    /** Which replayed Results become corrections. */
    public enum Selection
    {
        /** Those whose decision the replay reverses at the threshold. */
        FLIPPED,
        /** Those whose score changed at all. */
        CHANGED
    }

    /**
     * What a publish did.
     *
     * @param published           corrections appended.
     * @param alreadyPublished    selected Results whose original already had a correction by this model version.
     * @param selected            replayed Results selected (flipped, or changed).
     * @param matched             replayed Results matched with an original.
     * @param missing             replayed Results without an original in "out".
     * @param firstOutIndex       index of the first correction appended, -1 for none.
     * @param lastOutIndex        index of the last correction appended, -1 for none.
     * @param threshold           the threshold decisions were compared at.
     */
    public record Outcome(
        long published, long alreadyPublished, long selected, long matched, long missing, long firstOutIndex, long lastOutIndex,
        double threshold)
    {
    }

    /** A correction already in "out": the original it corrects and the model that re-scored it. */
    private record Published(long correctsOutIndex, String modelName, int modelVersion)
    {
    }

    private CorrectionPublisher()
    {
    }

    /**
     * Publishes the corrections of an output.
     *
     * @param threshold the decision threshold, NaN for the output model's own.
     * @param rate      most corrections a second, 0 for no limit.
     * @throws ReplayException for an output that is missing or incomplete, a publish already running,
     *                         or "out" missing.
     */
    public static Outcome publish(
        final JournalConfig journal, final ReplayOutput output, final Selection selection, final double threshold, final long rate)
    {
        final ReplayManifest manifest = output.readManifest();
        final double t = Double.isNaN(threshold) ? manifest.threshold() : threshold;
        try (FileChannel lockFile = lockFile(journal.dataDir()); FileLock lock = tryLock(lockFile, journal.dataDir()))
        {
            final Set<Published> existing = new HashSet<>();
            try (OutResults scan = OutResults.open(journal, (outIndex, corrects, inIndex, modelName, modelVersion) ->
                existing.add(new Published(corrects, modelName, modelVersion))))
            {
                scan.drain();
            }
            return append(journal, output, manifest, selection, t, rate, existing);
        }
        catch (final IOException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "cannot use the publish lock in " + ReplayOutput.root(journal.dataDir()) +
                ": " + e.getMessage());
        }
    }

    private static Outcome append(
        final JournalConfig journal, final ReplayOutput output, final ReplayManifest manifest, final Selection selection,
        final double threshold, final long rate, final Set<Published> existing)
    {
        if (!Files.isDirectory(journal.directoryOf(RillServer.OUT)))
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "journal out: no journal directory " +
                journal.directoryOf(RillServer.OUT) + "; check --data-dir (the server's dataDir)");
        }
        final ChronicleJournal out;
        try
        {
            out = ChronicleJournal.open(journal.withPretouch(false), RillServer.OUT);
        }
        catch (final JournalException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, e.getMessage());
        }
        final ResultRecordEncoder encoder = new ResultRecordEncoder();
        final EpochNanoClock clock = new SystemEpochNanoClock();
        final RatePacer pacer = new RatePacer(rate);
        final long[] counts = new long[4]; // published, already published, selected, matched
        final long[] indexes = {-1, -1};
        final byte[] modelName = manifest.model().getBytes(StandardCharsets.UTF_8);
        final ReplayDiff.Counts missing = new ReplayDiff.Counts(threshold);
        try (out; OutResults originals = new OutResults(out, null); ReplayCursor replayed = ReplayCursor.open(output, manifest))
        {
            ReplayDiff.match(replayed, originals, threshold, missing, (r, original, flipped) ->
            {
                counts[3]++;
                final boolean selected = selection == Selection.FLIPPED ? flipped :
                    Double.doubleToLongBits(r.score()) != Double.doubleToLongBits(original.score());
                if (!selected)
                {
                    return;
                }
                counts[2]++;
                if (existing.contains(new Published(original.outIndex(), r.modelName(), r.modelVersion())))
                {
                    counts[1]++;
                    return;
                }
                final byte flags = (byte)(r.flags() | ResultRecordEncoder.REPLAYED | ResultRecordEncoder.CORRECTION);
                final int length = encoder.begin(r.inIndex(), r.producerId(), r.seq(), r.key(), r.eventTimeNanos(),
                    r.ingestTimeNanos(), r.scoredTimeNanos(), clock.nanoTime(), r.modelVersion(), flags, r.score(), original.outIndex())
                    .finish(r.topic().getBytes(StandardCharsets.UTF_8), r.modelName().equals(manifest.model()) ? modelName :
                        r.modelName().getBytes(StandardCharsets.UTF_8));
                final long index = out.append(encoder.buffer(), 0, length);
                indexes[0] = indexes[0] == -1 ? index : indexes[0];
                indexes[1] = index;
                counts[0]++;
                pacer.pace(counts[0]);
            });
            out.sync(); // corrections are not acknowledged events, but once published they should stay
        }
        return new Outcome(counts[0], counts[1], counts[2], counts[3], missing.missing, indexes[0], indexes[1], threshold);
    }

    private static FileChannel lockFile(final Path dataDir) throws IOException
    {
        final Path root = Files.createDirectories(ReplayOutput.root(dataDir));
        return FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileLock tryLock(final FileChannel channel, final Path dataDir) throws IOException
    {
        FileLock lock = null;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException e)
        {
            // held by this JVM
        }
        if (lock == null)
        {
            throw new ReplayException(ErrorCode.USAGE, "another `rill replay publish` is running on " + dataDir + " (it holds " +
                ReplayOutput.root(dataDir).resolve(LOCK_FILE) + "); wait for it to finish, then run this one again");
        }
        return lock;
    }
}
