package dev.rill.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.JournalReader;
import dev.rill.bus.codec.EventDecoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelRegistry;
import dev.rill.ml.train.DeploymentGate;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.train.ModelGate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rill train} end to end: a journal a real server filled over TCP ({@link LabelledJournal}),
 * the command run as {@code main} runs it, the registered version checked against an independent
 * reading of the journal and an independent scoring of the held-out events.
 */
class TrainCommandTest
{
    @TempDir
    static Path temp;

    static LabelledJournal journal;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeJournal() throws Exception
    {
        journal = LabelledJournal.write(temp);
    }

    /** A registry holding a copy of the committed fraud/1. */
    private Path registry() throws Exception
    {
        final Path one = Files.createDirectories(dir.resolve("models/fraud/1"));
        for (final String f : new String[] {ModelDescriptor.ONNX_FILE, ModelDescriptor.DESCRIPTOR_FILE})
        {
            Files.copy(LabelledJournal.COMMITTED_FRAUD.resolve(f), one.resolve(f));
        }
        return dir.resolve("models");
    }

    @Test
    void registersTheNextVersionWhoseHeldOutMetricsEqualAnIndependentRecomputation() throws Exception
    {
        final Path models = registry();
        final CommandRun run = CommandRun.of("train", "--config", journal.config.toString(), "--label-topic", "payment_labels",
            "--models", models.toString(), "--epochs", "3", "--progress", "none");
        assertEquals(0, run.status(), run.err() + run.out());

        final Path two = models.resolve("fraud/2");
        final ModelRegistry.Entry entry = ModelRegistry.check("fraud", 2, two);
        assertTrue(entry.usable(), entry.problem());
        assertEquals(2, new ModelRegistry(models).latest("fraud").orElseThrow().version());
        final ModelDescriptor d = entry.descriptor();
        final ModelDescriptor.TrainingData t = d.training();
        assertEquals(ModelDescriptor.TrainingData.SOURCE_JOURNAL, t.source());
        assertEquals(journal.inDirectory().toString(), t.journal());
        assertEquals("topic:payment_labels", t.labels());
        assertTrue(t.trainFrom() < t.trainTo() && t.trainTo() <= t.heldOutFrom() && t.heldOutFrom() < t.heldOutTo(),
            "held out after training: " + t);
        assertEquals(FraudFeatures.PAYMENTS_TOPIC, d.topic());
        assertEquals(d.featureCount(), d.distributions().features().size(), "training distributions recorded");

        // Independently: journal "in" read through Chronicle and SBE, labels as the fixture sent them.
        final List<long[]> payments = paymentsInJournalOrder();
        final long firstLabelled = payments.stream().filter(p -> journal.labels.containsKey(key(p))).findFirst().orElseThrow()[0];
        final long lastLabelled = payments.stream().filter(p -> journal.labels.containsKey(key(p))).reduce((a, b) -> b)
            .orElseThrow()[0];
        assertEquals(firstLabelled, t.trainFrom());
        assertEquals(lastLabelled + 1, t.heldOutTo());
        final List<double[]> heldFields = new ArrayList<>();
        final List<Boolean> heldLabels = new ArrayList<>();
        int trainRows = 0;
        int trainPositives = 0;
        long unlabelled = 0;
        for (final long[] p : payments)
        {
            final Boolean label = journal.labels.get(key(p));
            if (label == null)
            {
                unlabelled += p[0] >= t.trainFrom() && p[0] < t.heldOutTo() ? 1 : 0;
            }
            else if (p[0] >= t.trainFrom() && p[0] < t.trainTo())
            {
                trainRows++;
                trainPositives += label ? 1 : 0;
            }
            else if (p[0] >= t.heldOutFrom() && p[0] < t.heldOutTo())
            {
                heldFields.add(journal.payments.get(key(p)));
                heldLabels.add(label);
            }
        }
        // every 40th payment has no label; the last one of all lies after the last labelled event
        assertTrue(unlabelled >= LabelledJournal.PAYMENTS / 40 - 2, "unlabelled in the ranges: " + unlabelled);
        assertEquals(unlabelled, t.unlabelled());
        assertEquals(trainRows, t.trainingRows());
        assertEquals(Math.round((trainRows + heldFields.size()) * 0.25), heldFields.size(), "a 75/25 split by count");
        assertTrue(run.out().contains(String.format(Locale.ROOT, "%,d labelled events, %,d positive;", trainRows, trainPositives)),
            "the later (correct) label wins for relabelled payments: " + run.out());

        final double[] scores = plainOrtScores(two, d, heldFields);
        final boolean[] positive = new boolean[heldLabels.size()];
        for (int i = 0; i < positive.length; i++)
        {
            positive[i] = heldLabels.get(i);
        }
        final ModelDescriptor.Evaluation e = d.evaluation();
        assertEquals(heldFields.size(), e.rows());
        // model.json holds metrics of Tribuo's double scores rounded to 6 decimals; these are ONNX
        // Runtime's floats (equal to 1e-7): a near-tie may resolve differently, hence 1e-4 on AUC.
        assertEquals(pairCountingAuc(scores, positive), e.auc(), 1e-4);
        assertEquals(precision(scores, positive, d.threshold()), e.precisionAtThreshold(), 1e-5);
        assertEquals(recall(scores, positive, d.threshold()), e.recallAtThreshold(), 1e-5);
        assertEquals(logLoss(scores, positive), e.logLoss(), 1e-5);
        assertEquals((double)heldLabels.stream().filter(b -> b).count() / positive.length, e.baseRate(), 1e-6);
        assertTrue(e.auc() > 0.6, "better than chance: " + e);

        // The gate's verdict against fraud/1, as printed and as the server's ModelGate computes it.
        final DeploymentGate.Verdict gate = ModelGate.check(RillConfig.read(journal.config), two, models.resolve("fraud/1"));
        assertEquals("fraud/2", gate.candidate());
        assertEquals(heldFields.size(), gate.rowCount());
        assertEquals(e.auc(), gate.candidateMetrics().auc(), 1e-4);
        assertTrue(run.out().contains("gate         " + gate), run.out());
        assertTrue(run.out().contains("registered fraud/2 in " + two), run.out());
    }

