package dev.rill.ops.replay;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.EventSlot;
import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.bus.TopicRegistry;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.journal.CheckpointStore;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalException;
import dev.rill.ml.ScoringOptions;
import dev.rill.ml.ScoringStage;
import dev.rill.ml.features.FeatureState;
import dev.rill.ml.train.TrainingProgress;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

/**
 * {@code rill replay run}: re-scores a range of journal "in" with a model version and writes the
 * replayed Results to a named {@link ReplayOutput}, computing exactly the features and scores the
 * live path computed.
 *
 * <p>How it stays exact: it runs the live path's own code on the live path's inputs. The events are
 * read from the journal files of "in" (a Chronicle reader of its own, so it runs beside a server
 * without touching it), decoded into {@link EventSlot}s as recovery decodes them, and handed to a
 * {@link ScoringStage} built as the server builds it (the model and its fallback loaded by
 * {@link ReplayModel}, the {@link FeatureState} of the configuration). The streaming features start
 * from the checkpoint {@link FeatureStart} chooses and are warmed up over the events between it and
 * the range as {@link EventSlot#WARMUP} slots (applied, not scored: what recovery does), so every
 * event of the range sees the state it saw live. The stage scores {@code batch} events per ONNX
 * Runtime run (256 by default; a row's score does not depend on the rows beside it).
 *
 * <p>It runs on the caller's thread (one core at most) and reads at most {@code rate} records a
 * second when asked ({@link RatePacer}). Allocation per event: none on the read, feature and
 * scoring path; the JSON lines output allocates a little per Result.
 */
public final class Replayer
{
    /** Default rows per model run. */
    public static final int DEFAULT_BATCH = 256;
    private static final int POLL_CHUNK = 256;

    /**
     * What to replay.
     *
     * @param config       the server's configuration (topics, features, model, journal).
     * @param from         first end of the range.
     * @param to           last end of the range.
     * @param topic        the topic to replay, null for the model's.
     * @param modelName    the model, null for the configured one.
     * @param modelVersion its version, 0 for the configured one (or the newest usable of another model).
     * @param output       the output's name.
     * @param format       how to keep the Results.
     * @param overwrite    replace an output of that name.
     * @param rate         most records of "in" read per second (warm-up included), 0 for no limit.
     * @param batch        rows per model run.
     */
    public record Request(
        RillConfig config, ReplayBound from, ReplayBound to, String topic, String modelName, int modelVersion, String output,
        ReplayFormat format, boolean overwrite, long rate, int batch)
    {
        public Request
        {
            if (batch < 1 || batch > 4096)
            {
                throw new ReplayException(ErrorCode.USAGE, "--batch must be 1 to 4096, found " + batch);
            }
            if (rate < 0)
            {
                throw new ReplayException(ErrorCode.USAGE, "--rate must be 0 (no limit) or more, found " + rate);
            }
        }
    }

    /**
     * What a replay did.
     *
     * @param manifest what the output holds.
     * @param output   where it is.
     * @param nanos    time taken, from the first record read to the last Result written.
     */
    public record Outcome(ReplayManifest manifest, ReplayOutput output, long nanos)
    {
        /** @return records of "in" read per second (warm-up and range). */
        public double recordsPerSecond()
        {
            final long records = manifest.warmedUp() + manifest.replayed() + manifest.otherRecords();
            return nanos == 0 ? 0 : records * 1e9 / nanos;
        }

        /** @return Results written per second. */
        public double resultsPerSecond()
        {
            return nanos == 0 ? 0 : manifest.replayed() * 1e9 / nanos;
        }
    }

    private Replayer()
    {
    }

