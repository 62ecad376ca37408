package dev.rill.ml.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FeatureSpec;
import dev.rill.ml.FeatureTransform;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelDescriptor.Distribution;
import dev.rill.ml.ModelDescriptor.Distributions;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import org.junit.jupiter.api.Test;

class DriftMonitorTest
{
    private static final Path COMMITTED_FRAUD = Path.of("..", "models", "fraud", "1");

    /** One feature "x" with edges [1, 2] and training shares [0.5, 0.3, 0.2]; score edge 0.5, shares [0.9, 0.1]. */
    private static ModelDescriptor crafted(final Distributions distributions)
    {
        return new ModelDescriptor("crafted", 1, "t", "input", "output", 2, 0, "fraud",
            List.of(FeatureSpec.of("x", "a", FeatureTransform.IDENTITY), FeatureSpec.of("y", "b", FeatureTransform.IDENTITY)),
            0.5, null, null, null, "0".repeat(64), distributions);
    }

    private static Distributions craftedDistributions()
    {
        return new Distributions(100,
            List.of(new Distribution("x", List.of(1.0, 2.0), List.of(0.5, 0.3, 0.2))),
            new Distribution("score", List.of(0.5), List.of(0.9, 0.1)));
    }

    @Test
    void psiOfACraftedBatchEqualsTheValueWorkedOutByHand()
    {
        final DriftMonitor monitor = new DriftMonitor(crafted(craftedDistributions()));
        // x: 0.5, 0.5, 1.0 fall in bin 0 (1.0 is its inclusive upper edge), 1.5 x3 and 2.0 in bin 1, 3.0 x3 in bin 2
        final float[] x = {0.5f, 0.5f, 1.0f, 1.5f, 1.5f, 1.5f, 2.0f, 3.0f, 3.0f, 3.0f};
        final FloatBuffer rows = FloatBuffer.allocate(x.length * 2);
        final float[] scores = new float[x.length];
        for (int r = 0; r < x.length; r++)
        {
            rows.put(r * 2, x[r]);
            rows.put(r * 2 + 1, 42f);
            scores[r] = 0.25f; // all in the score's bin 0: bin 1 is empty and takes the epsilon share
        }
        monitor.observe(rows, x.length, 2, scores);

        // observed shares 0.3, 0.4, 0.3 against 0.5, 0.3, 0.2:
        //   (0.3-0.5) ln(0.3/0.5) = 0.102165124753198
        //   (0.4-0.3) ln(0.4/0.3) = 0.028768207245178
        //   (0.3-0.2) ln(0.3/0.2) = 0.040546510810816
        assertEquals(0.171479842809193, monitor.psi(0), 1e-9);
        // score: shares 1.0 and 0 (taken as 1e-4) against 0.9 and 0.1:
        //   (1.0-0.9) ln(1.0/0.9)       = 0.010536051565783
        //   (1e-4-0.1) ln(1e-4/0.1)     = 0.690084752370315
        assertEquals(0.700620803936098, monitor.scorePsi(), 1e-9);
        assertEquals(10, monitor.observed());

        final DriftReport report = monitor.report();
        assertEquals(DriftLevel.MODERATE, report.features().get(0).level());
        assertEquals(DriftLevel.NO_BASELINE, report.features().get(1).level(), "y has no training distribution");
        assertTrue(Double.isNaN(report.features().get(1).psi()));
        assertEquals(DriftLevel.SIGNIFICANT, report.score().level());
        assertEquals("score", report.worst().name());
    }

    @Test
    void resetForgetsEveryObservation()
    {
        final DriftMonitor monitor = new DriftMonitor(crafted(craftedDistributions()));
        final FloatBuffer row = FloatBuffer.wrap(new float[]{3f, 0f});
        monitor.observeRow(row, 0, 0.9f);
        assertTrue(monitor.psi(0) > 1.0);
        monitor.reset();
        assertEquals(0, monitor.observed());
        assertTrue(Double.isNaN(monitor.psi(0)));
        assertEquals(DriftLevel.NO_DATA, monitor.report().features().get(0).level());
        monitor.observeRow(row, 0, Float.NaN);
        assertEquals(1, monitor.observed());
        assertTrue(Double.isNaN(monitor.scorePsi()), "a NaN score is not counted");
    }

