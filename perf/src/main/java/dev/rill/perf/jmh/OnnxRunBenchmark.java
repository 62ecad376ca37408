package dev.rill.perf.jmh;

import java.util.concurrent.TimeUnit;

import ai.onnxruntime.OrtException;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.perf.ModelLocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does one ONNX Runtime call of the committed fraud model cost, alone, for a micro-batch of
 * n rows ({@link OnnxScorer#run(int)}: reused input view, pinned output, one intra-op thread)?
 * The rows are real features of generated payments, written once; no feature extraction here.
 * Per-call µs; divide by n for the per-event share.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OnnxRunBenchmark extends RillBenchmark
{
    private static final int MAX_BATCH = 128;

    @Param({"1", "64", "128"})
    public int n;

    private OnnxScorer scorer;

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
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException
    {
        scorer.close();
    }

    @Benchmark
    public float run() throws OrtException
    {
        scorer.run(n);
        return scorer.score(n - 1);
    }
}
