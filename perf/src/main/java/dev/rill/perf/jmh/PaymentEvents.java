package dev.rill.perf.jmh;

import dev.rill.bus.EventSlot;
import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.train.FraudDataGenerator;
import org.agrona.MutableDirectBuffer;

/**
 * A pool of generated card payments ({@link FraudDataGenerator}) and the code that fills a ring
 * slot with one of them exactly as the gateway would: the SBE Event message encoded into the
 * slot's buffer (with producer id, ingest time and connection id stamped) and its decoded values;
 * or the Event message alone into any buffer ({@link #encode}).
 *
 * <p>The payments are drawn once, up front, so a benchmark measures the pipeline and not the
 * generator's logarithms. One owner thread; {@link #fill} and {@link #encode} allocate nothing.
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
        final int length = encode(slot.encoded(), 0, connectionId, producerId, seq, nowNanos);
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

    /**
     * Encodes payment number {@code seq} (mod the pool size) as an SBE Event message (header
     * included) at {@code offset}, stamped as the gateway stamps it (ingest time, connection id):
     * the bytes journal "in" holds. Schema version 0 (= 1) and no options, written explicitly so a
     * reused buffer holds the same bytes as a fresh one.
     *
     * @return the encoded length.
     */
    public int encode(final MutableDirectBuffer buffer, final int offset, final int connectionId, final long producerId,
        final long seq, final long nowNanos)
    {
        final int i = (int)(seq & mask);
        final double[] values = fields[i];
        event.wrapAndApplyHeader(buffer, offset, header)
            .producerId(producerId).seq(seq).key(keys[i]).eventTimeNanos(nowNanos).ingestTimeNanos(nowNanos)
            .connectionId(connectionId).schemaVersion(0);
        buffer.putByte(offset + MessageHeaderEncoder.ENCODED_LENGTH + EventEncoder.optionsEncodingOffset(), (byte)0);
        final EventEncoder.FieldsEncoder group = event.fieldsCount(FIELD_COUNT);
        for (int f = 0; f < FIELD_COUNT; f++)
        {
            group.next().value(values[f]);
        }
        event.putTopic(TOPIC, 0, TOPIC.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + event.encodedLength();
    }

    /** @return the field values of payment number {@code seq} (mod the pool size); do not modify. */
    public double[] fields(final long seq)
    {
        return fields[(int)(seq & mask)];
    }

    /** @return the card key of payment number {@code seq} (mod the pool size). */
    public long key(final long seq)
    {
        return keys[(int)(seq & mask)];
    }
}
