package dev.rill.ops.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.RillProducer;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.ml.FraudFeatures;
import dev.rill.ops.RillServer;
import org.agrona.collections.Long2LongHashMap;

/**
 * The crash soak: a {@code rill serve} in its own JVM takes events from several idempotent
 * producers (reconnecting {@link RillProducer}s) and is killed with SIGKILL at random moments,
 * then restarted, {@code cycles} times; at the end it is stopped cleanly and both journals are
 * checked offline:
 *
 * <ul>
 * <li>every acknowledged (producer, seq) is in "in" exactly once, and nothing is in "in" twice;</li>
 * <li>every event of "in" has exactly one Result in "out", pointing back at its "in" index;</li>
 * <li>no producer saw an acknowledgement go backwards or out of order, and none was refused.</li>
 * </ul>
 *
 * Run by {@code CrashSoakTest} (a few cycles) and by {@code rill soak --cycles N} (hundreds).
 */
public final class CrashSoak
{
    /**
     * What to run.
     *
     * @param cycles        how many times the server is killed and restarted.
     * @param producers     concurrent idempotent producers.
     * @param minUpMillis   least time the server runs under load before it is killed.
     * @param maxUpMillis   most time.
     * @param workDir       holds the data directory, the config and the server logs.
     * @param modelDir      model version directory (model.onnx + model.json).
     * @param durability    "page-cache" or "sync".
     * @param seed          seed of the kill moments and event values.
     */
    public record Options(
        int cycles, int producers, long minUpMillis, long maxUpMillis, Path workDir, Path modelDir, String durability, long seed)
    {
    }

    /**
     * What happened.
     *
     * @param cycles          kills and restarts done.
     * @param acknowledged    events acknowledged, all producers.
     * @param inEvents        events in journal "in".
     * @param results         Results in journal "out".
     * @param reconnects      producer reconnections.
     * @param resent          events resent after reconnecting.
     * @param maxRecoveryMillis the longest recovery a restarted server reported.
     * @param maxStartMillis  the longest time from process start to serving.
     * @param violations      every broken promise found; empty when all held.
     */
    public record Report(
        int cycles, long acknowledged, long inEvents, long results, long reconnects, long resent, long maxRecoveryMillis,
        long maxStartMillis, List<String> violations)
    {
        public boolean passed()
        {
            return violations.isEmpty();
        }
    }

    private final Options options;
    private final PrintStream progress;
    private final List<String> violations = new ArrayList<>();

