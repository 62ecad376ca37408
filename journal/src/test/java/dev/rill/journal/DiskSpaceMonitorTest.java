package dev.rill.journal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.DiskFullAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiskSpaceMonitorTest
{
    private static final long RESERVE = 1000;

    @TempDir
    Path dir;

    @Test
    void theListenerAndTheLogHearEachTransitionOnceNotEachCheck()
    {
        final AtomicLong free = new AtomicLong(5000);
        final List<Boolean> heard = new CopyOnWriteArrayList<>();
        final List<String> log = new CopyOnWriteArrayList<>();
        try (DiskSpaceMonitor monitor = new DiskSpaceMonitor("data", free::get, RESERVE, TimeUnit.HOURS.toNanos(1),
            DiskFullAction.PAUSE, (below, usable, reserve) -> heard.add(below), log::add))
        {
            monitor.check();
            assertFalse(monitor.belowReserve());
            assertEquals(List.of(), heard, "no transition, nothing heard");
            free.set(999);
            monitor.check();
            monitor.check();
            free.set(10);
            monitor.check();
            assertTrue(monitor.belowReserve());
            assertEquals(10, monitor.usableBytes());
            free.set(RESERVE); // exactly the reserve is enough
            monitor.check();
            monitor.check();
            assertFalse(monitor.belowReserve());
            assertEquals(List.of(true, false), heard);
            assertEquals(2, monitor.transitions());
            assertEquals(2, log.size(), log.toString());
            assertTrue(log.get(0).contains("999 B") && log.get(0).contains("paused") && log.get(0).contains("disk-full.md"), log.get(0));
        }
    }

    @Test
    void aDiskAlreadyFullAtStartIsKnownBeforeTheConstructorReturns()
    {
        final List<Boolean> heard = new CopyOnWriteArrayList<>();
        try (DiskSpaceMonitor monitor = new DiskSpaceMonitor("data", () -> 1, RESERVE, TimeUnit.HOURS.toNanos(1),
            DiskFullAction.REFUSE, (below, usable, reserve) -> heard.add(below), line -> { }))
        {
            assertTrue(monitor.belowReserve());
            assertEquals(List.of(true), heard);
        }
    }

    @Test
    void aFailingProbeKeepsTheLastStateAndIsLoggedOnceUntilItWorks()
    {
        final AtomicLong free = new AtomicLong(1);
        final List<String> log = new CopyOnWriteArrayList<>();
        try (DiskSpaceMonitor monitor = new DiskSpaceMonitor("data", free::get, RESERVE, TimeUnit.HOURS.toNanos(1),
            DiskFullAction.REFUSE, (below, usable, reserve) -> { }, log::add))
        {
            assertTrue(monitor.belowReserve());
            monitor.probe(() ->
            {
                throw new IllegalStateException("statvfs failed");
            });
            monitor.check();
            monitor.check();
            assertTrue(monitor.belowReserve(), "an unknown state is not taken for free space");
            assertEquals(2, log.size(), log.toString());
            assertTrue(log.get(1).contains("statvfs failed"), log.get(1));
            monitor.probe(free::get);
            free.set(RESERVE * 2);
            monitor.check();
            assertFalse(monitor.belowReserve());
        }
    }

    @Test
    void theThreadNoticesAChangeByItselfAndCloseStopsIt() throws Exception
    {
        final AtomicLong free = new AtomicLong(5000);
        final List<Boolean> heard = new CopyOnWriteArrayList<>();
        final DiskSpaceMonitor monitor = new DiskSpaceMonitor("data", free::get, RESERVE, TimeUnit.MILLISECONDS.toNanos(1),
            DiskFullAction.REFUSE, (below, usable, reserve) -> heard.add(below), line -> { });
        free.set(0);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (heard.isEmpty() && System.nanoTime() < deadline)
        {
            TimeUnit.MILLISECONDS.sleep(1);
        }
        assertEquals(List.of(true), heard);
        monitor.close();
        assertFalse(threadAlive(), "close stops the monitor thread");
    }

    @Test
    void aZeroReserveChecksNothingAndStartsNoThread()
    {
        try (DiskSpaceMonitor monitor = new DiskSpaceMonitor("data", () -> 0, 0, TimeUnit.MILLISECONDS.toNanos(1),
            DiskFullAction.REFUSE, (below, usable, reserve) -> { }, line -> { }))
        {
            assertFalse(monitor.belowReserve());
            assertFalse(threadAlive());
        }
    }

    @Test
    void theRealProbeReadsTheDataDirectorysFileStore()
    {
        try (DiskSpaceMonitor monitor = DiskSpaceMonitor.of(dir, 1, DiskFullAction.REFUSE, (below, usable, reserve) -> { }, line -> { }))
        {
            assertTrue(monitor.usableBytes() > 0, "usable bytes of the temp directory's file system");
            assertFalse(monitor.belowReserve());
        }
    }

    private static boolean threadAlive()
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("rill-disk-monitor") && t.isAlive());
    }
}
