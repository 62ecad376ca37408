package dev.rill.perf.jmh;

import java.nio.charset.StandardCharsets;

import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.ResultEncoder;
import dev.rill.ml.FraudFeatures;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What do SBE encode and decode of the payments Event and its Result cost, next to a plain copy of
 * the same bytes? ns per message; {@code -prof gc} should show 0 B per operation.
 * <ul>
 *   <li>{@code encodeEvent}: the generated {@code EventEncoder} writes one generated payment
 *       (header, the six fixed fields, schema version, options, 6 values, topic "payments": 117
 *       bytes) into a direct buffer, as {@link PaymentEvents#encode} does for every benchmark.</li>
 *   <li>{@code decodeEvent}: header wrap and the gateway's checks (schema id, template id, version),
 *       then the generated {@code EventDecoder} reads every field the gateway and the stages read:
 *       producer id, seq, key, event and ingest time, connection id, schema version, options, every
 *       value of the fields group, and the topic (copied into a byte array, as var data must be read
 *       in order); each goes into the Blackhole.</li>
 *   <li>{@code encodeResult}: the Result of one scored slot, encoded with the same calls, in the same
 *       order, as the publish stage's private {@code PublishStage.encodeResult} (topic and model name
 *       as UTF-8 bytes; 118 bytes).</li>
 *   <li>{@code decodeResult}: header checks and every field of that Result, as a subscriber's
 *       handler sees it (flags, score, both var-data fields into byte arrays).</li>
 *   <li>{@code copyEvent}: the raw baseline: {@code UnsafeBuffer.putBytes} of the encoded Event's
 *       bytes into another direct buffer (what the gateway does with a valid frame).</li>
 * </ul>
 * Report each as a ratio to {@code copyEvent}.
 */
@State(Scope.Thread)
public class CodecBenchmark extends RillBenchmark
{
    private static final long PRODUCER_ID = 42;
    private static final int CONNECTION_ID = 1;
    private static final byte[] TOPIC = FraudFeatures.PAYMENTS_TOPIC.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MODEL = "fraud".getBytes(StandardCharsets.UTF_8);

    private final PaymentEvents payments = new PaymentEvents(1024, 5);
    private final UnsafeBuffer eventBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
    private final UnsafeBuffer resultBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
    private final UnsafeBuffer copyBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
    private final UnsafeBuffer encodeBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(512, 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final EventDecoder eventDecoder = new EventDecoder();
    private final ResultEncoder resultEncoder = new ResultEncoder();
    private final ResultDecoder resultDecoder = new ResultDecoder();
    private final byte[] topicBytes = new byte[64];
    private final byte[] modelBytes = new byte[64];
    private EventSlot slot;
    private int eventLength;
    private long seq;

    @Setup(Level.Trial)
    public void setUp()
    {
        final long now = System.currentTimeMillis() * 1_000_000L;
        eventLength = payments.encode(eventBuffer, 0, CONNECTION_ID, PRODUCER_ID, 7, now);
        final PipelineConfig defaults = PipelineConfig.defaults();
        slot = new EventSlot(defaults.maxEventBytes(), defaults.maxFields());
        payments.fill(slot, 0, CONNECTION_ID, PRODUCER_ID, 7, now);
        slot.inIndex(123_456_789L);
        slot.modelName(MODEL);
        slot.scored(0.0123, 3, now + 20_000, (byte)0);
        encodeResult();
        System.out.println("Event " + eventLength + " bytes, Result " + (MessageHeaderEncoder.ENCODED_LENGTH +
            resultEncoder.encodedLength()) + " bytes");
    }

    @Benchmark
    public int encodeEvent()
    {
        final long s = ++seq;
        return payments.encode(encodeBuffer, 0, CONNECTION_ID, PRODUCER_ID, s, s);
    }

    @Benchmark
    public void decodeEvent(final Blackhole bh)
    {
        final UnsafeBuffer buffer = eventBuffer;
        final MessageHeaderDecoder header = headerDecoder.wrap(buffer, 0);
        if (header.schemaId() != EventDecoder.SCHEMA_ID || header.templateId() != EventDecoder.TEMPLATE_ID ||
            header.version() > EventDecoder.SCHEMA_VERSION)
        {
            throw new IllegalStateException("not an Event of this schema");
        }
        final EventDecoder event = eventDecoder.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
        bh.consume(event.producerId());
        bh.consume(event.seq());
        bh.consume(event.key());
        bh.consume(event.eventTimeNanos());
        bh.consume(event.ingestTimeNanos());
        bh.consume(event.connectionId());
        bh.consume(event.schemaVersion());
        bh.consume(event.options().getRaw());
        for (final EventDecoder.FieldsDecoder field : event.fields())
        {
            bh.consume(field.value());
        }
        bh.consume(event.getTopic(topicBytes, 0, topicBytes.length));
    }

    @Benchmark
    public int encodeResult()
    {
        // The calls and order of PublishStage.encodeResult (private there).
        final EventSlot s = slot;
        resultEncoder.wrapAndApplyHeader(resultBuffer, 0, headerEncoder)
            .outIndex(Journal.NO_INDEX)
            .inIndex(s.inIndex())
            .producerId(s.producerId())
            .seq(s.seq())
            .key(s.key())
            .eventTimeNanos(s.eventTimeNanos())
            .ingestTimeNanos(s.ingestTimeNanos())
            .scoredTimeNanos(s.scoredTimeNanos())
            .publishTimeNanos(s.scoredTimeNanos() + 1_000)
            .modelVersion(s.modelVersion())
            .score(s.score())
            .correctsOutIndex(Journal.NO_INDEX);
        resultEncoder.flags().clear();
        resultBuffer.putByte(resultEncoder.offset() + ResultEncoder.flagsEncodingOffset(), s.flags());
        resultEncoder.putTopic(TOPIC, 0, TOPIC.length);
        final byte[] model = s.modelName();
        resultEncoder.putModelName(model, 0, model.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + resultEncoder.encodedLength();
    }

    @Benchmark
    public void decodeResult(final Blackhole bh)
    {
        final UnsafeBuffer buffer = resultBuffer;
        final MessageHeaderDecoder header = headerDecoder.wrap(buffer, 0);
        if (header.schemaId() != ResultDecoder.SCHEMA_ID || header.templateId() != ResultDecoder.TEMPLATE_ID ||
            header.version() > ResultDecoder.SCHEMA_VERSION)
        {
            throw new IllegalStateException("not a Result of this schema");
        }
        final ResultDecoder result = resultDecoder.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
        bh.consume(result.outIndex());
        bh.consume(result.inIndex());
        bh.consume(result.producerId());
        bh.consume(result.seq());
        bh.consume(result.key());
        bh.consume(result.eventTimeNanos());
        bh.consume(result.ingestTimeNanos());
        bh.consume(result.scoredTimeNanos());
        bh.consume(result.publishTimeNanos());
        bh.consume(result.modelVersion());
        bh.consume(result.flags().getRaw());
        bh.consume(result.score());
        bh.consume(result.correctsOutIndex());
        bh.consume(result.getTopic(topicBytes, 0, topicBytes.length));
        bh.consume(result.getModelName(modelBytes, 0, modelBytes.length));
    }

    @Benchmark
    public UnsafeBuffer copyEvent()
    {
        copyBuffer.putBytes(0, eventBuffer, 0, eventLength);
        return copyBuffer;
    }
}
