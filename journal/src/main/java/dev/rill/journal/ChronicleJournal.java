package dev.rill.journal;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link Journal} on a Chronicle Queue: memory-mapped files, one per roll cycle, records as raw
 * bytes (no Chronicle Wire marshalling: our SBE records are already encoded), each followed by a
 * 4-byte CRC32C trailer ({@link RecordChecksum}) that readers check and strip.
 *
 * <p>The appender is created lazily by the first {@link #append} call and belongs to that thread.
 * Appending copies the record into the journal's own direct buffer, adds the trailer, and writes
 * both into the mapped file ({@code ExcerptAppender.writeBytes} of a {@link PointerBytesStore} view
 * of that buffer); reading copies the record into the reader's own direct buffer, checks it and
 * hands out the payload. Neither allocates in steady state (a record larger than any before grows
 * the buffer once). A reader throws {@link JournalCorruptException} on a damaged record.
 *
 * <p>A writable journal counts which cycle files its appenders and tailers hold (a
 * {@link CycleFileUsers}, Chronicle's store-file listener) and offers them to retention through
 * {@link #cycleFiles()}.
 *
 * <p>With {@link JournalConfig#pretouch()} the first append also starts a {@link JournalPretoucher}
 * (one daemon thread, parked between runs) that faults in the pages ahead of the appender;
 * {@link #close()} stops it before the queue is closed.
 */
public final class ChronicleJournal implements Journal
{
    /**
     * Longest record a reader believes (payload and trailer): Rill's records are below 5 KiB, so a
     * longer one has a damaged length word, and copying it would read past the mapped file.
     */
    public static final int MAX_RECORD_LENGTH = 1 << 20;

    /**
     * A test hook for the performance regression gate only ({@code perf/gate-selftest.sh}): with
     * {@code -Drill.perf.extraCopyBytes=N} (N &gt; 0) every append also copies its record, again and
     * again, into a preallocated scratch buffer until N bytes were copied, a known slowdown the gate
     * must catch. 0 (the default) does nothing: the field is static final, so the JIT drops the branch.
     * Never set it in production.
     */
    private static final int EXTRA_COPY_BYTES = Integer.getInteger("rill.perf.extraCopyBytes", 0);

    private final String name;
    private final Path directory;
    private final ChronicleQueue queue;
    private final JournalCycleFiles cycleFiles;
    private final boolean pretouch;
    private final long pretouchIntervalNanos;
    private ExcerptAppender appender;
    private PointerBytesStore source;
    private JournalPretoucher pretoucher;
    private final RecordChecksum appendChecksum = new RecordChecksum();
    private final UnsafeBuffer scratch = new UnsafeBuffer(0, 0);
    private ByteBuffer scratchView;
    private final UnsafeBuffer extraCopy = EXTRA_COPY_BYTES > 0 ?
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.align(EXTRA_COPY_BYTES, 64), 64)) : null;

    private ChronicleJournal(
        final String name,
        final Path directory,
        final ChronicleQueue queue,
        final JournalCycleFiles cycleFiles,
        final boolean pretouch,
        final long pretouchIntervalNanos)
    {
        this.name = name;
        this.directory = directory;
        this.queue = queue;
        this.cycleFiles = cycleFiles;
        this.pretouch = pretouch;
        this.pretouchIntervalNanos = pretouchIntervalNanos;
        growScratch(1024);
    }

    /**
     * Opens (creating if needed) the named journal under the configured data directory.
     *
     * @throws JournalException when the directory cannot be created or the queue cannot be opened.
     */
    public static ChronicleJournal open(final JournalConfig config, final String name)
    {
        return open(config, name, (TimeProvider)null);
    }

    /**
     * As {@link #open(JournalConfig, String)}; with {@link Durability#SYNC} every mapped chunk and
     * cycle file the appender leaves behind is forced to disk as it is released, so that
     * {@link #sync()} only has the current chunk to force.
     */
    public static ChronicleJournal open(final JournalConfig config, final String name, final Durability durability)
    {
        return open(config, name, null, JournalPretoucher.DEFAULT_INTERVAL_NANOS, durability);
    }

    /** As {@link #open(JournalConfig, String)}, with a clock for the roll cycle (tests roll without waiting). */
    static ChronicleJournal open(final JournalConfig config, final String name, final TimeProvider time)
    {
        return open(config, name, time, JournalPretoucher.DEFAULT_INTERVAL_NANOS);
    }

    /** As {@link #open(JournalConfig, String, TimeProvider)}, with the pretoucher's interval (tests run it hard). */
    static ChronicleJournal open(
        final JournalConfig config, final String name, final TimeProvider time, final long pretouchIntervalNanos)
    {
        return open(config, name, time, pretouchIntervalNanos, Durability.PAGE_CACHE);
    }

    private static ChronicleJournal open(
        final JournalConfig config,
        final String name,
        final TimeProvider time,
        final long pretouchIntervalNanos,
        final Durability durability)
    {
        final Path dir = config.directoryOf(name);
        try
        {
            Files.createDirectories(dir);
        }
        catch (final Exception e)
        {
            throw new JournalException("journal '" + name + "': cannot create directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir))
        {
            throw new JournalException("journal '" + name + "': directory " + dir + " is not writable");
        }
        try
        {
            final CycleFileUsers users = new CycleFileUsers(); // retention deletes no cycle file this process holds
            final SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(RollCycles.valueOf(config.rollCycle()))
                .storeFileListener(users);
            if (time != null)
            {
                builder.timeProvider(time);
            }
            if (durability == Durability.SYNC)
            {
                builder.syncMode(SyncMode.SYNC);
            }
            final SingleChronicleQueue queue = builder.build();
            final JournalCycleFiles cycleFiles = new JournalCycleFiles(name, dir, queue, users,
                time != null ? time : SystemTimeProvider.INSTANCE);
            return new ChronicleJournal(name, dir, queue, cycleFiles, config.pretouch(), pretouchIntervalNanos);
        }
        catch (final JournalException e)
        {
            throw e;
        }
        catch (final RuntimeException e)
        {
            throw new JournalException("journal '" + name + "': cannot open queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens an existing journal for reading only (tools such as {@code rill journal tail}).
     *
     * @throws JournalException when there is no journal in the directory.
     */
    public static ChronicleJournal openReadOnly(final JournalConfig config, final String name)
    {
        final Path dir = config.directoryOf(name);
        if (!Files.isDirectory(dir))
        {
            throw new JournalException("journal '" + name + "': no journal directory " + dir +
                "; check --data-dir (the server's dataDir)");
        }
        try
        {
            final ChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(RollCycles.valueOf(config.rollCycle()))
                .readOnly(true)
                .build();
            return new ChronicleJournal(name, dir, queue, null, false, 0);
        }
        catch (final RuntimeException e)
        {
            throw new JournalException("journal '" + name + "': cannot open queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        ExcerptAppender a = appender;
        if (a == null)
        {
            a = createAppender();
        }
        final int stored = length + RecordChecksum.TRAILER_LENGTH;
        if (stored > scratch.capacity())
        {
            growScratch(stored);
        }
        // Copy, then checksum the copy: one path for heap and direct sources, and the CRC intrinsic
        // needs a ByteBuffer. Then Chronicle's raw-bytes path: no DocumentContext, ~35 ns less per
        // append than writingDocument() + unsafeWrite (JMH, see perf/README.md).
        scratch.putBytes(0, buffer, offset, length);
        scratch.putInt(length, appendChecksum.compute(scratchView, 0, length), RecordChecksum.TRAILER_ORDER);
        source.set(scratch.addressOffset(), stored);
        a.writeBytes(source);
        if (EXTRA_COPY_BYTES > 0)
        {
            copyRepeatedly(buffer, offset, length, extraCopy, EXTRA_COPY_BYTES);
        }
        final JournalPretoucher p = pretoucher;
        if (p != null)
        {
            p.onAppend(a.wire().bytes());
        }
        return a.lastIndexAppended();
    }

    @Override
    public void sync()
    {
        final ExcerptAppender a = appender;
        if (a == null)
        {
            return;
        }
        // msync(MS_SYNC) of the mapped chunk from the last synced page up to the write position;
        // chunks and cycle files left behind were synced as they were released (syncMode SYNC).
        final Bytes<?> bytes = a.wire().bytes();
        if (bytes.bytesStore() instanceof MappedBytesStore)
        {
            ((MappedBytesStore)bytes.bytesStore()).syncUpTo(bytes.writePosition(), SyncMode.SYNC);
        }
    }

    @Override
    public JournalReader newReader()
    {
        return new Reader(queue.createTailer());
    }

    @Override
    public long firstIndex()
    {
        final long first = queue.firstIndex();
        return first == Long.MAX_VALUE || queue.lastIndex() < 0 ? NO_INDEX : first;
    }

    @Override
    public long lastIndex()
    {
        final long last = queue.lastIndex();
        return last < 0 ? NO_INDEX : last;
    }

    @Override
    public long recordsFrom(final long index)
    {
        final long last = lastIndex();
        if (last == NO_INDEX || index > last)
        {
            return 0;
        }
        final long from = Math.max(index, firstIndex());
        final RollCycle rollCycle = queue.rollCycle();
        if (rollCycle.toCycle(from) == rollCycle.toCycle(last))
        {
            return last - from + 1; // sequence numbers are contiguous within a cycle: no file is opened
        }
        return ((SingleChronicleQueue)queue).countExcerpts(from, last) + 1; // both opens build a SingleChronicleQueue
    }

    @Override
    public String name()
    {
        return name;
    }

    /**
     * Counts records from Chronicle's index, without reading them: for progress and estimates
     * (tools, not the pipeline). Any thread; opens a short-lived tailer.
     *
     * @return records with an index in [fromIndex, toIndex).
     */
    public long countRecords(final long fromIndex, final long toIndex)
    {
        return fromIndex >= toIndex ? 0 : ((SingleChronicleQueue)queue).countExcerpts(fromIndex, toIndex); // both builders make one
    }

    /** @return the directory holding this journal's files. */
    public Path directory()
    {
        return directory;
    }

    @Override
    public void close()
    {
        if (pretoucher != null)
        {
            pretoucher.close(); // first: it touches the queue's mappings
        }
        if (appender != null)
        {
            appender.close();
            source.releaseLast();
        }
        queue.close();
    }

    /**
     * @return this journal's cycle files, for retention.
     * @throws IllegalStateException for a journal opened read-only (it never deletes).
     */
    JournalCycleFiles cycleFiles()
    {
        if (cycleFiles == null)
        {
            throw new IllegalStateException("journal '" + name + "' is open read-only: retention runs in the server only");
        }
        return cycleFiles;
    }

    /** @return the running pretoucher, or null before the first append or without pretouch. */
    JournalPretoucher pretoucher()
    {
        return pretoucher;
    }

    private ExcerptAppender createAppender()
    {
        final ExcerptAppender a = queue.createAppender();
        source = new PointerBytesStore(); // a view of the caller's direct buffer, re-pointed per append
        appender = a;
        if (pretouch)
        {
            pretoucher = new JournalPretoucher(name, JournalPretoucher.DEFAULT_AHEAD_BYTES, pretouchIntervalNanos);
        }
        return a;
    }

    /**
     * The gate's deliberate slowdown ({@link #EXTRA_COPY_BYTES}): copies the record into {@code into}
     * at increasing offsets until {@code bytes} bytes were copied (the last copy cut short).
     *
     * @return the bytes copied.
     */
    static int copyRepeatedly(
        final DirectBuffer buffer, final int offset, final int length, final UnsafeBuffer into, final int bytes)
    {
        int copied = 0;
        while (copied < bytes && length > 0)
        {
            final int n = Math.min(length, bytes - copied);
            into.putBytes(copied, buffer, offset, n);
            copied += n;
        }
        return copied;
    }

    private void growScratch(final int length)
    {
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(BitUtil.align(Math.max(length, scratch.capacity() * 2), 64), 64);
        scratch.wrap(bytes);
        scratchView = bytes.duplicate();
    }

    /**
     * A Chronicle tailer copying each record into a reusable direct buffer and checking its CRC32C
     * there, so the bytes handed out are exactly the bytes checked.
     *
     * <p>On a record that is shorter than its trailer or fails its checksum, {@link #poll} throws
     * {@link JournalCorruptException} and stays on that record (the next poll throws again): a
     * damaged record is never handed out and never skipped silently. A caller that wants to go on
     * past it moves the reader with {@link #moveToAtOrAfter} to the next index.
     */
    private final class Reader implements JournalReader
    {
        private final ExcerptTailer tailer;
        private final UnsafeBuffer record = new UnsafeBuffer(0, 0);
        private final RecordChecksum checksum = new RecordChecksum();
        private ByteBuffer recordView;
        private int capacity;

        Reader(final ExcerptTailer tailer)
        {
            this.tailer = tailer;
            grow(1024);
        }

        @Override
        public void toStart()
        {
            tailer.toStart();
        }

        @Override
        public void toEnd()
        {
            tailer.toEnd();
        }

        @Override
        public boolean moveTo(final long index)
        {
            return tailer.moveToIndex(index);
        }

        @Override
        public boolean moveToAtOrAfter(final long index)
        {
            if (tailer.moveToIndex(index))
            {
                return true;
            }
            final long first = firstIndex();
            final long last = lastIndex();
            if (first == NO_INDEX || index < first || index > last + 1)
            {
                return false;
            }
            if (index == last + 1)
            {
                tailer.toEnd();
                return true;
            }
            // Past the end of its cycle: resume at the first record of the next cycle that has one.
            final RollCycle rollCycle = queue.rollCycle();
            final int lastCycle = rollCycle.toCycle(last);
            for (int cycle = rollCycle.toCycle(index) + 1; cycle <= lastCycle; cycle++)
            {
                if (tailer.moveToCycle(cycle))
                {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int poll(final RecordHandler handler, final int limit)
        {
            int read = 0;
            while (read < limit)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    if (dc.isMetaData())
                    {
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final long remaining = bytes.readRemaining();
                    if (remaining > MAX_RECORD_LENGTH)
                    {
                        dc.rollbackOnClose();
                        throw corrupt(dc.index(), String.format("the record claims %,d bytes: its length word is damaged", remaining));
                    }
                    final int stored = (int)remaining;
                    if (stored > capacity)
                    {
                        grow(stored);
                    }
                    bytes.nativeRead(bytes.readPosition(), record.addressOffset(), stored);
                    final int length = stored - RecordChecksum.TRAILER_LENGTH;
                    if (length < 0 || !checksum.matches(recordView, 0, stored))
                    {
                        dc.rollbackOnClose();
                        throw corrupt(dc.index(), reasonOf(stored));
                    }
                    handler.onRecord(dc.index(), record, 0, length);
                    read++;
                }
            }
            return read;
        }

        @Override
        public long nextIndex()
        {
            return tailer.index();
        }

        @Override
        public void close()
        {
            tailer.close();
        }

        private String reasonOf(final int stored)
        {
            return stored < RecordChecksum.TRAILER_LENGTH ?
                "record of " + stored + " bytes is shorter than its " + RecordChecksum.TRAILER_LENGTH + "-byte checksum" :
                String.format("checksum mismatch: stored CRC32C %08x, computed %08x over the %d-byte payload",
                    RecordChecksum.stored(recordView, 0, stored), checksum.compute(recordView, 0, stored - RecordChecksum.TRAILER_LENGTH),
                    stored - RecordChecksum.TRAILER_LENGTH);
        }

        private JournalCorruptException corrupt(final long index, final String reason)
        {
            final File file = tailer.currentFile();
            return new JournalCorruptException(name, file == null ? "(unknown file)" : file.getName(), index, reason,
                JournalCorruptException.VERIFY_ADVICE);
        }

        private void grow(final int length)
        {
            capacity = Math.max(length, capacity * 2);
            final ByteBuffer bytes = BufferUtil.allocateDirectAligned(BitUtil.align(capacity, 64), 64);
            record.wrap(bytes);
            recordView = bytes.duplicate();
        }
    }
}
