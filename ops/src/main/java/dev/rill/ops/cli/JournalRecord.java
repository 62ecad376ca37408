package dev.rill.ops.cli;

import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ProducerSessionDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.ResultFlagsDecoder;
import dev.rill.journal.verify.RecordLayoutCheck;
import org.agrona.DirectBuffer;

/**
 * One journal record decoded for the operator's tools ({@code rill journal dump}, {@code stats},
 * {@code tail}): an Event or ProducerSession of journal "in", a Result of "out", or a record that
 * does not decode and why. Immutable; decoding allocates, so tools only, never the server.
 */
public sealed interface JournalRecord
{
    /** @return the record's index in its journal. */
    long index();

    /** @return the producer the record is about, or -1. */
    default long producerId()
    {
        return -1;
    }

    /** @return the record's topic, or null when it has none. */
    default String topic()
    {
        return null;
    }

    /** @return whether the record has a key (Events and Results do). */
    default boolean hasKey()
    {
        return false;
    }

    /** @return the record's key; 0 when it has none. */
    default long key()
    {
        return 0;
    }

    /** @return the producer's event time (epoch ns), or {@link Long#MIN_VALUE} when it has none. */
    default long eventTimeNanos()
    {
        return Long.MIN_VALUE;
    }

    /** An event as journal "in" holds it. */
    record Event(long index, long producerId, long seq, long key, long eventTimeNanos, long ingestTimeNanos, int connectionId,
        double[] fields, String topic) implements JournalRecord
    {
        @Override
        public boolean hasKey()
        {
            return true;
        }
    }

    /**
     * A scored event as journal "out" holds it; a correction ({@code rill replay publish}) names
     * the Result it corrects in {@code correctsOutIndex} (-1 for every other Result, and for
     * Results written before schema version 3).
     */
    record Result(long index, long inIndex, long producerId, long seq, long key, long eventTimeNanos, long ingestTimeNanos,
        long scoredTimeNanos, long publishTimeNanos, int modelVersion, List<String> flags, double score, String topic,
        String modelName, long correctsOutIndex) implements JournalRecord
    {
        @Override
        public boolean hasKey()
        {
            return true;
        }

        /** @return true for a correction appended by {@code rill replay publish}. */
        public boolean correction()
        {
            return flags.contains("correction");
        }
    }

    /** A producer's new session (epoch) in journal "in". */
    record ProducerSession(long index, long producerId, int epoch, long timeNanos) implements JournalRecord
    {
    }

    /** A record that is not a whole message of its journal. */
    record Undecodable(long index, String reason) implements JournalRecord
    {
    }

    /**
     * Decodes a record of the named journal; its lengths are checked before anything is read.
     *
     * @param journal "in" or "out".
     */
    static JournalRecord decode(final String journal, final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        final String reason = RecordLayoutCheck.forJournal(journal).check(buffer, offset, length);
        if (reason != null)
        {
            return new Undecodable(index, reason);
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        switch (header.templateId())
        {
            case EventDecoder.TEMPLATE_ID ->
            {
                final EventDecoder e = new EventDecoder().wrap(buffer, body, header.blockLength(), header.version());
                final EventDecoder.FieldsDecoder group = e.fields();
                final double[] fields = new double[group.count()];
                for (int i = 0; i < fields.length; i++)
                {
                    fields[i] = group.next().value();
                }
                return new Event(index, e.producerId(), e.seq(), e.key(), e.eventTimeNanos(), e.ingestTimeNanos(),
                    e.connectionId(), fields, e.topic());
            }
            case ResultDecoder.TEMPLATE_ID ->
            {
                final ResultDecoder r = new ResultDecoder().wrap(buffer, body, header.blockLength(), header.version());
                // Arguments are evaluated in order: topic is read before modelName, as SBE var-data must be.
                return new Result(index, r.inIndex(), r.producerId(), r.seq(), r.key(), r.eventTimeNanos(),
                    r.ingestTimeNanos(), r.scoredTimeNanos(), r.publishTimeNanos(), r.modelVersion(), flags(r.flags()),
                    r.score(), r.topic(), r.modelName(), r.correctsOutIndex());
            }
            case ProducerSessionDecoder.TEMPLATE_ID ->
            {
                final ProducerSessionDecoder s = new ProducerSessionDecoder().wrap(buffer, body, header.blockLength(), header.version());
                return new ProducerSession(index, s.producerId(), s.epoch(), s.timeNanos());
            }
            default -> throw new IllegalStateException("RecordLayoutCheck let template " + header.templateId() + " through");
        }
    }

    private static List<String> flags(final ResultFlagsDecoder f)
    {
        final List<String> flags = new ArrayList<>(4);
        if (f.fALLBACK())
        {
            flags.add("fallback");
        }
        if (f.lATE())
        {
            flags.add("late");
        }
        if (f.rEPLAYED())
        {
            flags.add("replayed");
        }
        if (f.cORRECTION())
        {
            flags.add("correction");
        }
        if (f.rEPLY_ONLY())
        {
            flags.add("reply-only");
        }
        if (f.oUT_OF_ORDER())
        {
            flags.add("out-of-order");
        }
        return List.copyOf(flags);
    }
}