    @Test
    void learnsFromAZeroOneFieldOfTheScoredTopicWithLabelField() throws Exception
    {
        final Path models = registry();
        final CommandRun run = CommandRun.of("train", "--config", journal.cardConfig.toString(), "--label-field", "is_fraud",
            "--models", models.toString(), "--epochs", "3", "--eval-fraction", "0.3", "--threshold", "0.2");
        assertEquals(0, run.status(), run.err() + run.out());

        final ModelDescriptor d = ModelRegistry.check("fraud", 2, models.resolve("fraud/2")).descriptor();
        assertEquals("card_payments", d.topic());
        assertEquals("field:is_fraud", d.training().labels());
        assertEquals(0.2, d.threshold());
        assertEquals(LabelledJournal.CARD_PAYMENTS, d.training().trainingRows() + d.evaluation().rows());
        assertEquals(Math.round(LabelledJournal.CARD_PAYMENTS * 0.3), d.evaluation().rows());
        assertEquals(0, d.training().unlabelled());
        assertTrue(d.features().stream().noneMatch(f -> f.field().equals("is_fraud")));
    }

    @Test
    void noLabelEventsExitsWithUsageAndSaysWhatWasFound()
    {
        final CommandRun run = CommandRun.of("train", "--config", journal.config.toString(), "--label-topic", "chargebacks",
            "--models", dir.resolve("models").toString());
        assertEquals(ErrorCode.USAGE.code(), run.status());
        assertTrue(run.err().startsWith("rill: USAGE: no labelled payments events in journal in"), run.err());
        assertTrue(run.err().contains(String.format(Locale.ROOT, "%,d payments events without a valid label, 0 chargebacks events",
            LabelledJournal.PAYMENTS)), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(dir.resolve("models/fraud/1")), "nothing registered");
    }

