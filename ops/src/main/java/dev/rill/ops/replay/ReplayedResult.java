package dev.rill.ops.replay;

import java.util.ArrayList;
import java.util.List;

import dev.rill.bus.codec.ResultFlagsDecoder;

/**
 * One replayed Result as read back from a replay output (journal or JSON lines), for diff and
 * publish. A mutable holder the readers refill for each record: copy what must outlive the call.
 * One thread.
 */
public final class ReplayedResult
{
    long inIndex;
    long producerId;
    long seq;
    long key;
    long eventTimeNanos;
    long ingestTimeNanos;
    long scoredTimeNanos;
    long publishTimeNanos;
    int modelVersion;
    byte flags;
    double score;
    String topic;
    String modelName;

    public long inIndex()
    {
        return inIndex;
    }

    public long producerId()
    {
        return producerId;
    }

    public long seq()
    {
        return seq;
    }

    public long key()
    {
        return key;
    }

    public long eventTimeNanos()
    {
        return eventTimeNanos;
    }

    public long ingestTimeNanos()
    {
        return ingestTimeNanos;
    }

    public long scoredTimeNanos()
    {
        return scoredTimeNanos;
    }

    public long publishTimeNanos()
    {
        return publishTimeNanos;
    }

    public int modelVersion()
    {
        return modelVersion;
    }

    /** @return the {@code ResultFlags} bits. */
    public byte flags()
    {
        return flags;
    }

    public double score()
    {
        return score;
    }

    public String topic()
    {
        return topic;
    }

    public String modelName()
    {
        return modelName;
    }

    /** @return the flag bits by name, as {@code rill journal dump} writes them. */
    static List<String> flagNames(final byte flags)
    {
        final List<String> names = new ArrayList<>(4);
        if (ResultFlagsDecoder.fALLBACK(flags))
        {
            names.add("fallback");
        }
        if (ResultFlagsDecoder.lATE(flags))
        {
            names.add("late");
        }
        if (ResultFlagsDecoder.rEPLAYED(flags))
        {
            names.add("replayed");
        }
        if (ResultFlagsDecoder.cORRECTION(flags))
        {
            names.add("correction");
        }
        if (ResultFlagsDecoder.rEPLY_ONLY(flags))
        {
            names.add("reply-only");
        }
        if (ResultFlagsDecoder.oUT_OF_ORDER(flags))
        {
            names.add("out-of-order");
        }
        return names;
    }

    /** @return the bits of flag names written by {@link #flagNames}; unknown names are ignored. */
    static byte flagBits(final List<String> names)
    {
        int bits = 0;
        for (final String name : names)
        {
            bits |= switch (name)
            {
                case "fallback" -> 1;
                case "late" -> 1 << 1;
                case "replayed" -> 1 << 2;
                case "correction" -> 1 << 3;
                case "reply-only" -> 1 << 4;
                case "out-of-order" -> 1 << 5;
                default -> 0;
            };
        }
        return (byte)bits;
    }
}
