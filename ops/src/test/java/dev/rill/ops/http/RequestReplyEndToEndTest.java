package dev.rill.ops.http;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.codec.ReplyDecoder;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.LatenessAction;
import dev.rill.gateway.LatenessConfig;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request-reply and late events through a whole server: gateway, pipeline, journals and the real
 * ONNX fraud model; the Replies carry the model's own scores, subscribers never see reply-only
 * Results, and the late event is counted on {@code /metrics} and in the telemetry.
 */
class RequestReplyEndToEndTest
{
    private static final Path MODEL = Path.of("..", "models", "fraud", "1");

    @TempDir
    Path dir;

    @Test
    void repliesCarryTheModelsScoreAndVersionReplyOnlyResultsAreNotStreamedAndLateEventsAreCounted() throws Exception
    {
        final RillConfig defaults = RillConfig.defaults(dir);
        final LatenessConfig lateness = new LatenessConfig(Duration.ofSeconds(10), LatenessAction.FLAG, null, Map.of());
        final RillConfig config = new RillConfig(defaults.gateway().withPort(0).withLateness(lateness), defaults.pipeline(),
            defaults.journal(), new ModelConfig(MODEL, "payments", 0.0), defaults.topics());
        final int events = 200;
        final double[][] sent = new double[events + 1][];
        final double[] replyScores = new double[events + 1];
        final int[] replyFlags = new int[events + 1];
        final List<Long> replySeqs = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final List<Long> streamed = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicLong telemetryLate = new java.util.concurrent.atomic.AtomicLong();
        try (RillServer server = RillServer.start(config);
             OnnxScorer direct = OnnxScorer.open(MODEL, 1))
        {
            server.telemetry().addListener(tick -> telemetryLate.addAndGet(tick.late()));
            final ClientConfig client = ClientConfig.of("127.0.0.1", server.address().getPort());
            final FraudDataGenerator generator = new FraudDataGenerator(11);
            try (RillSubscriber ignored = RillSubscriber.subscribe(client, "payments", StartPosition.EARLIEST, 0, r -> streamed.add(r.seq()));
                 RillProducer producer = RillProducer.connect(client.withProducer(11, 1), new AckListener()
                 {
                     @Override
                     public void onAck(final long seq)
                     {
                     }

                     @Override
                     public void onNack(final long seq, final ErrorCode code, final String message)
                     {
                         problems.add("nack " + seq + " " + code + " " + message);
                     }
                 }, (ReplyDecoder reply) ->
                 {
                     final int seq = (int)reply.seq();
                     replySeqs.add(reply.seq());
                     replyScores[seq] = reply.score();
                     replyFlags[seq] = reply.flags().getRaw();
                     if (reply.modelVersion() != 1 || !"fraud".equals(reply.modelName()))
                     {
                         problems.add(seq + ": model " + reply.modelName() + "/" + reply.modelVersion());
                     }
                 }))
            {
                final long now = System.currentTimeMillis() * 1_000_000L;
                for (int i = 1; i <= events; i++)
                {
                    final double[] fields = new double[FraudFeatures.PAYMENT_FIELDS.size()];
                    generator.next(fields);
                    sent[i] = fields;
                    // odd seqs: reply only; even: reply and stream; seq 100 is an hour late
                    final long eventTime = i == 100 ? now - Duration.ofHours(1).toNanos() : now + i * 1_000L;
                    producer.send(RillProducer.topic("payments"), generator.lastCardId(), eventTime, fields, fields.length,
                        i % 2 == 1 ? RillProducer.REPLY_ONLY : RillProducer.REPLY);
                }
                assertTrue(producer.awaitAllAcknowledged(Duration.ofSeconds(30)));
                PageFixture.await(() -> replySeqs.size() == events, "a Reply for every event");
                PageFixture.await(() -> streamed.size() == events / 2, "the streamed half");
            }
            assertEquals(List.of(), problems);
            final FeatureExtractor extractor = new FeatureExtractor(direct.descriptor(), FraudFeatures.payments());
            for (int i = 1; i <= events; i++)
            {
                assertEquals(i, replySeqs.get(i - 1), "Replies in seq order");
                final float expected = direct.scoreOnce(extractor.extractToArray(sent[i]))[direct.descriptor().scoreColumn()];
                assertEquals(expected, replyScores[i], 1e-6, "seq " + i + ": the Reply carries the model's score");
                final int expectedFlags = (i % 2 == 1 ? EventSlot.FLAG_REPLY_ONLY : 0) |
                    (i == 100 ? EventSlot.FLAG_LATE | EventSlot.FLAG_OUT_OF_ORDER : 0);
                assertEquals(expectedFlags, replyFlags[i], "seq " + i + " flags");
            }
            assertTrue(streamed.stream().allMatch(seq -> seq % 2 == 0), "no reply-only Result is streamed: " + streamed);

            server.telemetry().sampleNow();
            final HttpResponse<String> response = PageFixture.get(server, "/metrics");
            final Map<String, Double> m = PageFixture.parseMetrics(response.body());
            assertEquals(1, m.get("rill_events_late_total"), "the late event on /metrics");
            assertEquals(1, m.get("rill_events_out_of_order_total"), "it is also out of order");
            assertEquals(events, m.get("rill_replies_sent_total"));
            assertEquals(events, m.get("rill_events_published_total"), "reply-only Results are journaled all the same");
            assertEquals(1, telemetryLate.get(), "and in the telemetry's late count (freshness and correctness SLOs)");
        }
    }
}