    @Test
    void overlappingRangesAreRefusedNamingBothRanges() throws Exception
    {
        final List<long[]> payments = paymentsInJournalOrder();
        final long a = payments.get(0)[0];
        final long b = payments.get(2000)[0];
        final long c = payments.get(1500)[0];
        final CommandRun run = CommandRun.of("train", "--config", journal.config.toString(), "--label-topic", "payment_labels",
            "--models", registry().toString(), "--train-from", Long.toString(a), "--train-to", Long.toString(b),
            "--eval-from", Long.toString(c));
        assertEquals(ErrorCode.USAGE.code(), run.status());
        assertTrue(run.err().contains("the held-out range in [" + c + ", "), run.err());
        assertTrue(run.err().contains(" overlaps the training range in [" + a + ", " + b + ")"), run.err());
        assertTrue(run.err().contains("--eval-from >= --train-to"), run.err());
        assertFalse(Files.exists(dir.resolve("models/fraud/2")), "nothing registered");
    }

    @Test
    void aReversedRangeIsRefused() throws Exception
    {
        final List<long[]> payments = paymentsInJournalOrder();
        final CommandRun run = CommandRun.of("train", "--config", journal.config.toString(), "--label-topic", "payment_labels",
            "--models", registry().toString(), "--train-from", Long.toString(payments.get(900)[0]),
            "--train-to", Long.toString(payments.get(100)[0]));
        assertEquals(ErrorCode.USAGE.code(), run.status());
        assertTrue(run.err().contains("is reversed: --train-from must be below --train-to"), run.err());
    }

    @Test
    void anUnknownLabelTopicIsRefusedListingTheConfiguredTopics()
    {
        final CommandRun run = CommandRun.of("train", "--config", journal.config.toString(), "--label-topic", "labels",
            "--models", dir.resolve("models").toString());
        assertEquals(ErrorCode.USAGE.code(), run.status());
        assertEquals("rill: USAGE: --label-topic: no topic 'labels' in the configuration; its topics are [payments, " +
            "payment_labels, chargebacks, card_payments] (the default configuration has payment_labels)", run.err().strip());
    }

    @Test
    void anUnknownLabelFieldOrOneAFeatureReadsIsRefused() throws Exception
    {
        final CommandRun unknown = CommandRun.of("train", "--config", journal.config.toString(), "--label-field", "fraud",
            "--models", dir.resolve("models").toString());
        assertEquals(ErrorCode.USAGE.code(), unknown.status());
        assertTrue(unknown.err().contains("topic 'payments' has no field 'fraud'"), unknown.err());

        final CommandRun leak = CommandRun.of("train", "--config", journal.config.toString(), "--label-field", "tx_count_1m",
            "--models", registry().toString());
        assertEquals(ErrorCode.USAGE.code(), leak.status());
        assertTrue(leak.err().contains("feature 'tx_count_log' of model fraud reads that field"), leak.err());
    }

    @Test
    void bothLabelOptionsOrNeitherIsAUsageError()
    {
        final CommandRun both = CommandRun.of("train", "--label-topic", "a", "--label-field", "b");
        assertEquals(ErrorCode.USAGE.code(), both.status());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        final CommandRun neither = CommandRun.of("train");
        assertEquals(ErrorCode.USAGE.code(), neither.status());
        assertTrue(neither.err().contains("--label-topic") && neither.err().contains("--label-field"), neither.err());
    }

