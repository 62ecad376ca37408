package dev.rill.journal.verify;

import java.nio.ByteBuffer;

import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import dev.rill.bus.codec.ProducerSessionEncoder;
import dev.rill.bus.codec.ResultEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/** Test helper: SBE records as journals "in" and "out" hold them. */
final class TestRecords
{
    final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    /** @return length of an Event of producer 7 with two fields, topic "payments". */
    int event(final long seq, final long key, final long eventTimeNanos)
    {
        final EventEncoder e = new EventEncoder().wrapAndApplyHeader(buffer, 0, header)
            .producerId(7).seq(seq).key(key).eventTimeNanos(eventTimeNanos).ingestTimeNanos(eventTimeNanos + 1000).connectionId(1);
        e.fieldsCount(2).next().value(12.5).next().value(seq);
        e.topic("payments");
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    /** @return length of a ProducerSession record. */
    int producerSession(final long producerId, final int epoch)
    {
        final ProducerSessionEncoder e = new ProducerSessionEncoder().wrapAndApplyHeader(buffer, 0, header)
            .producerId(producerId).epoch(epoch).timeNanos(1);
        return MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength();
    }

    /** @return length of a Result for the event of {@code seq}. */
    int result(final long inIndex, final long seq)
    {
        final ResultEncoder r = new ResultEncoder().wrapAndApplyHeader(buffer, 0, header)
            .outIndex(-1).inIndex(inIndex).producerId(7).seq(seq).key(seq * 10).eventTimeNanos(seq)
            .ingestTimeNanos(seq + 1).scoredTimeNanos(seq + 2).publishTimeNanos(seq + 3).modelVersion(1).score(0.5);
        r.topic("payments");
        r.modelName("fraud");
        return MessageHeaderEncoder.ENCODED_LENGTH + r.encodedLength();
    }
}
