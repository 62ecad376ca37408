package dev.rill.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Test helper: finds and damages bytes of a journal's cycle files, the way a bad disk or copy would. */
public final class JournalFiles
{
    private static final int SEARCH_LIMIT = 8 << 20;

    private JournalFiles()
    {
    }

    /** @return the journal's cycle files ({@code *.cq4}), oldest first. */
    public static List<Path> cycleFiles(final Path journalDir)
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the position of the first occurrence of {@code text} (UTF-8) in the file's first 8 MiB. */
    public static long find(final Path file, final String text)
    {
        final byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file))
        {
            final ByteBuffer buffer = ByteBuffer.allocate((int)Math.min(channel.size(), SEARCH_LIMIT));
            channel.read(buffer, 0);
            final byte[] bytes = buffer.array();
            outer:
            for (int i = 0; i + needle.length <= buffer.position(); i++)
            {
                for (int j = 0; j < needle.length; j++)
                {
                    if (bytes[i + j] != needle[j])
                    {
                        continue outer;
                    }
                }
                return i;
            }
            throw new AssertionError("'" + text + "' not found in " + file);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips the bits of {@code mask} in the byte at {@code position}. */
    public static void flip(final Path file, final long position, final int mask)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ mask)).rewind();
            channel.write(one, position);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the 4-byte little-endian word at {@code position}. */
    public static int readInt(final Path file, final long position)
    {
        try (FileChannel channel = FileChannel.open(file))
        {
            final ByteBuffer word = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            channel.read(word, position);
            return word.getInt(0);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a 4-byte little-endian word at {@code position}. */
    public static void writeInt(final Path file, final long position, final int value)
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer word = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, value);
            channel.write(word, position);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the file to {@code size} bytes. */
    public static void truncate(final Path file, final long size)
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
