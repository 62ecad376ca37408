package dev.rill.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The file format of the named subscribers' positions: small, text (an operator can read it),
 * checksummed, and replaced atomically.
 *
 * <pre>
 * # rill subscriber positions: name, last out index processed (-1: none)
 * audit -1
 * billing 89258010345472
 * crc32c 5d4f1a2b
 * </pre>
 *
 * <p>The last line is the CRC-32C of every byte before it. {@link #write} writes a temporary
 * file beside the real one, forces it to disk, renames it over the real one (an atomic replace)
 * and forces the directory, so after a crash the file holds either the old positions or the new
 * ones, never a mix. Stateless; any thread, one writer at a time per file.
 */
public final class SubscriberPositionFile
{
    /** Names are what a subscriber may call itself: 1 to 64 of A-Z a-z 0-9 . _ - */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private static final String HEADER = "# rill subscriber positions: name, last out index processed (-1: none)\n";
    private static final String CRC = "crc32c ";

    private SubscriberPositionFile()
    {
    }

    /**
     * @return the positions in the file by name; empty when the file does not exist.
     * @throws JournalException when the file cannot be read, its checksum does not match, or a
     *                          line is not "name index"; the message names the file and what to do.
     */
    public static Map<String, Long> read(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException e)
        {
            return new TreeMap<>();
        }
        catch (final IOException e)
        {
            throw new JournalException("subscriber positions " + file + ": cannot read: " + e.getMessage(), e);
        }
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final int crcLine = text.lastIndexOf(CRC);
        if (crcLine < 0 || (crcLine > 0 && text.charAt(crcLine - 1) != '\n'))
        {
            throw corrupt(file, "it has no checksum line");
        }
        final String stored = text.substring(crcLine + CRC.length()).strip();
        final String actual = crc(text.substring(0, crcLine).getBytes(StandardCharsets.UTF_8));
        if (!stored.equals(actual))
        {
            throw corrupt(file, "its checksum is " + actual + " but the file says " + stored);
        }
        final Map<String, Long> positions = new TreeMap<>();
        int lineNumber = 0;
        for (final String line : text.substring(0, crcLine).split("\n"))
        {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final String[] parts = line.strip().split(" ");
            if (parts.length != 2 || !NAME.matcher(parts[0]).matches())
            {
                throw corrupt(file, "line " + lineNumber + " is not 'name index'");
            }
            try
            {
                positions.put(parts[0], Long.parseLong(parts[1]));
            }
            catch (final NumberFormatException e)
            {
                throw corrupt(file, "line " + lineNumber + " has no index");
            }
        }
        return positions;
    }

    /**
     * Replaces the file with these positions, atomically and durably (temporary file, fsync,
     * rename, fsync of the directory).
     *
     * @throws IOException when any step fails; the old file is then unchanged.
     */
    public static void write(final Path file, final Map<String, Long> positions) throws IOException
    {
        final StringBuilder text = new StringBuilder(HEADER);
        for (final Map.Entry<String, Long> e : new TreeMap<>(positions).entrySet())
        {
            text.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        final byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        final byte[] trailer = (CRC + crc(body) + "\n").getBytes(StandardCharsets.UTF_8);
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp,
            StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.allocate(body.length + trailer.length).put(body).put(trailer).flip();
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ))
        {
            directory.force(true); // makes the rename itself durable
        }
    }

    private static String crc(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return String.format("%08x", crc.getValue());
    }

    private static JournalException corrupt(final Path file, final String why)
    {
        return new JournalException("subscriber positions " + file + " are corrupt: " + why + ". Restore the file from a " +
            "backup, or, accepting that every named subscriber restarts from the oldest Result still in journal out, " +
            "move it away and start again");
    }
}
