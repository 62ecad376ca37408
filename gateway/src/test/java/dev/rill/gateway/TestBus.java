package dev.rill.gateway;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Pipeline;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.Stage;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.TopicSchema;
import dev.rill.bus.metrics.PipelineLatencies;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalStage;
import dev.rill.journal.PublishStage;
import org.agrona.concurrent.OffsetEpochNanoClock;

/**
 * A real bus for gateway tests: Chronicle journals in a temp directory, the Disruptor pipeline
 * and the Netty gateway on a free loopback port. Scoring is a stand-in here (score = first field)
 * because these tests are about the gateway; the ops module's end-to-end test uses the ONNX model.
 */
final class TestBus implements AutoCloseable
{
    static final TopicSchema PAYMENTS = new TopicSchema("payments", List.of("amount", "hour"));

    final ChronicleJournal in;
    final ChronicleJournal out;
    final Pipeline pipeline;
    final Gateway gateway;
    final InetSocketAddress address;

    TestBus(final Path dir, final PipelineConfig pipelineConfig, final long scoringDelayNanos) throws Exception
    {
        this(dir, pipelineConfig, scoringDelayNanos, GatewayConfig.defaults().withPort(0));
    }

    TestBus(final Path dir, final PipelineConfig pipelineConfig, final long scoringDelayNanos, final GatewayConfig gatewayConfig)
        throws Exception
    {
        this(dir, pipelineConfig, scoringDelayNanos, gatewayConfig, gateway -> { });
    }

    /** @param beforeStart configures the gateway after it is wired and before it binds (disk action, positions). */
    TestBus(final Path dir, final PipelineConfig pipelineConfig, final long scoringDelayNanos, final GatewayConfig gatewayConfig,
        final Consumer<Gateway> beforeStart) throws Exception
    {
        final OffsetEpochNanoClock clock = new OffsetEpochNanoClock();
        final TopicRegistry topics = new TopicRegistry(List.of(PAYMENTS));
        final JournalConfig journalConfig = JournalConfig.of(dir);
        in = ChronicleJournal.open(journalConfig, "in");
        out = ChronicleJournal.open(journalConfig, "out");
        gateway = new Gateway(gatewayConfig, topics, clock);
        final Stage scoring = new Stage()
        {
            @Override
            public void onEvent(final EventSlot slot, final long sequence, final boolean endOfBatch)
            {
                if (scoringDelayNanos > 0 && endOfBatch)
                {
                    LockSupport.parkNanos(scoringDelayNanos);
                }
                slot.scored(slot.fields()[0], 1, clock.nanoTime(), (byte)0);
            }

            @Override
            public String name()
            {
                return "first-field";
            }
        };
        pipeline = new Pipeline(pipelineConfig, new JournalStage(in, clock), scoring,
            new PublishStage(out, topics, clock, gateway, gateway, new PipelineLatencies(), pipelineConfig.maxBatch()));
        pipeline.capacityListener(gateway);
        gateway.attach(pipeline, out);
        beforeStart.accept(gateway);
        pipeline.start();
        address = gateway.start();
    }

    TestBus(final Path dir) throws Exception
    {
        this(dir, PipelineConfig.defaults(), 0);
    }

    @Override
    public void close()
    {
        gateway.beginClose();
        pipeline.close();
        gateway.close();
        in.close();
        out.close();
    }
}
