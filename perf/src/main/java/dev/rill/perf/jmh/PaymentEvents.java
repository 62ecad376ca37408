package dev.rill.perf.jmh;

import dev.rill.bus.EventSlot;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;

/**
 * A pool of generated card payments ({@link FraudDataGenerator}) and the code that fills a ring
 * slot with one of them exactly as the gateway would: the SBE Event message encoded into the
 * slot's buffer (with producer id, ingest time and connection id stamped) and its decoded values.
 *
 * <p>The payments are drawn once, up front, so a benchmark measures the pipeline and not the
 * generator's logarithms. One owner thread; {@link #fill} allocates nothing.
 */
public final class PaymentEvents
{
    private static final byte[] TOPIC = FraudFeatures.PAYMENTS_TOPIC.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int FIELD_COUNT = FraudFeatures.PAYMENT_FIELDS.size();

    private final double[][] fields;
    private final long[] keys;
    private final int mask;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final EventEncoder event = new EventEncoder();

    /** @param poolSize payments in the pool, a power of two; they repeat after that. */
    public PaymentEvents(final int poolSize, final long seed)
    {
        if (Integer.bitCount(poolSize) != 1)
        {
            throw new IllegalArgumentException("poolSize must be a power of two, found " + poolSize);
        }
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        fields = new double[poolSize][FIELD_COUNT];
        keys = new long[poolSize];
        for (int i = 0; i < poolSize; i++)
        {
            generator.next(fields[i]);
            keys[i] = generator.lastCardId();
        }
        mask = poolSize - 1;
    }

    /**
     * Fills a claimed slot with payment number {@code seq} (mod the pool size).
     *
     * @param topicId      id of the payments topic in the pipeline's registry.
     * @param connectionId connection to acknowledge to; 0 means none.
     * @return the encoded length of the Event message.
     */
    public int fill(final EventSlot slot, final int topicId, final int connectionId, final long producerId, final long seq,
        final long nowNanos)
    {
        final int i = (int)(seq & mask);
        final double[] values = fields[i];
        slot.clear();
        event.wrapAndApplyHeader(slot.encoded(), 0, header)
            .producerId(producerId).seq(seq).key(keys[i]).eventTimeNanos(nowNanos).ingestTimeNanos(nowNanos)
            .connectionId(connectionId);
        final EventEncoder.FieldsEncoder group = event.fieldsCount(FIELD_COUNT);
        for (int f = 0; f < FIELD_COUNT; f++)
        {
            group.next().value(values[f]);
        }
        event.putTopic(TOPIC, 0, TOPIC.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + event.encodedLength();
        System.arraycopy(values, 0, slot.fields(), 0, FIELD_COUNT);
        slot.encodedLength(length)
            .producerId(producerId)
            .seq(seq)
            .key(keys[i])
            .eventTimeNanos(nowNanos)
            .ingestTimeNanos(nowNanos)
            .connectionId(connectionId)
            .topicId(topicId)
            .fieldCount(FIELD_COUNT);
        return length;
    }
}
