package dev.rill.ops.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.rill.bus.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeCorruptJournalTest
{
    @TempDir
    Path dir;

    private JournalFixture fixture;
    private Path config;
    private Path data;

    @BeforeEach
    void writeJournalsAndAConfiguration() throws Exception
    {
        data = dir.resolve("data");
        fixture = JournalFixture.write(data);
        config = dir.resolve("rill.yaml");
        Files.writeString(config, "model:\n  directory: " + Path.of("..", "models", "fraud", "1").toAbsolutePath() +
            "\ngateway:\n  port: 0\njournal:\n  pretouch: false\n");
    }

    @Test
    void serveRefusesACorruptJournalWithExitStatus23AndSaysWhereAndWhatToDo()
    {
        final Path file = fixture.file("in").path();
        JournalFixture.flip(file, fixture.positionOf("in", fixture.in.get(3)) + 20);

        final CommandRun run = CommandRun.of("serve", "--config", config.toString(), "--data-dir", data.toString());
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status(), run.out() + run.err());
        assertTrue(run.err().startsWith("rill: JOURNAL_CORRUPT: journal 'in' is corrupt: file " + file.getFileName() +
            ", index " + fixture.in.get(3) + ": corrupt: checksum mismatch"), run.err());
        assertTrue(run.err().contains("run `rill journal verify`; start with --quarantine-corrupt to move the damaged file aside"),
            run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertTrue(Files.exists(file), "nothing is moved without --quarantine-corrupt");
    }

    @Test
    void aRefusedStartLeavesACutFileAsItWasForTheOperator()
    {
        final Path file = fixture.file("out").path();
        final long cut = fixture.positionOf("out", fixture.out.get(4)) + 10;
        JournalFixture.truncate(file, cut);

        final CommandRun run = CommandRun.of("serve", "--config", config.toString(), "--data-dir", data.toString());
        assertEquals(ErrorCode.JOURNAL_CORRUPT.code(), run.status(), run.out() + run.err());
        assertTrue(run.err().contains("journal 'out' is corrupt: file " + file.getFileName() + ", index " + fixture.out.get(4) +
            ": truncated"), run.err());
        assertEquals(cut, file.toFile().length(), "Chronicle never opened it for writing (it would re-extend the file)");
    }

    @Test
    void serveWithQuarantineCorruptMovesTheDamagedFileAsideSaysSoAndStarts() throws Exception
    {
        final Path file = fixture.file("in").path();
        JournalFixture.truncate(file, fixture.positionOf("in", fixture.in.get(4)) + 12);

        final PrintStream originalOut = System.out;
        final CountDownLatch servingOrEnded = new CountDownLatch(1);
        final ByteArrayOutputStream out = new ByteArrayOutputStream()
        {
            @Override
            public synchronized void write(final byte[] b, final int off, final int len)
            {
                super.write(b, off, len);
                if (toString(StandardCharsets.UTF_8).contains("rill: serving on"))
                {
                    servingOrEnded.countDown();
                }
            }
        };
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final AtomicInteger status = new AtomicInteger(-1);
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        final Thread serve = new Thread(() ->
        {
            try
            {
                final CommandLine cmd = RillCommand.commandLine();
                cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
                status.set(cmd.execute("serve", "--config", config.toString(), "--data-dir", data.toString(),
                    "--quarantine-corrupt", "--stats-interval", "0"));
            }
            finally
            {
                servingOrEnded.countDown(); // a server that stops at once must not leave the test waiting
            }
        }, "serve-under-test");
        try
        {
            serve.start();
            assertTrue(servingOrEnded.await(60, TimeUnit.SECONDS), "serve neither served nor ended within 60 s");
            final String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("rill: serving on"), printed + err.toString(StandardCharsets.UTF_8));
            final Path moved = data.resolve("quarantine").resolve("in").resolve(file.getFileName());
            assertTrue(printed.contains("rill: quarantined journal 'in' file " + file.getFileName() + " (index " + fixture.in.get(4) +
                ": truncated"), printed);
            assertTrue(printed.contains("moved to " + moved.toAbsolutePath()), printed);
            assertTrue(printed.contains("the 4 records (indexes " + fixture.in.get(0) + " to " + fixture.in.get(3) + ") found in it, " +
                "and any after its damage, are no longer in the journal"), printed);
            assertTrue(Files.exists(moved), "moved aside");
            assertFalse(Files.exists(file), "and gone from the journal");
        }
        finally
        {
            serve.interrupt();
            serve.join(TimeUnit.SECONDS.toMillis(60));
            System.setOut(originalOut);
        }
        assertEquals(0, status.get(), err.toString(StandardCharsets.UTF_8));
    }
}
