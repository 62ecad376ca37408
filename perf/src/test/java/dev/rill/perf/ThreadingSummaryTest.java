package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** threading.md from the files run-threading.sh writes: one row per combination, CPU as a share of a core. */
class ThreadingSummaryTest
{
    @TempDir
    Path dir;

    @Test
    void rowsShowCpuPerCoreEventsPerCpuSecondAndMarkARunThatDidNotKeepUp() throws Exception
    {
        Files.writeString(dir.resolve("combos.txt"), "io1-fused-parking\nio1-diamond-yielding\nio2-fused-parking\n");
        combo("io1-fused-parking", 700_000, 100_000, 8.0, 10.0, 0.15, 5.0);
        combo("io1-diamond-yielding", 200_000, 90_000, 12.0, 10.0, 9.0, 5.0);
        Files.writeString(dir.resolve("io2-fused-parking-rate.txt"), "{\"offeredRate\":100000,\"ackedRate\":100000.0}\n");

        final String table = ThreadingSummary.summarise(dir);

        // 8 CPU-s in 10 s = 80 % of a core; 100,000 events/s / 0.8 cores = 125,000 events per CPU-second; 0.15 / 5 = 3 %.
        assertTrue(table.contains("| io1-fused-parking | 700,000 | 100,000 | 150 | 1,500 | 4,000 | 80.0 | 125,000 | 3.0 | 0.5 / 1.5 |"), table);
        assertTrue(table.contains("| io1-diamond-yielding | 200,000 | 90,000* | 150 | 1,500 | 4,000 | 120.0 | 75,000 | 180.0 |"), table);
        assertTrue(table.contains("| io2-fused-parking | n/a | 100,000 | n/a | n/a | n/a | n/a | n/a | n/a | n/a / n/a |"),
            "missing files show as n/a: " + table);
    }

    private void combo(final String name, final double saturation, final double acked, final double rateCpu, final double rateWall,
        final double idleCpu, final double idleWall) throws Exception
    {
        Files.writeString(dir.resolve(name + "-saturate.txt"), name + "-saturate: text\n{\"ackedRate\":" + saturation + "}\n");
        Files.writeString(dir.resolve(name + "-rate.txt"), "{\"offeredRate\":100000,\"ackedRate\":" + acked +
            ",\"p50Us\":150.0,\"p99Us\":1500.0,\"p999Us\":4000.0}\n");
        Files.writeString(dir.resolve(name + "-cpu.txt"), "{\"rateCpuSeconds\":" + rateCpu + ",\"rateWallSeconds\":" + rateWall +
            ",\"idleCpuSeconds\":" + idleCpu + ",\"idleWallSeconds\":" + idleWall + ",\"loadBefore\":0.5,\"loadAfter\":1.5}\n");
    }
}
