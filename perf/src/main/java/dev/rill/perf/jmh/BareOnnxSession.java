package dev.rill.perf.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelFiles;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.perf.ModelLocator;

/**
 * The raw baseline of every ONNX figure: a bare ONNX Runtime session on the committed fraud model,
 * straight on {@code ai.onnxruntime}, with one prebuilt {@code [batch, features]} input tensor over
 * a direct buffer of real features of generated payments (written once) and one pinned
 * {@code [batch, outputs]} output tensor, no run options. The session has {@link OnnxScorer}'s
 * options (one intra-op and one inter-op thread, sequential execution, fatal-only logging).
 *
 * <p>One owner thread. {@link #run()} allocates only what ONNX Runtime's Java layer allocates per
 * call (the result object and its bookkeeping, a few hundred bytes).
 */
public final class BareOnnxSession implements AutoCloseable
{
    private final OrtSession session;
    private final OnnxTensor input;
    private final OnnxTensor output;
    private final FloatBuffer outputRows;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinnedOutputs;

    /**
     * @param batch rows per run.
     * @param seed  seed of the generated payments whose features fill the rows.
     */
    public BareOnnxSession(final int batch, final long seed) throws OrtException
    {
        final ModelFiles files = ModelFiles.load(ModelLocator.fraudModel());
        final ModelDescriptor descriptor = files.descriptor();
        // Opening (and closing) one scorer checks the model against its graph and makes ONNX Runtime use
        // Rill's shared copy of its native libraries, as everywhere else in the project.
        OnnxScorer.open(files.directory(), 1).close();
        final OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions())
        {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            session = environment.createSession(files.onnx(), options);
        }
        final FloatBuffer inputRows = directFloats(batch * descriptor.featureCount());
        final TopicSchema payments = FraudFeatures.payments();
        final FeatureExtractor extractor = new FeatureExtractor(descriptor, payments);
        final FraudDataGenerator generator = new FraudDataGenerator(seed);
        final double[] fields = new double[payments.fields().size()];
        for (int row = 0; row < batch; row++)
        {
            generator.next(fields);
            extractor.extract(fields, inputRows, row);
        }
        outputRows = directFloats(batch * descriptor.outputCount());
        input = OnnxTensor.createTensor(environment, inputRows, new long[]{batch, descriptor.featureCount()});
        output = OnnxTensor.createTensor(environment, outputRows, new long[]{batch, descriptor.outputCount()});
        inputs = Map.of(descriptor.inputName(), input);
        pinnedOutputs = Map.of(descriptor.outputName(), output);
    }

    /**
     * One {@code session.run} of the whole batch into the pinned output.
     *
     * @return the first output value.
     */
    public float run() throws OrtException
    {
        // Every output is pinned: the result owns nothing, closing it frees none of our tensors.
        try (OrtSession.Result ignored = session.run(inputs, Set.of(), pinnedOutputs))
        {
            return outputRows.get(0);
        }
    }

    @Override
    public void close() throws OrtException
    {
        input.close();
        output.close();
        session.close();
    }

    static FloatBuffer directFloats(final int count)
    {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
