package dev.rill.ops.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.TopicSchema;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.CycleFile;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalScanner;
import dev.rill.journal.verify.JournalVisitor;
import dev.rill.ml.train.TrainingProgress;
import dev.rill.ops.RillServer;
import dev.rill.ops.cli.JournalRecord;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Reads the labelled events of a scored topic from journal "in" with the operator tools' reader:
 * {@link JournalScanner} (direct file reads, every record's checksum checked) and
 * {@link JournalRecord#decode} (the decoder of {@code rill journal dump}).
 *
 * <p>Events of the scored topic from {@code fromIndex} on are kept; labels are taken from the
 * label topic's events from {@code fromIndex} to the end of the journal, or from the event's own
 * label field. A label usually follows its event, but one sent on another connection can be
 * journaled just before it: it is found as long as it is at or after {@code fromIndex}. A label
 * for an event that was not kept is ignored. A damaged journal stops the read ({@link ErrorCode#JOURNAL_CORRUPT}): a model is not
 * trained on what a damaged journal happens to yield.
 *
 * <p>Single-threaded; allocates per record (a tool, never run on the server's threads).
 */
public final class LabelledEventReader
{
    private static final int PROGRESS_EVERY = 1 << 14;

    private LabelledEventReader()
    {
    }

    /**
     * @param journal    the journals' configuration (data directory, roll cycle).
     * @param scored     the topic whose events are labelled.
     * @param labels     where the labels are.
     * @param labelTopic the label topic's schema ({@link LabelSource#check}), null for a field source.
     * @param fromIndex  first "in" index to read, or {@link Journal#NO_INDEX} for all.
     * @param progress   hears "reading" progress.
     * @return the labelled events, in index order.
     * @throws TrainingDataException (JOURNAL_CORRUPT) when the journal is damaged.
     */
    public static LabelledEvents read(
        final JournalConfig journal,
        final TopicSchema scored,
        final LabelSource labels,
        final TopicSchema labelTopic,
        final long fromIndex,
        final TrainingProgress progress)
    {
        final JournalDirectory directory = JournalDirectory.open(journal, RillServer.IN);
        final int fromCycle = fromIndex < 0 ? Integer.MIN_VALUE : directory.rollCycle().toCycle(fromIndex);
        final int files = (int)directory.cycleFiles().stream().filter(f -> f.cycle() >= fromCycle).count();
        final Collector collector = new Collector(scored, labels, labelTopic, files, progress);
        new JournalScanner(directory).scan(fromIndex, collector);
        if (!collector.damage.isEmpty())
        {
            final StringBuilder message = new StringBuilder("journal in is damaged, so it is not read for training: ");
            collector.damage.forEach(p -> message.append(p.describe()).append("; "));
            message.append("run `rill journal verify` and see ops/runbooks/corrupt-journal.md, or train on a range before " +
                "the damage with --train-from/--eval-to");
            throw new TrainingDataException(ErrorCode.JOURNAL_CORRUPT, message.toString());
        }
        return collector.join(directory.path().toString());
    }

    /** The visitor: keeps scored events, gathers labels, counts what it skips. */
    private static final class Collector implements JournalVisitor
    {
        private final TopicSchema scored;
        private final LabelSource labels;
        private final String labelTopicName;
        private final int labelFieldInEvent;
        private final int producerField;
        private final int seqField;
        private final int valueField;
        private final int files;
        private final TrainingProgress progress;
        private final long startNanos = System.nanoTime();
        private final LongArrayList indexes = new LongArrayList();
        private final LongArrayList producers = new LongArrayList();
        private final LongArrayList seqs = new LongArrayList();
        private final List<double[]> fields = new ArrayList<>();
        /** producer id to (seq to label 0/1); a later put replaces an earlier one. */
        private final Map<Long, Long2LongHashMap> labelsByProducer = new HashMap<>();
        private final List<JournalProblem> damage = new ArrayList<>();
        private CycleFile currentFile;
        private int filesDone;
        private long recordsInDoneFiles;
        private long records;
        private long labelEvents;
        private long invalidLabels;

        Collector(
            final TopicSchema scored,
            final LabelSource labels,
            final TopicSchema labelTopic,
            final int files,
            final TrainingProgress progress)
        {
            this.scored = scored;
            this.labels = labels;
            this.files = files;
            this.progress = progress;
            labelTopicName = labelTopic == null ? null : labelTopic.name();
            labelFieldInEvent = labels.isTopic() ? -1 : scored.fieldIndex(labels.name());
            producerField = labelTopic == null ? -1 : labelTopic.fieldIndex(LabelSource.PRODUCER_ID_FIELD);
            seqField = labelTopic == null ? -1 : labelTopic.fieldIndex(LabelSource.SEQ_FIELD);
            valueField = labelTopic == null ? -1 : LabelSource.labelFieldIndex(labelTopic);
        }

        @Override
        public void onRecord(
            final CycleFile file, final long index, final long position, final DirectBuffer buffer, final int offset, final int length)
        {
            if (!file.equals(currentFile))
            {
                if (currentFile != null)
                {
                    filesDone++;
                    recordsInDoneFiles = records;
                }
                currentFile = file;
            }
            records++;
            if (JournalRecord.decode(RillServer.IN, index, buffer, offset, length) instanceof JournalRecord.Event event)
            {
                if (scored.name().equals(event.topic()) && event.fields().length == scored.fields().size())
                {
                    indexes.addLong(index);
                    producers.addLong(event.producerId());
                    seqs.addLong(event.seq());
                    fields.add(event.fields());
                }
                else if (event.topic().equals(labelTopicName) && event.fields().length > valueField)
                {
                    label(event.fields());
                }
            }
            if (records % PROGRESS_EVERY == 0)
            {
                report();
            }
        }

        @Override
        public void onProblem(final JournalProblem problem)
        {
            if (problem.kind().damaged())
            {
                damage.add(problem);
            }
        }

        private void label(final double[] values)
        {
            labelEvents++;
            final double producer = values[producerField];
            final double seq = values[seqField];
            final long value = labelValue(values[valueField]);
            if (value < 0 || producer != Math.rint(producer) || seq != Math.rint(seq) || seq < 1)
            {
                invalidLabels++;
                return;
            }
            labelsByProducer.computeIfAbsent((long)producer, p -> new Long2LongHashMap(-1)).put((long)seq, value);
        }

        private static long labelValue(final double value)
        {
            return value == 0.0 ? 0 : value == 1.0 ? 1 : -1;
        }

        private void report()
        {
            // Records per cycle file are only known once a file is read: estimate the total from the
            // files done so far (similar days hold similar numbers of events).
            final long estimate = filesDone == 0 || files <= 1 ? 0 :
                Math.max(records + 1, recordsInDoneFiles / filesDone * files);
            progress.progress("reading", records, estimate, String.format(Locale.ROOT, "%,d events of %s%s, file %d/%d",
                indexes.size(), scored.name(), labelTopicName == null ? "" : String.format(Locale.ROOT, ", %,d labels", labelEvents),
                filesDone + 1, files));
        }

        LabelledEvents join(final String journalPath)
        {
            report();
            final int n = indexes.size();
            final LongArrayList labelledIndexes = new LongArrayList(n, Long.MIN_VALUE);
            final List<double[]> labelledFields = new ArrayList<>(n);
            final boolean[] positive = new boolean[n];
            final LongArrayList unlabelled = new LongArrayList();
            long invalid = invalidLabels;
            for (int i = 0; i < n; i++)
            {
                final double[] f = fields.get(i);
                final long label;
                if (labelFieldInEvent >= 0)
                {
                    label = labelValue(f[labelFieldInEvent]);
                    invalid += label < 0 ? 1 : 0;
                }
                else
                {
                    final Long2LongHashMap bySeq = labelsByProducer.get(producers.getLong(i));
                    label = bySeq == null ? -1 : bySeq.get(seqs.getLong(i));
                }
                if (label < 0)
                {
                    unlabelled.addLong(indexes.getLong(i));
                    continue;
                }
                positive[labelledFields.size()] = label == 1;
                labelledIndexes.addLong(indexes.getLong(i));
                labelledFields.add(f);
            }
            final boolean[] labels = Arrays.copyOf(positive, labelledFields.size());
            progress.finished("reading", String.format(Locale.ROOT, "read %,d records of journal in (%.1f s): %,d events of %s, " +
                "%,d labelled, %,d without a label%s", records, (System.nanoTime() - startNanos) / 1e9, n, scored.name(),
                labels.length, unlabelled.size(),
                invalid == 0 ? "" : String.format(Locale.ROOT, ", %,d label values not 0 or 1 ignored", invalid)));
            return new LabelledEvents(scored, journalPath, this.labels, labelledIndexes.toLongArray(),
                labelledFields.toArray(new double[0][]), labels, unlabelled.toLongArray(), records, labelEvents, invalid);
        }
    }
}
