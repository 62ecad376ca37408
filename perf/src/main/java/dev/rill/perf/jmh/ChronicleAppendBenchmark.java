package dev.rill.perf.jmh;

import dev.rill.bus.EventSlot;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.Durability;
import dev.rill.journal.JournalConfig;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
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
 * What does {@link ChronicleJournal#append} of one record cost alone (memory-mapped), next to the
 * same bytes through a bare Chronicle Queue appender, for the real SBE payments Event
 * ({@code record=event}, the 117 bytes journal "in" stores) and a 150-byte record
 * ({@code record=150}), in both durability modes? ns per append.
 * <ul>
 *   <li>{@code journalAppend}: Rill's journal "in" as the server opens it (FAST_DAILY roll cycle,
 *       pretoucher thread on): the record copied into the journal's own buffer, its CRC32C trailer
 *       added, then Chronicle's raw-bytes write.</li>
 *   <li>{@code bareAppend}: the raw baseline: a bare {@code SingleChronicleQueue} in the same
 *       directory with the same roll cycle and Chronicle's default block size (ChronicleJournal sets
 *       neither more nor less), {@code ExcerptAppender.writeBytes} of a {@code PointerBytesStore}
 *       over the record's direct address: no copy, no CRC, no pretoucher. It uses the same
 *       Chronicle call as the journal, not {@code writingDocument()}, because that is the cheapest
 *       bare path (the document context costs ~35 ns more per append, see ChronicleJournal), so
 *       the ratio is the journal's overhead over the best Chronicle can do.</li>
 * </ul>
 * {@code durability}: {@code page-cache} appends only (what an acknowledgement waits for by
 * default). {@code sync} opens both queues with Chronicle's {@code SyncMode.SYNC} (as
 * {@code ChronicleJournal.open(config, name, Durability.SYNC)} does) and forces the mapped chunk
 * to disk (msync up to the write position, the calls of {@link ChronicleJournal#sync()}) after
 * every {@value #SYNC_EVERY} appends, as the journal stage does once per batch of up to
 * {@code pipeline.maxBatch} (128) events; the score is per append, the force amortised over 128.
 * The sync figures depend on the disk under {@code -Drill.perf.dir} (default: the temp
 * directory); on tmpfs ({@code /dev/shm}) msync does nothing.
 *
 * <p>What the figures hold besides the append: the bare queue has no pretoucher, so
 * {@code bareAppend} takes its own page faults (one per new 4 KiB page) where the journal's
 * pretoucher thread takes them for {@code journalAppend}; on a disk-backed directory the bare
 * figure can therefore be the higher one (seen in a short, noisy run: 530 against 390 ns for the
 * Event). {@code -prof gc}: ~0 B per append in page-cache mode; in sync mode 1-2 B per append in
 * both variants, i.e. ~130-230 B per force, allocated inside Chronicle's {@code syncUpTo}, not by
 * Rill.
 */
@State(Scope.Thread)
public class ChronicleAppendBenchmark extends RillBenchmark
{
    /** Appends per force in sync mode: the pipeline's default batch bound. */
    public static final int SYNC_EVERY = 128;

    @Param({"event", "150"})
    public String record;

    @Param({"page-cache", "sync"})
    public String durability;

    private BenchJournals journals;
    private ChronicleJournal in;
    private boolean sync;
    private UnsafeBuffer buffer;
    private int length;
    private int journalAppends;
    private SingleChronicleQueue bareQueue;
    private ExcerptAppender bareAppender;
    private PointerBytesStore bareSource;
    private int bareAppends;

    @Setup(Level.Trial)
    public void setUp()
    {
        final Durability mode = Durability.ofConfigName(durability);
        if (mode == null)
        {
            throw new IllegalArgumentException("durability must be page-cache or sync, found " + durability);
        }
        sync = mode == Durability.SYNC;
        journals = new BenchJournals(mode);
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
        final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(journals.directory().resolve("bare"))
            .rollCycle(RollCycles.valueOf(JournalConfig.DEFAULT_ROLL_CYCLE));
        if (sync)
        {
            builder.syncMode(SyncMode.SYNC);
        }
        bareQueue = builder.build();
        bareAppender = bareQueue.createAppender();
        bareSource = new PointerBytesStore();
        bareSource.set(buffer.addressOffset(), length);
        System.out.println("record " + record + ": " + length + " bytes, durability " + mode);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        bareAppender.close();
        bareSource.releaseLast();
        bareQueue.close();
        journals.close();
    }

    @Benchmark
    public long journalAppend()
    {
        final long index = in.append(buffer, 0, length);
        if (sync && ++journalAppends == SYNC_EVERY)
        {
            journalAppends = 0;
            in.sync();
        }
        return index;
    }

    @Benchmark
    public long bareAppend()
    {
        final ExcerptAppender a = bareAppender;
        a.writeBytes(bareSource);
        if (sync && ++bareAppends == SYNC_EVERY)
        {
            bareAppends = 0;
            final Bytes<?> bytes = a.wire().bytes();
            if (bytes.bytesStore() instanceof MappedBytesStore)
            {
                ((MappedBytesStore)bytes.bytesStore()).syncUpTo(bytes.writePosition(), SyncMode.SYNC);
            }
        }
        return a.lastIndexAppended();
    }
}
