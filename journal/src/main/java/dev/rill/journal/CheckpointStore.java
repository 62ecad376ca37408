package dev.rill.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import dev.rill.bus.Journal;

/**
 * Checkpoint files in {@code <dataDir>/checkpoints}: written atomically (temporary file, fsync,
 * rename, fsync of the directory), each sealed with a CRC32C, the newest few kept.
 *
 * <p>File layout, little-endian: magic {@code RILLCKPT}, format version (int32), reserved
 * (int32), "in" index (int64), creation time in epoch milliseconds (int64), producer count n
 * (int32), feature-state length f (int32), n entries of producer id (int64), last seq (int64) and
 * epoch (int32), f bytes of feature state, then the CRC32C (int32) of everything before it. File
 * names carry the "in" index in hex, so the newest sorts last.
 *
 * <p>Not thread-safe: one writer thread ({@link CheckpointWriter}), reads at start.
 */
public final class CheckpointStore
{
    /** Directory of checkpoint files under the data directory. */
    public static final String DIRECTORY = "checkpoints";
    /** Checkpoint files kept; older ones are deleted after each successful write. */
    public static final int DEFAULT_KEEP = 3;

    private static final byte[] MAGIC = "RILLCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 2;
    private static final int FORMAT_WITHOUT_FEATURE_INDEX = 1;
    private static final int HEADER_V1 = 8 + 4 + 4 + 8 + 8 + 4 + 4;
    private static final int HEADER = HEADER_V1 + 8;
    private static final int ENTRY = 8 + 8 + 4;
    private static final String PREFIX = "checkpoint-";
    private static final String SUFFIX = ".ckpt";

    private final Path directory;
    private final int keep;

    /**
     * @param directory where the checkpoint files live (created on first write).
     * @param keep      how many files to keep, at least 2 so a damaged newest has a predecessor.
     */
    public CheckpointStore(final Path directory, final int keep)
    {
        if (keep < 2)
        {
            throw new IllegalArgumentException("keep " + keep + ": keep at least 2 checkpoints");
        }
        this.directory = directory;
        this.keep = keep;
    }

    /** @return the store of a data directory with the default number of files kept. */
    public static CheckpointStore in(final Path dataDir)
    {
        return new CheckpointStore(dataDir.resolve(DIRECTORY), DEFAULT_KEEP);
    }

    public Path directory()
    {
        return directory;
    }

    /** @return bytes a checkpoint of {@code producers} producers and {@code featureBytes} of feature state takes. */
    public static int encodedLength(final int producers, final int featureBytes)
    {
        return HEADER + producers * ENTRY + featureBytes + 4;
    }

    private static int encodedLength(final int format, final int producers, final int featureBytes)
    {
        return (format == FORMAT_WITHOUT_FEATURE_INDEX ? HEADER_V1 : HEADER) + producers * ENTRY + featureBytes + 4;
    }

