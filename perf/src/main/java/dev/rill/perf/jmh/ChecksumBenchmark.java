package dev.rill.perf.jmh;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.BufferUtil;
import org.agrona.checksum.Crc32c;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Which CRC32C is cheaper for one journal record (114-byte payments Event, 150 bytes, 512 bytes):
 * Agrona's {@code Crc32c} on a raw address ({@code agrona}), or {@code java.util.zip.CRC32C} over a
 * reused direct {@link ByteBuffer} view ({@code jdk})? Both end in the same JDK intrinsic; the
 * question is the cost around it. Agrona's needs {@code --add-opens java.base/java.util.zip}, added
 * to this class's forks only. ns per checksum.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {
    RillJvmFlags.ADD_EXPORTS_MISC, RillJvmFlags.ADD_OPENS_NIO_CH, RillJvmFlags.ADD_OPENS_REFLECT,
    RillJvmFlags.ADD_EXPORTS_REF, RillJvmFlags.ADD_OPENS_NIO, RillJvmFlags.ADD_OPENS_LANG,
    RillJvmFlags.NO_ANALYTICS, RillJvmFlags.NO_ANNOUNCER, RillJvmFlags.NO_THREAD_CHECK,
    "--add-opens=java.base/java.util.zip=ALL-UNNAMED"})
public class ChecksumBenchmark extends RillBenchmark
{
    @Param({"114", "150", "512"})
    public int length;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer direct;
    private ByteBuffer view;
    private long address;

    @Setup
    public void setUp()
    {
        direct = BufferUtil.allocateDirectAligned(1024, 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(direct);
        for (int i = 0; i < 1024; i++)
        {
            buffer.putByte(i, (byte)(i * 31));
        }
        address = buffer.addressOffset();
        view = direct.duplicate();
    }

    @Benchmark
    public int agrona()
    {
        return Crc32c.INSTANCE.compute(address, 0, length);
    }

    @Benchmark
    public int jdk()
    {
        crc.reset();
        view.limit(length).position(0);
        crc.update(view);
        return (int)crc.getValue();
    }
}