    /**
     * Runs a replay to the end.
     *
     * @param progress receives progress ("warm-up", then "replay"), done and total records.
     * @param warnings receives a line for each thing the operator should know (a checkpoint that does not fit).
     * @throws ReplayException with the exit status and a message for the operator.
     */
    public static Outcome run(final Request request, final TrainingProgress progress, final Consumer<String> warnings)
    {
        final RillConfig config = request.config();
        final TopicRegistry topics = new TopicRegistry(config.topics());
        final FeatureState features = new FeatureState(config.topics(), config.features());
        final ChronicleJournal in;
        try
        {
            in = ChronicleJournal.openReadOnly(config.journal(), RillServer.IN);
        }
        catch (final JournalException e)
        {
            throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, e.getMessage());
        }
        try (in)
        {
            // Everything the operator may have got wrong is checked before anything is loaded or written.
            final ReplayRange range = ReplayRange.resolve(in, request.from(), request.to());
            final ReplayModel model = ReplayModel.load(config.model(), request.modelName(), request.modelVersion(), request.topic(),
                topics, features, request.batch(), warnings);
            final FeatureStart start = FeatureStart.choose(features, CheckpointStore.in(config.journal().dataDir()),
                range.fromIndex(), warnings);
            final ReplayOutput output = ReplayOutput.create(config.journal().dataDir(), request.output(), request.overwrite());
            final EpochNanoClock clock = new SystemEpochNanoClock();
            final ScoringStage stage = new ScoringStage(
                new ScoringOptions(request.batch(), config.model().fallbackScore(), 0, true, 0),
                model.primary(), model.fallback(), null, features, null, null, clock);
            final long startNanos = System.nanoTime();
            final Feed feed;
            try (ReplayResultWriter writer = ReplayResultWriter.open(output, request.format()))
            {
                stage.onStart();
                feed = new Feed(config, topics, stage, writer, clock, range, model.topicId(), request.batch());
                feed.run(in, start, new RatePacer(request.rate()), progress);
            }
            finally
            {
                stage.onShutdown(); // closes the models
            }
            final long nanos = System.nanoTime() - startNanos;
            final ReplayManifest manifest = new ReplayManifest(output.name(), request.format().label(), Instant.now().toString(), true,
                model.entry().name(), model.entry().version(), model.entry().directory().toAbsolutePath().toString(),
                model.entry().descriptor().threshold(), topics.topic(model.topicId()).name(), range.from().text(), range.to().text(),
                range.fromIndex(), range.toIndex(), start.description(), feed.warmedUp, feed.replayed, stage.fallbackCount(),
                feed.other, TimeUnit.NANOSECONDS.toMillis(nanos));
            output.writeManifest(manifest);
            return new Outcome(manifest, output, nanos);
        }
    }

    /**
     * Reads "in" from the warm-up start to the end of the range and feeds the scoring stage; writes
     * each scored batch. The replay's thread only.
     */
    private static final class Feed implements JournalReader.RecordHandler
    {
        private final TopicRegistry topics;
        private final ScoringStage stage;
        private final ReplayResultWriter writer;
        private final EpochNanoClock clock;
        private final ReplayRange range;
        private final int scoredTopicId;
        private final EventSlot[] batch;
        private final EventSlot applyOnly;
        private final EventSlot flush;
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final EventDecoder event = new EventDecoder();
        private int pending;
        private long sequence;
        private boolean done;
        long read;
        long warmedUp;
        long replayed;
        long other;

        Feed(
            final RillConfig config, final TopicRegistry topics, final ScoringStage stage, final ReplayResultWriter writer,
            final EpochNanoClock clock, final ReplayRange range, final int scoredTopicId, final int batchSize)
        {
            this.topics = topics;
            this.stage = stage;
            this.writer = writer;
            this.clock = clock;
            this.range = range;
            this.scoredTopicId = scoredTopicId;
            final int maxEventBytes = config.pipeline().maxEventBytes();
            final int maxFields = config.pipeline().maxFields();
            batch = new EventSlot[batchSize];
            for (int i = 0; i < batchSize; i++)
            {
                batch[i] = new EventSlot(maxEventBytes, maxFields);
            }
            this.applyOnly = new EventSlot(maxEventBytes, maxFields);
            this.flush = new EventSlot(64, 1);
        }

        void run(final ChronicleJournal in, final FeatureStart start, final RatePacer pacer, final TrainingProgress progress)
        {
            try (JournalReader reader = in.newReader())
            {
                final long warmFrom;
                if (!start.warmUp())
                {
                    warmFrom = range.fromIndex();
                }
                else if (start.afterIndex() == Journal.NO_INDEX)
                {
                    warmFrom = in.firstIndex();
                }
                else
                {
                    warmFrom = start.afterIndex() + 1;
                }
                if (!reader.moveToAtOrAfter(warmFrom) && !reader.moveToAtOrAfter(range.fromIndex()))
                {
                    throw new ReplayException(ErrorCode.JOURNAL_UNREADABLE, "journal in no longer holds index " + range.fromIndex() +
                        " (retention deleted it while the replay started?); choose a later range");
                }
                final long warmTotal = warmFrom < range.fromIndex() ? in.countRecords(warmFrom, range.fromIndex()) : 0;
                final long total = range.records();
                while (!done && reader.poll(this, POLL_CHUNK) > 0)
                {
                    pacer.pace(read);
                    final long inRange = replayed + pending + other;
                    if (inRange == 0 && warmTotal > 0)
                    {
                        progress.progress("warm-up", warmedUp, warmTotal, null);
                    }
                    else
                    {
                        progress.progress("replay", inRange, total, null);
                    }
                }
                flushPending();
                if (warmedUp > 0)
                {
                    progress.finished("warm-up", String.format(java.util.Locale.ROOT,
                        "warm-up: %,d events applied to the streaming features before the range (%s)", warmedUp, start.description()));
                }
                progress.finished("replay", String.format(java.util.Locale.ROOT, "replay: %,d events re-scored, %,d other records",
                    replayed, other));
            }
        }

        @Override
        public void onRecord(final long index, final DirectBuffer buffer, final int offset, final int length)
        {
            if (index > range.toIndex())
            {
                done = true; // the reader has moved past one record: it is closed right after
                return;
            }
            read++;
            final boolean inRange = index >= range.fromIndex();
            header.wrap(buffer, offset);
            if (header.templateId() != EventDecoder.TEMPLATE_ID || header.schemaId() != EventDecoder.SCHEMA_ID)
            {
                other += inRange ? 1 : 0; // a ProducerSession record: nothing to score or apply
                return;
            }
            event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            final EventSlot slot = inRange ? batch[pending] : applyOnly;
            slot.clear();
            slot.producerId(event.producerId())
                .seq(event.seq())
                .key(event.key())
                .eventTimeNanos(event.eventTimeNanos())
                .ingestTimeNanos(event.ingestTimeNanos())
                .inIndex(index);
            int n = 0;
            final double[] values = slot.fields();
            for (final EventDecoder.FieldsDecoder f : event.fields())
            {
                if (n < values.length)
                {
                    values[n++] = f.value();
                }
            }
            final int topicLength = event.topicLength();
            final int topicId = topics.find(buffer, event.limit() + EventDecoder.topicHeaderLength(), topicLength);
            if (topicId < 0)
            {
                other += inRange ? 1 : 0; // a topic no longer configured: neither scored nor in any feature state (as recovery)
                return;
            }
            slot.fieldCount(n).topicId(topicId);
            if (!inRange || topicId != scoredTopicId)
            {
                // Before the range, or another topic: only its effect on the streaming features is wanted.
                slot.kind(EventSlot.WARMUP);
                stage.onEvent(slot, sequence++, false);
                if (inRange)
                {
                    other++;
                }
                else
                {
                    warmedUp++;
                }
                return;
            }
            slot.kind(EventSlot.RECOVERED);
            stage.onEvent(slot, sequence++, false); // the stage runs the model when it holds a full batch
            if (++pending == batch.length)
            {
                emit();
            }
        }

        /** Hands the stage an end of batch (a Hello slot: nothing to score), so it scores what it holds; writes it. */
        private void flushPending()
        {
            if (pending > 0)
            {
                flush.clear();
                flush.kind(EventSlot.HELLO);
                stage.onEvent(flush, sequence++, true);
                emit();
            }
        }

        private void emit()
        {
            final long now = clock.nanoTime();
            for (int i = 0; i < pending; i++)
            {
                final EventSlot slot = batch[i];
                if (slot.scoredTimeNanos() == 0)
                {
                    throw new IllegalStateException("the scoring stage left in index " + slot.inIndex() + " unscored");
                }
                writer.write(slot, topics.nameBytes(slot.topicId()), now);
            }
            replayed += pending;
            pending = 0;
        }
    }
}