    @Test
    void aModelWithoutTrainingDistributionsReportsNoBaselineForEveryValue()
    {
        final DriftMonitor monitor = new DriftMonitor(crafted(null));
        monitor.observeRow(FloatBuffer.wrap(new float[]{1f, 2f}), 0, 0.1f);
        final DriftReport report = monitor.report();
        assertTrue(report.features().stream().allMatch(e -> e.level() == DriftLevel.NO_BASELINE), report.toString());
        assertEquals(DriftLevel.NO_BASELINE, report.score().level());
        assertEquals("x: no training distribution", report.features().get(0).toString());
    }

    @Test
    void paymentsFromTheTrainingDistributionAreStableAndShiftedAmountsAndDistancesAreSignificant() throws Exception
    {
        final int rows = 256;
        final int batches = 80;
        try (OnnxScorer scorer = OnnxScorer.open(COMMITTED_FRAUD, rows))
        {
            final ModelDescriptor descriptor = scorer.descriptor();
            final FeatureExtractor extractor = new FeatureExtractor(descriptor, FraudFeatures.payments());
            final DriftMonitor same = new DriftMonitor(descriptor);
            final DriftMonitor shifted = new DriftMonitor(descriptor);
            final FraudDataGenerator generator = new FraudDataGenerator(11);
            final double[][] fields = new double[rows][FraudFeatures.PAYMENT_FIELDS.size()];
            final float[] scores = new float[rows];
            for (int b = 0; b < batches; b++)
            {
                for (int r = 0; r < rows; r++)
                {
                    generator.next(fields[r]);
                    extractor.extract(fields[r], scorer.inputRows(), r);
                }
                observe(scorer, same, rows, scores);
                for (int r = 0; r < rows; r++)
                {
                    // card-not-present fraud wave: larger amounts, far from home
                    fields[r][FraudFeatures.AMOUNT_INDEX] *= 5;
                    fields[r][FraudFeatures.DISTANCE_FROM_HOME_KM_INDEX] *= 20;
                    extractor.extract(fields[r], scorer.inputRows(), r);
                }
                observe(scorer, shifted, rows, scores);
            }

            final DriftReport stable = same.report();
            assertEquals(rows * batches, stable.observed());
            for (final DriftReport.Entry e : stable.features())
            {
                assertTrue(e.psi() < 0.01, "same distribution, " + e);
            }
            assertTrue(stable.score().psi() < 0.01, "same distribution, " + stable.score());

            final DriftReport moved = shifted.report();
            assertEquals(DriftLevel.SIGNIFICANT, entry(moved, "amount_log").level(), moved.toString());
            assertEquals(DriftLevel.SIGNIFICANT, entry(moved, "distance_log").level(), moved.toString());
            assertEquals(DriftLevel.SIGNIFICANT, moved.score().level(), moved.toString());
            assertTrue(entry(moved, "card_age_log").psi() < 0.01, "untouched field stays stable: " + moved);
            assertTrue(List.of("amount_log", "distance_log", "score").contains(moved.worst().name()), moved.worst().toString());
        }
    }

    @Test
    void observingARowAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final ModelDescriptor descriptor = dev.rill.ml.ModelFiles.load(COMMITTED_FRAUD).descriptor();
        final DriftMonitor monitor = new DriftMonitor(descriptor);
        final int features = descriptor.featureCount();
        final FloatBuffer rows = FloatBuffer.allocate(64 * features);
        final float[] scores = new float[64];
        for (int i = 0; i < rows.capacity(); i++)
        {
            rows.put(i, (i * 0.37f) % 7f);
        }
        for (int i = 0; i < 64; i++)
        {
            scores[i] = i / 64f;
        }
        for (int i = 0; i < 2_000; i++)
        {
            monitor.observe(rows, 64, features, scores);
        }
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++)
        {
            monitor.observe(rows, 64, features, scores);
        }
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(12_000L * 64, monitor.observed());
        assertTrue(allocated < 1024, "allocated " + allocated + " B observing 640000 rows");
    }

    private static void observe(final OnnxScorer scorer, final DriftMonitor monitor, final int rows, final float[] scores)
        throws Exception
    {
        scorer.run(rows);
        for (int r = 0; r < rows; r++)
        {
            scores[r] = scorer.score(r);
        }
        monitor.observe(scorer.inputRows(), rows, scorer.featureCount(), scores);
    }

    private static DriftReport.Entry entry(final DriftReport report, final String name)
    {
        return report.features().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }
}
