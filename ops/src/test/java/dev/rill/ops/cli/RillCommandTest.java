package dev.rill.ops.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.rill.bus.ErrorCode;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.bus.NamedPosition;
import dev.rill.journal.SubscriberPositionStore;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RillCommandTest
{
    @TempDir
    Path dir;

    @Test
    void badConfigExitsWithConfigInvalidAndOneLineNamingTheKeyWithoutStackTrace() throws Exception
    {
        final Path file = dir.resolve("rill.yaml");
        Files.writeString(file, "gateway:\n  port: 70000\n");
        final Output out = run("config", "validate", file.toString());
        assertEquals(ErrorCode.CONFIG_INVALID.code(), out.status);
        assertTrue(out.err.contains("gateway.port: value '70000' is invalid"), out.err);
        assertFalse(out.err.contains("\tat "), "no stack trace: " + out.err);
    }

    @Test
    void serveWithABrokenModelExitsWithModelInvalid() throws Exception
    {
        final Path model = dir.resolve("model/1");
        Files.createDirectories(model);
        Files.writeString(model.resolve("model.json"), "{ not json");
        Files.writeString(model.resolve("model.onnx"), "not onnx");
        final Path file = dir.resolve("rill.yaml");
        Files.writeString(file, "model:\n  directory: " + model + "\ngateway:\n  port: 0\n");
        final Output out = run("serve", "--config", file.toString(), "--data-dir", dir.resolve("data").toString());
        assertEquals(ErrorCode.MODEL_INVALID.code(), out.status, out.err);
        assertTrue(out.err.contains("model.json"), out.err);
        assertFalse(out.err.contains("\tat "), "no stack trace: " + out.err);
    }

    @Test
    void unknownOptionIsAUsageError()
    {
        final Output out = run("demo", "--rat", "5");
        assertEquals(ErrorCode.USAGE.code(), out.status);
        assertTrue(out.err.contains("--rat"), out.err);
    }

    @Test
    void journalTailPrintsTheLastResultsOfOut() throws Exception
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        final RillConfig config = new RillConfig(defaults.gateway().withPort(0), defaults.pipeline(), defaults.journal(),
            new ModelConfig(Path.of("..", "models", "fraud", "1"), "payments", 0), defaults.topics());
        try (RillServer server = RillServer.start(config);
            RillProducer producer = RillProducer.connect(ClientConfig.of("127.0.0.1", server.address().getPort()).withProducer(5, 1),
                new AckListener()
                {
                    @Override
                    public void onAck(final long seq)
                    {
                    }

                    @Override
                    public void onNack(final long seq, final ErrorCode code, final String message)
                    {
                    }
                }))
        {
            for (int i = 0; i < 30; i++)
            {
                producer.send("payments", 1000 + i, System.currentTimeMillis() * 1_000_000L, 25.0 + i, 5411, 14, 3.0, 400, 1);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(20)));
        }
        final Output out = run("journal", "tail", "--data-dir", dir.toString(), "-n", "5");
        assertEquals(0, out.status, out.err);
        final String[] lines = out.out.strip().split("\n");
        assertEquals(5, lines.length, out.out);
        assertTrue(lines[4].contains("producer=5 seq=30 key=1029") && lines[4].contains("model=fraud/1"), lines[4]);
    }

    @Test
    void journalTailOfAMissingDirectoryIsAClearJournalError()
    {
        final Output out = run("journal", "tail", "--data-dir", dir.resolve("nothing-here").toString());
        assertEquals(ErrorCode.JOURNAL_UNREADABLE.code(), out.status);
        assertTrue(out.err.contains("no journal directory"), out.err);
    }

    @Test
    void positionsListShowsNamedSubscribersAndRemoveForgetsOne() throws Exception
    {
        try (SubscriberPositionStore store = SubscriberPositionStore.open(dir, line -> { }))
        {
            store.register("billing", 41).commit(42);
            store.register("gone", NamedPosition.NOTHING);
        }
        final Output list = run("positions", "list", "--data-dir", dir.toString());
        assertEquals(0, list.status, list.err);
        assertEquals("billing 42\ngone -1", list.out.strip());
        final Output remove = run("positions", "remove", "gone", "--data-dir", dir.toString());
        assertEquals(0, remove.status, remove.err);
        assertEquals("billing 42", run("positions", "list", "--data-dir", dir.toString()).out.strip());
        final Output missing = run("positions", "remove", "nobody", "--data-dir", dir.toString());
        assertEquals(ErrorCode.JOURNAL_UNREADABLE.code(), missing.status);
        assertTrue(missing.err.contains("no named subscriber 'nobody'"), missing.err);
    }

    @Test
    void modelListChecksEveryVersionAndExitsModelInvalidWhenOneIsRefused() throws Exception
    {
        final java.nio.file.Path committed = java.nio.file.Path.of("..", "models", "fraud", "1");
        final java.nio.file.Path good = java.nio.file.Files.createDirectories(dir.resolve("models/fraud/1"));
        for (final String f : new String[] {"model.onnx", "model.json"})
        {
            java.nio.file.Files.copy(committed.resolve(f), good.resolve(f));
        }
        final Output ok = run("model", "list", "--models", dir.resolve("models").toString());
        assertEquals(0, ok.status, ok.err);
        assertTrue(ok.out.startsWith("fraud/1  ok  topic payments"), ok.out);

        final java.nio.file.Path broken = java.nio.file.Files.createDirectories(dir.resolve("models/fraud/2"));
        java.nio.file.Files.copy(committed.resolve("model.json"), broken.resolve("model.json"));
        java.nio.file.Files.write(broken.resolve("model.onnx"), new byte[] {1, 2, 3});
        final Output refused = run("model", "list", "--models", dir.resolve("models").toString());
        assertEquals(ErrorCode.MODEL_INVALID.code(), refused.status, refused.err);
        assertTrue(refused.out.contains("fraud/2  REFUSED: "), refused.out);
    }

    private static Output run(final String... args)
    {
        final PrintStream originalOut = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final CommandLine cmd = RillCommand.commandLine();
            cmd.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            final int status = cmd.execute(args);
            return new Output(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(originalOut);
        }
    }

    private record Output(int status, String out, String err)
    {
    }
}
