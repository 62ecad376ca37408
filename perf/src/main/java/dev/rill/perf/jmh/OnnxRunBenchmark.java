package dev.rill.perf.jmh;

import ai.onnxruntime.OrtException;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.perf.ModelLocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does one ONNX Runtime call of the committed fraud model cost through Rill's
 * {@link OnnxScorer}, next to a bare {@code session.run} of the same rows, for a micro-batch of
 * {@code batch} rows (1, 8, 32, 64, 128, 256)? <b>ns per call</b>, not per event: divide by
 * {@code batch} for the per-event share.
 * <ul>
 *   <li>{@code scorerRun}: {@link OnnxScorer#run(int)} on a scorer opened for 256 rows with every
 *       batch size's tensors prepared up front: the input view of the first {@code batch} rows,
 *       the pinned output of that size, one intra-op thread.</li>
 *   <li>{@code bareRun}: the raw baseline, {@link BareOnnxSession}: {@code session.run} straight on
 *       {@code ai.onnxruntime} with a prebuilt {@code [batch, 11]} input and a pinned
 *       {@code [batch, 2]} output (the same session options), as
 *       {@code ScoringStageBenchmark.bareRun}.</li>
 * </ul>
 * The rows are real features of generated payments, written once; no feature extraction here.
 * Both allocate inside ONNX Runtime's Java layer on every call (the {@code OrtSession.Result} and
 * its bookkeeping: 416 B per call with {@code -prof gc}, at every batch size); Rill adds nothing to it.
 */
@State(Scope.Thread)
public class OnnxRunBenchmark extends RillBenchmark
{
    private static final int MAX_BATCH = 256;

    @Param({"1", "8", "32", "64", "128", "256"})
    public int batch;

    private OnnxScorer scorer;
    private BareOnnxSession bare;

    @Setup(Level.Trial)
    public void setUp() throws OrtException
    {
        scorer = OnnxScorer.open(ModelLocator.fraudModel(), MAX_BATCH);
        final TopicSchema payments = FraudFeatures.payments();
        final FeatureExtractor extractor = new FeatureExtractor(scorer.descriptor(), payments);
        final FraudDataGenerator generator = new FraudDataGenerator(3);
        final double[] fields = new double[payments.fields().size()];
        for (int row = 0; row < MAX_BATCH; row++)
        {
            generator.next(fields);
            extractor.extract(fields, scorer.inputRows(), row);
        }
        scorer.prepareBatchSizes();
        bare = new BareOnnxSession(batch, 3);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException
    {
        bare.close();
        scorer.close();
    }

    @Benchmark
    public float scorerRun() throws OrtException
    {
        scorer.run(batch);
        return scorer.score(batch - 1);
    }

    @Benchmark
    public float bareRun() throws OrtException
    {
        return bare.run();
    }
}