    /**
     * Encodes a checkpoint into {@code buffer} from position 0 (the buffer must have
     * {@link #encodedLength} bytes); leaves it flipped, ready to write.
     */
    public static void encode(
        final ByteBuffer buffer, final long inIndex, final long createdEpochMillis, final ProducerTable producers,
        final long featureInIndex, final byte[] featureState)
    {
        buffer.clear().order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).putInt(FORMAT).putInt(0).putLong(inIndex).putLong(createdEpochMillis)
            .putInt(producers.size()).putInt(featureState.length).putLong(featureInIndex);
        producers.forEach(p -> buffer.putLong(p.id()).putLong(p.lastSeq()).putInt(p.epoch()));
        buffer.put(featureState);
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset(), buffer.position());
        buffer.putInt((int)crc.getValue());
        buffer.flip();
    }

    /**
     * Writes an encoded checkpoint atomically, then deletes all but the newest {@code keep}.
     *
     * @throws IOException when it cannot be written; the previous checkpoints are untouched.
     */
    public Path write(final ByteBuffer encoded, final long inIndex) throws IOException
    {
        Files.createDirectories(directory);
        final Path target = directory.resolve(fileName(inIndex));
        final Path temp = directory.resolve("." + fileName(inIndex) + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (encoded.hasRemaining())
            {
                channel.write(encoded);
            }
            channel.force(true);
        }
        try
        {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            throw new IOException("the filesystem of " + directory + " cannot rename atomically; " +
                "put the data directory on a local POSIX filesystem", e);
        }
        forceDirectory();
        prune();
        return target;
    }

    /**
     * Loads the newest checkpoint that reads back intact. Each damaged newer one is reported to
     * {@code warnings} (file and reason) and skipped.
     *
     * @return the checkpoint, or null when there is none (or none intact).
     */
    public Checkpoint loadNewestValid(final Consumer<String> warnings)
    {
        final List<Path> files = files();
        for (int i = files.size() - 1; i >= 0; i--)
        {
            final Path file = files.get(i);
            try
            {
                return read(file);
            }
            catch (final IOException e)
            {
                warnings.accept("checkpoint " + file + " is damaged (" + e.getMessage() + "); " +
                    (i > 0 ? "using the previous one, " + files.get(i - 1).getFileName() :
                        "no older checkpoint: rebuilding from all of journal \"in\""));
            }
        }
        return null;
    }

    /**
     * Loads every checkpoint that reads back intact, newest first; damaged ones are skipped
     * silently ({@link #loadNewestValid} reports them).
     */
    public List<Checkpoint> loadAllValid()
    {
        final List<Path> files = files();
        final List<Checkpoint> valid = new ArrayList<>();
        for (int i = files.size() - 1; i >= 0; i--)
        {
            try
            {
                valid.add(read(files.get(i)));
            }
            catch (final IOException ignore)
            {
                // reported by loadNewestValid
            }
        }
        return valid;
    }

    /** @return the checkpoint files, oldest first. */
    public List<Path> files()
    {
        final List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory))
        {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX))
        {
            stream.forEach(files::add);
        }
        catch (final IOException e)
        {
            throw new JournalException("cannot list checkpoints in " + directory + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return files;
    }

    /**
     * Reads one checkpoint file.
     *
     * @throws CheckpointDamagedException when it is truncated, not a checkpoint, or fails its CRC.
     */
    public static Checkpoint read(final Path file) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER_V1 + 4)
        {
            throw new CheckpointDamagedException("truncated: " + bytes.length + " bytes, a checkpoint has at least " + (HEADER_V1 + 4));
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC))
        {
            throw new CheckpointDamagedException("not a Rill checkpoint (bad magic)");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        final int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int)crc.getValue() != stored)
        {
            throw new CheckpointDamagedException("checksum mismatch: stored " + Integer.toHexString(stored) + ", computed " +
                Integer.toHexString((int)crc.getValue()));
        }
        final int format = b.getInt();
        if (format != FORMAT && format != FORMAT_WITHOUT_FEATURE_INDEX)
        {
            throw new CheckpointDamagedException("format " + format + " is not supported by this version (reads " +
                FORMAT_WITHOUT_FEATURE_INDEX + " and " + FORMAT + ")");
        }
        b.getInt();
        final long inIndex = b.getLong();
        final long created = b.getLong();
        final int count = b.getInt();
        final int featureLength = b.getInt();
        final long featureInIndex = format == FORMAT_WITHOUT_FEATURE_INDEX ? Journal.NO_INDEX : b.getLong();
        if (count < 0 || featureLength < 0 || encodedLength(format, count, featureLength) != bytes.length)
        {
            throw new CheckpointDamagedException("lengths do not add up: " + count + " producers, " + featureLength +
                " feature bytes, file of " + bytes.length + " bytes");
        }
        final ProducerTable producers = new ProducerTable();
        for (int i = 0; i < count; i++)
        {
            producers.restore(b.getLong(), b.getLong(), b.getInt());
        }
        final byte[] features = new byte[featureLength];
        b.get(features);
        return new Checkpoint(inIndex, created, producers, featureInIndex, features, file);
    }

    private static String fileName(final long inIndex)
    {
        return PREFIX + String.format("%016x", inIndex) + SUFFIX;
    }

    private void prune() throws IOException
    {
        final List<Path> files = files();
        for (int i = 0; i < files.size() - keep; i++)
        {
            Files.deleteIfExists(files.get(i));
        }
    }

    private void forceDirectory()
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ignore)
        {
            // some filesystems cannot open a directory for fsync; the rename is still atomic
        }
    }

    /** A checkpoint file that does not read back intact. */
    public static final class CheckpointDamagedException extends IOException
    {
        private static final long serialVersionUID = 1L;

        public CheckpointDamagedException(final String message)
        {
            super(message);
        }
    }
}