    public CrashSoak(final Options options, final PrintStream progress)
    {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the soak; returns its report (violations included, never thrown). */
    public Report run() throws IOException, InterruptedException
    {
        final Path dataDir = options.workDir().resolve("data");
        final Path logs = Files.createDirectories(options.workDir().resolve("logs"));
        final int port = freePort();
        final Path config = writeConfig(dataDir, port);
        final SplittableRandom random = new SplittableRandom(options.seed());

        ServerProcess server = ServerProcess.start(config, logs.resolve("server-0.log"), 120_000);
        final List<Producer> producers = new ArrayList<>();
        for (int i = 0; i < options.producers(); i++)
        {
            producers.add(new Producer(i + 1, port, random.split()));
        }
        producers.forEach(Producer::start);
        long maxRecovery = 0;
        long maxStart = 0;
        int cycle = 0;
        try
        {
            for (cycle = 1; cycle <= options.cycles(); cycle++)
            {
                final long up = options.minUpMillis() + random.nextLong(Math.max(1, options.maxUpMillis() - options.minUpMillis()));
                TimeUnit.MILLISECONDS.sleep(up);
                final long ackedBefore = acknowledged(producers);
                server.kill();
                server = ServerProcess.start(config, logs.resolve("server-" + cycle + ".log"), 120_000);
                maxRecovery = Math.max(maxRecovery, server.recoveryMillis());
                maxStart = Math.max(maxStart, server.startMillis());
                progress.printf("soak: cycle %d/%d: killed after %d ms with %,d acknowledged; restarted in %,d ms; %s%n",
                    cycle, options.cycles(), up, ackedBefore, server.startMillis(), server.recoveryLine());
                failedProducers(producers);
            }
            cycle = options.cycles();
            for (final Producer p : producers)
            {
                p.stopSending();
            }
            for (final Producer p : producers)
            {
                p.awaitDone();
            }
        }
        finally
        {
            producers.forEach(Producer::close);
            final int exit = server.stop();
            if (exit != 0 && exit != 128 + 15) // 143: the JVM's status after SIGTERM, once its shutdown hooks ran
            {
                violations.add("the last server did not stop cleanly: exit status " + exit);
            }
        }
        failedProducers(producers);
        final long[] counts = verify(dataDir, producers);
        long reconnects = 0;
        long resent = 0;
        for (final Producer p : producers)
        {
            reconnects += p.reconnects.get();
            resent += p.resent.get();
        }
        return new Report(cycle, acknowledged(producers), counts[0], counts[1], reconnects, resent, maxRecovery, maxStart,
            List.copyOf(violations));
    }

    private void failedProducers(final List<Producer> producers)
    {
        for (final Producer p : producers)
        {
            final String f = p.problem;
            if (f != null && !violations.contains(f))
            {
                violations.add(f);
            }
        }
    }

    private static long acknowledged(final List<Producer> producers)
    {
        long n = 0;
        for (final Producer p : producers)
        {
            n += p.ackedCount.get();
        }
        return n;
    }

    /**
     * Walks "in" and "out" side by side in constant memory: Results are appended in "in" order, so
     * the k-th Event of "in" must have the k-th Result of "out" (same in index, producer and seq),
     * and nothing may be left over on either side; each producer's seqs in "in" must go up by
     * exactly one (none twice, none skipped) and reach at least its last acknowledged seq.
     *
     * @return {events in "in", results in "out"}; adds violations.
     */
    private long[] verify(final Path dataDir, final List<Producer> producers)
    {
        final Long2LongHashMap lastSeq = new Long2LongHashMap(Long.MIN_VALUE);
        for (final Producer p : producers)
        {
            lastSeq.put(p.id, p.firstSeq - 1);
        }
        final MessageHeaderDecoder inHeader = new MessageHeaderDecoder();
        final MessageHeaderDecoder outHeader = new MessageHeaderDecoder();
        final long[] counts = new long[2];
        final long[] result = new long[3]; // in index, producer, seq of the Result just read
        final JournalConfig journal = JournalConfig.of(dataDir);
        try (ChronicleJournal in = ChronicleJournal.openReadOnly(journal, RillServer.IN);
            ChronicleJournal out = ChronicleJournal.openReadOnly(journal, RillServer.OUT);
            JournalReader inReader = in.newReader();
            JournalReader outReader = out.newReader())
        {
            inReader.toStart();
            outReader.toStart();
            final JournalReader.RecordHandler onOut = (index, buffer, offset, length) ->
            {
                outHeader.wrap(buffer, offset);
                final int base = offset + MessageHeaderDecoder.ENCODED_LENGTH;
                result[0] = buffer.getLong(base + ResultDecoder.inIndexEncodingOffset(), ResultDecoder.BYTE_ORDER);
                result[1] = buffer.getLong(base + ResultDecoder.producerIdEncodingOffset(), ResultDecoder.BYTE_ORDER);
                result[2] = buffer.getLong(base + ResultDecoder.seqEncodingOffset(), ResultDecoder.BYTE_ORDER);
                counts[1]++;
            };
            final JournalReader.RecordHandler onIn = (index, buffer, offset, length) ->
            {
                inHeader.wrap(buffer, offset);
                if (inHeader.templateId() != EventDecoder.TEMPLATE_ID)
                {
                    return;
                }
                final int base = offset + MessageHeaderDecoder.ENCODED_LENGTH;
                final long producer = buffer.getLong(base + EventDecoder.producerIdEncodingOffset(), EventDecoder.BYTE_ORDER);
                final long seq = buffer.getLong(base + EventDecoder.seqEncodingOffset(), EventDecoder.BYTE_ORDER);
                counts[0]++;
                final long previous = lastSeq.put(producer, seq);
                if (previous != Long.MIN_VALUE && seq != previous + 1 && violations.size() < 20)
                {
                    violations.add("producer " + producer + " seq " + seq + " at in index " + index + " follows seq " + previous +
                        (seq <= previous ? ": journaled twice or out of order" : ": seqs in between are missing"));
                }
                if (outReader.poll(onOut, 1) == 0)
                {
                    if (violations.size() < 20)
                    {
                        violations.add("in index " + index + " (producer " + producer + " seq " + seq + ") has no Result in \"out\"");
                    }
                }
                else if ((result[0] != index || result[1] != producer || result[2] != seq) && violations.size() < 20)
                {
                    violations.add("in index " + index + " (producer " + producer + " seq " + seq + ") is followed in \"out\" by a " +
                        "Result for in index " + result[0] + " (producer " + result[1] + " seq " + result[2] + ")");
                }
            };
            while (inReader.poll(onIn, 4096) > 0)
            {
                // all of "in"
            }
            final long resultsBefore = counts[1];
            while (outReader.poll(onOut, 4096) > 0)
            {
                // anything left in "out" has no event
            }
            if (counts[1] > resultsBefore)
            {
                violations.add((counts[1] - resultsBefore) + " Results in \"out\" after the last event of \"in\" (a second Result?)");
            }
        }
        for (final Producer p : producers)
        {
            final long journaledUpTo = lastSeq.get(p.id);
            if (journaledUpTo < p.ackedUpTo.get())
            {
                violations.add("producer " + p.id + ": acknowledged up to seq " + p.ackedUpTo.get() + " but \"in\" holds only up to " +
                    journaledUpTo);
            }
        }
        return counts;
    }

    private Path writeConfig(final Path dataDir, final int port) throws IOException
    {
        final Path config = options.workDir().resolve("rill-soak.yaml");
        Files.writeString(config, String.join("\n",
            "dataDir: " + dataDir.toAbsolutePath(),
            "gateway:",
            "  port: " + port,
            "admin:",
            "  port: 0",
            "model:",
            "  directory: " + options.modelDir().toAbsolutePath(),
            "durability:",
            "  mode: " + options.durability(),
            "checkpoint:",
            "  intervalSeconds: 1",
            ""));
        return config;
    }

    private static int freePort() throws IOException
    {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    /** One idempotent producer on its own thread, sending as fast as its window allows. */
    private final class Producer implements AckListener
    {
        final long id;
        final AtomicLong ackedUpTo = new AtomicLong();
        final AtomicLong ackedCount = new AtomicLong();
        final AtomicLong reconnects = new AtomicLong();
        final AtomicLong resent = new AtomicLong();
        final Thread thread;
        final SplittableRandom random;
        final RillProducer producer;
        final long firstSeq;
        volatile boolean sending = true;
        volatile String problem;

        Producer(final long id, final int port, final SplittableRandom random)
        {
            this.id = id;
            this.random = random;
            this.producer = RillProducer.connect(ClientConfig.of("127.0.0.1", port).withProducer(id, 1).withMaxInFlight(512)
                .withReconnect(true, Duration.ofMillis(20)), this);
            this.firstSeq = producer.nextSeq();
            this.ackedUpTo.set(firstSeq - 1);
            this.thread = new Thread(this::sendLoop, "rill-soak-producer-" + id);
        }

        void start()
        {
            thread.start();
        }

        void stopSending()
        {
            sending = false;
        }

        void awaitDone() throws InterruptedException
        {
            thread.join();
            if (!producer.awaitAllAcknowledged(Duration.ofSeconds(60)))
            {
                problem("producer " + id + ": " + producer.inFlight() + " events still unacknowledged 60 s after the last send");
            }
        }

        void close()
        {
            sending = false;
            producer.close();
        }

        private void sendLoop()
        {
            final byte[] topic = RillProducer.topic(FraudFeatures.payments().name());
            final double[] fields = new double[FraudFeatures.payments().fields().size()];
            try
            {
                while (sending)
                {
                    for (int i = 0; i < fields.length; i++)
                    {
                        fields[i] = random.nextDouble() * 100;
                    }
                    producer.send(topic, random.nextLong(1 << 20), System.currentTimeMillis() * 1_000_000L, fields, fields.length);
                }
            }
            catch (final RillClientException e)
            {
                problem("producer " + id + " failed: " + e.getMessage());
            }
        }

        private void problem(final String what)
        {
            if (problem == null)
            {
                problem = what;
            }
        }

        @Override
        public void onAck(final long seq)
        {
            final long previous = ackedUpTo.getAndSet(seq);
            if (seq != previous + 1)
            {
                problem("producer " + id + ": acknowledgement of seq " + seq + " after " + previous +
                    (seq <= previous ? ": it went backwards" : ": seqs in between were never acknowledged"));
            }
            ackedCount.incrementAndGet();
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            problem("producer " + id + ": seq " + seq + " refused: " + code + ": " + message);
        }

        @Override
        public void onReconnected(final int attempts, final long lastJournaledSeq, final int resentEvents)
        {
            reconnects.incrementAndGet();
            resent.addAndGet(resentEvents);
        }
    }
}