    @Test
    void modelGateJudgesAGeneratorTrainedCandidateOnItsRegeneratedHeldOutRows() throws Exception
    {
        final Path committed = registry().resolve("fraud/1");
        final ModelDescriptor d = ModelDescriptor.read(committed.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        final DeploymentGate.Verdict verdict = ModelGate.check(RillConfig.read(journal.config), committed, committed);

        assertEquals("generator seed 42 rows [150000, 200000)", verdict.rows());
        assertEquals(50_000, verdict.rowCount());
        // Scored now by ONNX Runtime, recorded at training time from Tribuo's scores.
        assertEquals(d.evaluation().auc(), verdict.candidateMetrics().auc(), 1e-4);
        assertEquals(d.evaluation().recallAtThreshold(), verdict.candidateMetrics().recallAtThreshold(), 1e-4);
        assertFalse(verdict.passed(), "a model does not beat itself: " + verdict.reason());
    }

    private static String key(final long[] payment)
    {
        return payment[1] + "/" + payment[2];
    }

    /** @return {index, producer, seq} of every payments event of journal "in", in index order. */
    private static List<long[]> paymentsInJournalOrder()
    {
        final List<long[]> out = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final EventDecoder event = new EventDecoder();
        try (ChronicleJournal in = ChronicleJournal.openReadOnly(JournalConfig.of(journal.dataDir), RillServer.IN);
            JournalReader reader = in.newReader())
        {
            reader.toStart();
            while (reader.poll((index, buffer, offset, length) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() != EventDecoder.TEMPLATE_ID)
                {
                    return;
                }
                event.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                final long producer = event.producerId();
                final long seq = event.seq();
                final EventDecoder.FieldsDecoder fields = event.fields();
                while (fields.hasNext())
                {
                    fields.next();
                }
                if ("payments".equals(event.topic()))
                {
                    out.add(new long[] {index, producer, seq});
                }
            }, 1000) > 0)
            {
                // drain
            }
        }
        assertEquals(LabelledJournal.PAYMENTS, out.size());
        return out;
    }

    private static double[] plainOrtScores(final Path modelDir, final ModelDescriptor d, final List<double[]> rows) throws Exception
    {
        final FeatureExtractor extractor = new FeatureExtractor(d, FraudFeatures.payments());
        final float[][] features = new float[rows.size()][];
        for (int r = 0; r < features.length; r++)
        {
            features[r] = extractor.extractToArray(rows.get(r));
        }
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(modelDir.resolve(ModelDescriptor.ONNX_FILE).toString());
            OnnxTensor input = OnnxTensor.createTensor(env, features);
            OrtSession.Result result = session.run(Map.of(d.inputName(), input)))
        {
            final float[][] out = (float[][])result.get(d.outputName()).orElseThrow().getValue();
            final double[] scores = new double[out.length];
            for (int r = 0; r < out.length; r++)
            {
                scores[r] = out[r][d.scoreColumn()];
            }
            return scores;
        }
    }

    private static double pairCountingAuc(final double[] scores, final boolean[] positive)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++)
        {
            for (int j = 0; positive[i] && j < scores.length; j++)
            {
                if (!positive[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }

    private static double precision(final double[] scores, final boolean[] positive, final double threshold)
    {
        int flagged = 0;
        int hits = 0;
        for (int i = 0; i < scores.length; i++)
        {
            if (scores[i] >= threshold)
            {
                flagged++;
                hits += positive[i] ? 1 : 0;
            }
        }
        return flagged == 0 ? 0 : (double)hits / flagged;
    }

    private static double recall(final double[] scores, final boolean[] positive, final double threshold)
    {
        int positives = 0;
        int hits = 0;
        for (int i = 0; i < scores.length; i++)
        {
            if (positive[i])
            {
                positives++;
                hits += scores[i] >= threshold ? 1 : 0;
            }
        }
        return (double)hits / positives;
    }

    private static double logLoss(final double[] scores, final boolean[] positive)
    {
        double sum = 0;
        for (int i = 0; i < scores.length; i++)
        {
            sum -= Math.log(positive[i] ? scores[i] : 1 - scores[i]);
        }
        return sum / scores.length;
    }
}
