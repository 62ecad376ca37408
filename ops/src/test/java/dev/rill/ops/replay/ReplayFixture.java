package dev.rill.ops.replay;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.ops.cli.RillCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helpers for replays: producing events, reading Result journals, running {@code rill} in this JVM or another. */
final class ReplayFixture
{
    private ReplayFixture()
    {
    }

    /** A Result as a journal holds it. */
    record Res(long outIndex, long inIndex, long producerId, long seq, long key, double score, int modelVersion, byte flags,
        long correctsOutIndex, String modelName)
    {
        boolean correction()
        {
            return (flags & (1 << 3)) != 0;
        }

        boolean replayed()
        {
            return (flags & (1 << 2)) != 0;
        }
    }

    /** What a run of the command line printed and returned. */
    record Run(int status, String out, String err)
    {
        /** Fails when the command printed a stack trace. */
        Run noStackTrace()
        {
            assertFalse(err.contains("\tat ") || out.contains("\tat ") || err.contains("Exception"), "a stack trace:\n" + err);
            return this;
        }
    }

    /** Runs {@code rill ARGS} in this JVM, as main would. */
    static Run cli(final String... args)
    {
        final dev.rill.ops.cli.CommandRun run = dev.rill.ops.cli.CommandRun.of(args);
        return new Run(run.status(), run.out(), run.err());
    }

    /** Runs {@code rill ARGS} as its own JVM (this JVM's class path and module flags), waits for it. */
    static Run process(final Path log, final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle.") || arg.startsWith("-Ddisable.") ||
                arg.startsWith("--enable-native-access") || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RillCommand.class.getName());
        command.addAll(List.of(args));
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("rill " + String.join(" ", args) + " did not finish in 120 s; see " + log);
        }
        final String output = Files.readString(log);
        return new Run(p.exitValue(), output, output);
    }

    /**
     * Sends {@code fields.size()} payments as one producer and waits for every Ack.
     *
     * @param pauseEvery park 40 ms after this many events (0: no pause), so checkpoints fall mid-stream.
     */
    static void produce(final int port, final long producerId, final List<double[]> fields, final long[] keys, final long[] times,
        final int pauseEvery)
    {
        final ClientConfig client = ClientConfig.of("127.0.0.1", port).withProducer(producerId, 1).withMaxInFlight(256);
        try (RillProducer producer = RillProducer.connect(client, new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                throw new AssertionError("event " + seq + " refused: " + code + " " + message);
            }
        }))
        {
            final byte[] topic = RillProducer.topic("payments");
            for (int i = 0; i < fields.size(); i++)
            {
                producer.send(topic, keys[i], times[i], fields.get(i), fields.get(i).length);
                if (pauseEvery > 0 && i % pauseEvery == pauseEvery - 1)
                {
                    LockSupport.parkNanos(40_000_000L);
                }
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)), "every event acknowledged");
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
    }

    /**
     * Sends generated payments as one producer, one every 2 ms, while {@code go} says so, then waits for every Ack.
     *
     * @return events sent.
     */
    static int produceWhile(final int port, final long producerId, final java.util.function.BooleanSupplier go)
    {
        final ClientConfig client = ClientConfig.of("127.0.0.1", port).withProducer(producerId, 1);
        final dev.rill.ml.train.FraudDataGenerator generator = new dev.rill.ml.train.FraudDataGenerator(producerId);
        final double[] fields = new double[dev.rill.ml.FraudFeatures.PAYMENT_FIELDS.size()];
        int sent = 0;
        try (RillProducer producer = RillProducer.connect(client, new AckListener()
        {
            @Override
            public void onAck(final long seq)
            {
            }

            @Override
            public void onNack(final long seq, final ErrorCode code, final String message)
            {
                throw new AssertionError("event " + seq + " refused: " + code + " " + message);
            }
        }))
        {
            final byte[] topic = RillProducer.topic("payments");
            while (go.getAsBoolean())
            {
                generator.next(fields);
                producer.send(topic, generator.lastCardId(), System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                sent++;
                LockSupport.parkNanos(2_000_000L);
            }
            assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(60)), "every event acknowledged");
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
        return sent;
    }

    /** @return every Result of the journal {@code name} under {@code dir}, in journal order. */
    static List<Res> results(final Path dir, final String name)
    {
        final List<Res> results = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ResultDecoder r = new ResultDecoder();
        try (ChronicleJournal journal = ChronicleJournal.openReadOnly(JournalConfig.of(dir), name);
            JournalReader reader = journal.newReader())
        {
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                r.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                final long inIndex = r.inIndex();
                final byte flags = (byte)r.flags().getRaw();
                r.skipTopic();
                results.add(new Res(index, inIndex, r.producerId(), r.seq(), r.key(), r.score(), r.modelVersion(), flags,
                    r.correctsOutIndex(), r.modelName()));
            }, 1000) > 0)
            {
                // to the end
            }
        }
        return results;
    }

    /** @return the live Results (not corrections) by in index. */
    static Map<Long, Res> byInIndex(final List<Res> results)
    {
        final Map<Long, Res> map = new LinkedHashMap<>();
        for (final Res r : results)
        {
            if (!r.correction() && map.put(r.inIndex(), r) != null)
            {
                throw new AssertionError("two live Results for in index " + r.inIndex());
            }
        }
        return map;
    }

    /** Waits (parking) until the condition holds, or fails after the timeout. */
    static void await(final String what, final java.util.function.BooleanSupplier condition, final long seconds)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /** @return a handler adding every Result a subscriber receives to {@code into}. */
    static dev.rill.gateway.client.ResultHandler collect(final List<ReplayFixture.Res> into)
    {
        return r ->
        {
            final long outIndex = r.outIndex();
            final long inIndex = r.inIndex();
            final byte flags = (byte)r.flags().getRaw();
            final long corrects = dev.rill.gateway.client.ResultHandler.correctedOutIndex(r);
            assertEquals(dev.rill.gateway.client.ResultHandler.isCorrection(r), corrects != -1);
            final ReplayFixture.Res res = new ReplayFixture.Res(outIndex, inIndex, r.producerId(), r.seq(), r.key(), r.score(),
                r.modelVersion(), flags, r.correctsOutIndex(), skipTopicThenModel(r));
            into.add(res);
        };
    }

    private static String skipTopicThenModel(final dev.rill.bus.codec.ResultDecoder r)
    {
        r.skipTopic();
        return r.modelName();
    }
}
