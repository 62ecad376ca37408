package dev.rill.ops.replay;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.ResultDecoder;
import dev.rill.bus.codec.ResultFlagsDecoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalException;
import dev.rill.ops.RillServer;
import org.agrona.DirectBuffer;

/**
 * A cursor over the original Results of journal "out", in order, for matching replayed Results by
 * in index: {@link #next()} moves to the next Result that is not a correction (the pipeline writes
 * those in "in" order); every correction passed on the way goes to the {@link Corrections}
 * listener. Opens "out" with its own Chronicle reader: safe beside a running server. One owner
 * thread; reading an original allocates nothing, a correction its model name.
 */
final class OutResults implements AutoCloseable, JournalReader.RecordHandler
{
    /** Told of each correction met. */
    @FunctionalInterface
    interface Corrections
    {
        /**
         * @param outIndex         the correction's own index in "out".
         * @param correctsOutIndex the Result it corrects.
         * @param inIndex          the event.
         * @param modelName        the model that re-scored it.
         * @param modelVersion     its version.
         */
        void onCorrection(long outIndex, long correctsOutIndex, long inIndex, String modelName, int modelVersion);
    }

    private static final int MIN_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH + ResultDecoder.correctsOutIndexEncodingOffset();

    private final ChronicleJournal journal;
    private final JournalReader reader;
    private final Corrections corrections;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ResultDecoder result = new ResultDecoder();
    private boolean found;
    private long outIndex = Journal.NO_INDEX;
    private long inIndex;
    private long key;
    private double score;
    private int modelVersion;
    private byte flags;
    private String modelName = "";
    private int namedVersion = Integer.MIN_VALUE;

    /**
     * @param journal     "out", opened by the caller (read-only, or the appender of a publish).
     * @param corrections receives the corrections met; null to pass over them silently.
     */
    OutResults(final ChronicleJournal journal, final Corrections corrections)
    {
        this.journal = null;
        this.reader = journal.newReader();
        this.corrections = corrections;
        reader.toStart();
    }

    private OutResults(final ChronicleJournal journal, final JournalReader reader, final Corrections corrections)
    {
        this.journal = journal;
        this.reader = reader;
        this.corrections = corrections;
        reader.toStart();
    }

    /**
     * Opens journal "out" of the configuration read-only.
     *
     * @throws ReplayException (JOURNAL_UNREADABLE) when there is none.
     */
    static OutResults open(final dev.rill.journal.JournalConfig config, final Corrections corrections)
    {
        final ChronicleJournal out;
        try
        {
            out = ChronicleJournal.openReadOnly(config, RillServer.OUT);
        }
        catch (final JournalException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, e.getMessage());
        }
        return new OutResults(out, out.newReader(), corrections);
    }

    /** @return true when the cursor moved to the next original Result; false at the end of "out". */
    boolean next()
    {
        found = false;
        while (!found && reader.poll(this, 1) > 0)
        {
            // one record at a time, so the cursor stops on the Result
        }
        return found;
    }

    /** Reads to the end of "out", reporting the corrections met. */
    void drain()
    {
        while (next())
        {
            // originals are passed over; corrections are reported on the way
        }
    }

    long outIndex()
    {
        return outIndex;
    }

    long inIndex()
    {
        return inIndex;
    }

    long key()
    {
        return key;
    }

    double score()
    {
        return score;
    }

    int modelVersion()
    {
        return modelVersion;
    }

    byte flags()
    {
        return flags;
    }

    /** @return the name of the model that scored the current Result ("" when not scored). */
    String modelName()
    {
        return modelName;
    }

    @Override
    public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MIN_LENGTH)
        {
            return;
        }
        header.wrap(buffer, offset);
        if (header.templateId() != ResultDecoder.TEMPLATE_ID || header.schemaId() != ResultDecoder.SCHEMA_ID)
        {
            return;
        }
        result.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final byte bits = (byte)result.flags().getRaw();
        if (ResultFlagsDecoder.cORRECTION(bits))
        {
            if (corrections != null)
            {
                result.skipTopic();
                corrections.onCorrection(index, result.correctsOutIndex(), result.inIndex(), result.modelName(), result.modelVersion());
            }
            return;
        }
        found = true;
        outIndex = index;
        inIndex = result.inIndex();
        key = result.key();
        score = result.score();
        modelVersion = result.modelVersion();
        flags = bits;
        if (modelVersion != namedVersion)
        {
            // the name is read again only when the version changes: one model per server, no String per Result
            result.skipTopic();
            modelName = result.modelName();
            namedVersion = modelVersion;
        }
    }

    @Override
    public void close()
    {
        reader.close();
        if (journal != null)
        {
            journal.close();
        }
    }
}
