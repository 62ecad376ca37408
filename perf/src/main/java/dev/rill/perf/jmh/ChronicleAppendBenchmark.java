package dev.rill.perf.jmh;


import dev.rill.bus.EventSlot;
import dev.rill.journal.ChronicleJournal;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does {@link ChronicleJournal#append} of one record cost alone (memory-mapped, page
 * cache, no fsync), for the real SBE payments Event ({@code record=event}, the bytes journal "in"
 * stores) and for a 150-byte record ({@code record=150})? ns per append.
 */
@State(Scope.Thread)
public class ChronicleAppendBenchmark extends RillBenchmark
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
