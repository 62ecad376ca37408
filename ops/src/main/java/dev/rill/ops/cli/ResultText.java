package dev.rill.ops.cli;

import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import org.agrona.DirectBuffer;

/** Renders a Result record as one line of text for operators. Allocates; tools only. */
final class ResultText
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ResultDecoder result = new ResultDecoder();

    /**
     * @param index the record's index in journal "out".
     * @return one line, or a line saying why the record is not a Result.
     */
    String format(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return String.format("out=%d: record of %d bytes is too short to be a Result", index, length);
        }
        header.wrap(buffer, offset);
        if (header.templateId() != ResultDecoder.TEMPLATE_ID || header.schemaId() != ResultDecoder.SCHEMA_ID)
        {
            return String.format("out=%d: not a Result (schema %d, template %d)", index, header.schemaId(), header.templateId());
        }
        result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        return format(index, result);
    }

    /** Formats a decoder positioned on a Result; reads its var-data (so call once per wrap). */
    static String format(final long index, final ResultDecoder r)
    {
        final String topic = r.topic();
        final String model = r.modelName();
        final StringBuilder flags = new StringBuilder();
        if (r.flags().fALLBACK())
        {
            flags.append("fallback,");
        }
        if (r.flags().lATE())
        {
            flags.append("late,");
        }
        if (r.flags().rEPLAYED())
        {
            flags.append("replayed,");
        }
        if (r.flags().cORRECTION())
        {
            flags.append("correction,");
        }
        if (flags.length() > 0)
        {
            flags.setLength(flags.length() - 1);
        }
        return String.format("out=%d in=%d topic=%s producer=%d seq=%d key=%d score=%.4f model=%s/%d flags=%s ingest->publish=%s",
            index, r.inIndex(), topic, r.producerId(), r.seq(), r.key(), r.score(), model.isEmpty() ? "-" : model,
            r.modelVersion(), flags.length() == 0 ? "-" : flags, Format.micros(r.publishTimeNanos() - r.ingestTimeNanos()));
    }
}
