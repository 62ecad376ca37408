package dev.rill.perf.jmh;

import java.util.concurrent.TimeUnit;

import dev.rill.bus.EventSlot;
import dev.rill.journal.ChronicleJournal;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does {@link ChronicleJournal#append} of one record cost alone (memory-mapped, page
 * cache, no fsync), for the real SBE payments Event ({@code record=event}, the bytes journal "in"
 * stores) and for a 150-byte record ({@code record=150})? ns per append.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    RillJvmFlags.ADD_EXPORTS_MISC, RillJvmFlags.ADD_OPENS_NIO_CH, RillJvmFlags.ADD_OPENS_REFLECT,
    RillJvmFlags.ADD_EXPORTS_REF, RillJvmFlags.ADD_OPENS_NIO, RillJvmFlags.ADD_OPENS_LANG,
    RillJvmFlags.NO_ANALYTICS, RillJvmFlags.NO_ANNOUNCER, RillJvmFlags.NO_THREAD_CHECK})
public class ChronicleAppendBenchmark
{
    @Param({"event", "150"})
    public String record;

    private BenchJournals journals;
    private ChronicleJournal in;
    private UnsafeBuffer buffer;
    private int length;

    @Setup(Level.Trial)
    public void setUp()
    {
        journals = new BenchJournals();
        in = journals.in();
        if ("event".equals(record))
        {
            final EventSlot slot = new EventSlot(512, 32);
            length = new PaymentEvents(1, 5).fill(slot, 0, 1, 42, 1, System.nanoTime());
            buffer = slot.encoded();
        }
        else
        {
            length = Integer.parseInt(record);
            buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
            for (int i = 0; i < length; i++)
            {
                buffer.putByte(i, (byte)i);
            }
        }
        System.out.println("record " + record + ": " + length + " bytes");
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        journals.close();
    }

    @Benchmark
    public long append()
    {
        return in.append(buffer, 0, length);
    }
}
