package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary's durability and recovery sections, from the JSON lines the probes and loads write. */
class LoadSummaryTest
{
    @TempDir
    Path dir;

    @Test
    void showsPageCacheAgainstSyncTheRawForceCostAndRecovery() throws Exception
    {
        Files.writeString(dir.resolve("rill-saturate.txt"), "rill-saturate: text\n{\"label\":\"rill-saturate\",\"ackedRate\":1000000.0}\n");
        Files.writeString(dir.resolve("rill-sync-saturate.txt"), "{\"label\":\"rill-sync-saturate\",\"ackedRate\":250000.0}\n");
        Files.writeString(dir.resolve("rill-rate.txt"),
            "{\"label\":\"rill-rate\",\"offeredRate\":100000,\"ackedRate\":100000.0,\"p50Us\":160.0,\"p99Us\":1200.0,\"p999Us\":4000.0,\"maxUs\":8000.0," +
                "\"acked\":1500000,\"resultsSeen\":1500000,\"subP50Us\":210.0,\"subP99Us\":1500.0,\"subP999Us\":4500.0,\"subMaxUs\":9000.0}\n");
        Files.writeString(dir.resolve("rill-sync-rate.txt"),
            "{\"label\":\"rill-sync-rate\",\"offeredRate\":100000,\"ackedRate\":99000.0,\"p50Us\":480.0,\"p99Us\":3600.0,\"p999Us\":9000.0,\"maxUs\":20000.0}\n");
        Files.writeString(dir.resolve("fsync.txt"), "fsync-probe: text\n{\"label\":\"fsync\",\"iterations\":2000," +
            "\"msyncSparseP50Us\":141.1,\"msyncSparseP90Us\":156.5,\"msyncSparseP99Us\":220.0,\"msyncSparseP999Us\":275.2,\"msyncSparseMaxUs\":275.2}\n");
        Files.writeString(dir.resolve("recovery.txt"), "recovery-probe: text\n{\"label\":\"recovery\",\"events\":10000000,\"producers\":100," +
            "\"unpublished\":1000,\"dataBytes\":2443153408,\"jvmBaselineMs\":184,\"checkpointAcceptMs\":1283,\"checkpointRecoveryMs\":756," +
            "\"checkpointScanned\":100000,\"checkpointDistance\":100000,\"fullScanAcceptMs\":1869,\"fullScanRecoveryMs\":1375," +
            "\"fullScanScanned\":10004200,\"fullScanDistance\":-1}\n");
        Files.writeString(dir.resolve("rill-search.txt"), "{\"label\":\"rill-search\",\"searchBestRate\":390625}\n");
        Files.writeString(dir.resolve("echo-search.txt"), "{\"label\":\"echo-search\",\"searchBestRate\":781250}\n");

        final String summary = LoadSummary.summarise(dir);

        assertTrue(summary.contains("| saturation throughput, acked events/s | 1,000,000 | 250,000 | 0.25x |"), summary);
        assertTrue(summary.contains("| p99 ack latency at 100,000 events/s offered (us) | 1,200.0 | 3,600.0 | 3.00x |"), summary);
        assertTrue(summary.contains("| 210.0 / 1,500.0 / 4,500.0 / 9,000.0 | no Results | | Results seen 1,500,000 of 1,500,000 acked |"),
            summary);
        assertTrue(summary.contains("| msync of a fresh page of a sparse mapped file | 141.1 | 156.5 | 220.0 | 275.2 | 275.2 |"),
            summary);
        assertFalse(summary.contains("fdatasync"), "modes not run are left out");
        assertTrue(summary.contains("acks keeping up, events/s | 390,625 | 781,250 | 0.50x |"), summary);
        assertTrue(summary.contains("| checkpoint 100,000 events before the end | 100,000 | 1,283 | 756 | accepting <= 2,000 ms: met |"), summary);
        assertTrue(summary.contains("| no checkpoint (all of \"in\") | 10,004,200 | 1,869 | 1,375 |  |"), summary);
    }

    @Test
    void leavesOutTheSectionsOfSkippedRuns() throws Exception
    {
        final String summary = LoadSummary.summarise(dir);

        assertFalse(summary.contains("Durability"), summary);
        assertFalse(summary.contains("Recovery"), summary);
    }
}
