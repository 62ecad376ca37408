package dev.rill.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The CRC32C every journal record carries: a 4-byte little-endian trailer after the payload,
 * computed over the payload only. A record on disk is {@code payload | crc32c(payload)}; readers
 * hand out the payload without the trailer.
 *
 * <p>Computed with {@link CRC32C} (a JDK intrinsic) over a direct {@link ByteBuffer} the caller
 * owns. Agrona's {@code Crc32c} on a raw address measured ~1.5 ns cheaper per record (see
 * {@code ChecksumBenchmark} in perf) but needs {@code --add-opens java.base/java.util.zip} on every
 * JVM that appends; the JDK class needs no flag.
 *
 * <p>Not thread-safe: one instance per owning thread (an appender, a reader, a verifier).
 * Allocates nothing after construction.
 */
public final class RecordChecksum
{
    /** Bytes of the trailer after each record's payload. */
    public static final int TRAILER_LENGTH = Integer.BYTES;
    /** Byte order of the trailer. */
    public static final ByteOrder TRAILER_ORDER = ByteOrder.LITTLE_ENDIAN;

    private final CRC32C crc = new CRC32C();

    /**
     * @param buffer a direct buffer the caller owns; its position and limit are changed.
     * @return the CRC32C of {@code length} bytes of {@code buffer} from {@code offset}.
     */
    public int compute(final ByteBuffer buffer, final int offset, final int length)
    {
        buffer.limit(offset + length).position(offset);
        crc.reset();
        crc.update(buffer);
        return (int)crc.getValue();
    }

    /**
     * @param buffer a buffer holding a stored record ({@code payload | trailer}) of {@code storedLength}
     *               bytes at {@code offset}; its position and limit are changed.
     * @return true when the trailer matches the payload.
     */
    public boolean matches(final ByteBuffer buffer, final int offset, final int storedLength)
    {
        final int payloadLength = storedLength - TRAILER_LENGTH;
        return payloadLength >= 0 && stored(buffer, offset, storedLength) == compute(buffer, offset, payloadLength);
    }

    /**
     * @param buffer its position and limit are reset.
     * @return the checksum stored in the trailer of a record of {@code storedLength} bytes at {@code offset}.
     */
    public static int stored(final ByteBuffer buffer, final int offset, final int storedLength)
    {
        buffer.clear();
        final int at = offset + storedLength - TRAILER_LENGTH;
        return (buffer.get(at) & 0xFF) | (buffer.get(at + 1) & 0xFF) << 8 | (buffer.get(at + 2) & 0xFF) << 16 |
            (buffer.get(at + 3) & 0xFF) << 24;
    }
}
