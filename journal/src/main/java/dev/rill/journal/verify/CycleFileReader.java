package dev.rill.journal.verify;

import java.io.IOException;

import dev.rill.journal.RecordChecksum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.rill.journal.ChronicleJournal;
import net.openhft.chronicle.wire.Wires;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Walks the entries of one Chronicle Queue cycle file with positional reads into a window of its
 * own: nothing is memory-mapped, so a file cut short, a damaged length word or a concurrent
 * truncation can only end the walk with an {@link Entry}, never fault the JVM (reading a mapped
 * file past its end raises SIGBUS).
 *
 * <p>The layout walked is Chronicle's: each entry is a 4-byte little-endian header word (bits 0-29
 * length, bit 30 metadata, bit 31 not complete; see {@link Wires}) and that many bytes, the next
 * header at the next 4-byte boundary. The file starts with metadata (the queue header and index
 * arrays, also interleaved later); a header word of 0 is where the writer would write next; the
 * end-of-cycle marker closes a cycle the writer rolled over from.
 *
 * <p>Owned by one thread. Allocates its window once.
 */
final class CycleFileReader implements AutoCloseable
{
    /** What the walk found at the current position. */
    enum Entry
    {
        /** A complete data record (one of ours); its bytes are in the window. */
        DATA,
        /** A complete metadata entry (Chronicle's header or index); its bytes are in the window if they fit. */
        METADATA,
        /** A header marked not complete: a writer is (or was) in the middle of it. */
        INCOMPLETE,
        /** A header word of 0: nothing written here yet, the end of the data. */
        UNWRITTEN,
        /** Chronicle's end-of-cycle marker. */
        END_OF_CYCLE,
        /** The file ends where a header should be. */
        FILE_ENDS,
        /** The header's length runs past the end of the file. */
        CUT,
        /** A data header claims more than {@link #MAX_RECORD_LENGTH} bytes: its length word is damaged. */
        OVERSIZED
    }

    /** Longest data record believed: Rill's records are below 5 KiB. */
    static final int MAX_RECORD_LENGTH = ChronicleJournal.MAX_RECORD_LENGTH;
    private static final int WINDOW_BYTES = 4 << 20;
    private static final int HEADER_LENGTH = Wires.SPB_HEADER_SIZE;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer window;
    private final ByteBuffer windowView;
    private final UnsafeBuffer windowBuffer;
    private long windowStart;
    private int windowLength;
    private long position;
    private long next;
    private int header;
    private boolean loaded;

    CycleFileReader(final Path path) throws IOException
    {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
        this.window = ByteBuffer.allocateDirect(WINDOW_BYTES);
        this.windowView = window.duplicate();
        this.windowBuffer = new UnsafeBuffer(window);
    }

    /** @return the file's size when opened. */
    long size()
    {
        return size;
    }

    /** @return the file. */
    Path path()
    {
        return path;
    }

    /** Makes the next {@link #advance} read the entry whose header is at {@code headerPosition}. */
    void seek(final long headerPosition)
    {
        next = headerPosition;
    }

    /**
     * Reads the header at the next position. After {@link Entry#DATA} and {@link Entry#METADATA}
     * the following call reads the entry after it; after anything else the walk cannot go on
     * (the same entry is returned again).
     */
    Entry advance() throws IOException
    {
        position = next;
        loaded = false;
        header = 0;
        if (position + HEADER_LENGTH > size)
        {
            return Entry.FILE_ENDS;
        }
        load(position, HEADER_LENGTH);
        header = windowBuffer.getInt(offsetOf(position), ByteOrder.LITTLE_ENDIAN);
        if (header == Wires.NOT_INITIALIZED)
        {
            return Entry.UNWRITTEN;
        }
        if (header == Wires.END_OF_DATA)
        {
            return Entry.END_OF_CYCLE;
        }
        if (Wires.isNotComplete(header))
        {
            return Entry.INCOMPLETE;
        }
        final int length = Wires.lengthOf(header);
        final boolean metadata = (header & Wires.META_DATA) != 0;
        if (!metadata && length > MAX_RECORD_LENGTH)
        {
            return Entry.OVERSIZED;
        }
        if (position + HEADER_LENGTH + length > size)
        {
            return Entry.CUT;
        }
        if (HEADER_LENGTH + length <= WINDOW_BYTES)
        {
            load(position, HEADER_LENGTH + length);
            loaded = true;
        }
        next = (position + HEADER_LENGTH + length + 3) & ~3L;
        return metadata ? Entry.METADATA : Entry.DATA;
    }

    /** @return the header position of the current entry. */
    long position()
    {
        return position;
    }

    /** @return the current entry's header word. */
    int header()
    {
        return header;
    }

    /** @return the current entry's length (bytes after the header). */
    int length()
    {
        return Wires.lengthOf(header);
    }

    /** @return the position of the header after the current entry. */
    long nextPosition()
    {
        return next;
    }

    /** @return true when the current entry's bytes are in the window ({@link #buffer}, {@link #offset}). */
    boolean loaded()
    {
        return loaded;
    }

    /** @return the window holding the current entry's bytes; valid until the next call. */
    UnsafeBuffer buffer()
    {
        return windowBuffer;
    }

    /** @return a {@link ByteBuffer} view of the same window, for checksums; the caller may move its position and limit. */
    ByteBuffer byteBuffer()
    {
        return windowView;
    }

    /** @return offset in the window of the current entry's first byte after its header. */
    int offset()
    {
        return offsetOf(position) + HEADER_LENGTH;
    }

    /**
     * @return whether any of the {@code length} bytes after {@code from} (within the file) is not zero:
     * data where the file should be empty.
     */
    boolean anyNonZero(final long from, final int length) throws IOException
    {
        final int n = (int)Math.min(length, size - from);
        if (n <= 0)
        {
            return false;
        }
        load(from, n);
        final int offset = offsetOf(from);
        for (int i = 0; i < n; i++)
        {
            if (windowBuffer.getByte(offset + i) != 0)
            {
                return true;
            }
        }
        return false;
    }

    /** @return the 4-byte word at {@code at}, or 0 past the end of the file. */
    int wordAt(final long at) throws IOException
    {
        if (at + HEADER_LENGTH > size)
        {
            return 0;
        }
        load(at, HEADER_LENGTH);
        return windowBuffer.getInt(offsetOf(at), ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @return true when a whole record starts at {@code at}: a header word without flags whose
     *         length is at most {@code maxLength}, and a payload that matches its CRC32C trailer.
     */
    boolean wholeRecordAt(final long at, final int maxLength, final RecordChecksum checksum) throws IOException
    {
        final int word = wordAt(at);
        final int length = word; // flags are the top two bits: a record with any set is not whole
        if (length < RecordChecksum.TRAILER_LENGTH + 8 || length > maxLength || at + HEADER_LENGTH + length > size)
        {
            return false;
        }
        load(at + HEADER_LENGTH, length);
        return checksum.matches(window, offsetOf(at + HEADER_LENGTH), length);
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
        BufferUtil.free(window);
    }

    private int offsetOf(final long at)
    {
        return (int)(at - windowStart);
    }

    private void load(final long from, final int length) throws IOException
    {
        if (from >= windowStart && from + length <= windowStart + windowLength)
        {
            return;
        }
        windowStart = from;
        window.clear();
        while (window.hasRemaining())
        {
            if (channel.read(window, windowStart + window.position()) < 0)
            {
                break;
            }
        }
        windowLength = window.position();
        if (windowLength < length)
        {
            throw new IOException(path + ": expected " + length + " bytes at " + from + ", the file has " +
                (windowLength) + " (was it cut while being read?)");
        }
    }
}
