package dev.rill.ml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * One ONNX Runtime session over one model version, with reusable native-order input and output
 * buffers for micro-batches of up to {@code maxBatch} rows.
 *
 * <p>Use: write rows into {@link #inputRows()} (row r at floats {@code r * featureCount()}, for
 * example with {@link FeatureExtractor#extract}), call {@link #run(int)}, read
 * {@link #score(int)}. The tensors for batch size n are views of the shared buffers, made on the
 * first run of that size (or by {@link #prepareBatchSizes()}) and reused; the output tensor is
 * pinned, so a run allocates nothing but what ORT's Java layer allocates inside {@code run}.
 *
 * <p>Threading: one owner thread (the scoring stage's) calls everything after construction;
 * the session runs with one intra-op and one inter-op thread, sequentially, on the caller's
 * thread. Not thread-safe. {@link #close()} frees the native tensors and the session.
 */
public final class OnnxScorer implements AutoCloseable
{
    private final ModelDescriptor descriptor;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final int maxBatch;
    private final int featureCount;
    private final int outputCount;
    private final int scoreColumn;
    private final FloatBuffer inputRows;
    private final FloatBuffer outputRows;
    private final OnnxTensor[] inputTensors;
    private final OnnxTensor[] outputTensors;
    private final Map<String, OnnxTensor>[] inputMaps;
    private final Map<String, OnnxTensor>[] pinnedOutputMaps;
    private long runCount;

    private OnnxScorer(final ModelFiles files, final int maxBatch)
    {
        this.descriptor = files.descriptor();
        this.maxBatch = maxBatch;
        this.featureCount = descriptor.featureCount();
        this.outputCount = descriptor.outputCount();
        this.scoreColumn = descriptor.scoreColumn();
        OnnxRuntimeLibraries.prepare();
        this.environment = OrtEnvironment.getEnvironment();
        this.session = createSession(environment, files);
        try
        {
            checkGraphMatchesDescriptor(files.directory(), session, descriptor);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(session, ex);
            throw ex;
        }
        inputRows = directFloats(maxBatch * featureCount);
        outputRows = directFloats(maxBatch * outputCount);
        inputTensors = new OnnxTensor[maxBatch + 1];
        outputTensors = new OnnxTensor[maxBatch + 1];
        @SuppressWarnings("unchecked") final Map<String, OnnxTensor>[] in = new Map[maxBatch + 1];
        @SuppressWarnings("unchecked") final Map<String, OnnxTensor>[] out = new Map[maxBatch + 1];
        inputMaps = in;
        pinnedOutputMaps = out;
    }

    /**
     * Loads and checks a model version directory and opens a session on it.
     *
     * @param modelDirectory for example {@code models/fraud/1}.
     * @param maxBatch       largest number of rows per {@link #run(int)}.
     * @return the scorer, owned by the caller.
     * @throws ModelLoadException when the files are missing, inconsistent, or the graph's input
     *                            and output differ from {@code model.json}.
     */
    public static OnnxScorer open(final Path modelDirectory, final int maxBatch)
    {
        if (maxBatch < 1)
        {
            throw new IllegalArgumentException("maxBatch must be 1 or more, found " + maxBatch);
        }
        return new OnnxScorer(ModelFiles.load(modelDirectory), maxBatch);
    }

    /** @return the model's descriptor. */
    public ModelDescriptor descriptor()
    {
        return descriptor;
    }

    /** @return the model version. */
    public int modelVersion()
    {
        return descriptor.version();
    }

    /** @return largest batch {@link #run(int)} accepts. */
    public int maxBatch()
    {
        return maxBatch;
    }

    /** @return floats per input row. */
    public int featureCount()
    {
        return featureCount;
    }

    /** @return number of {@code session.run} calls made by {@link #run(int)} so far (owner thread). */
    public long runCount()
    {
        return runCount;
    }

    /**
     * @return the row-major input buffer of {@code maxBatch * featureCount} floats; write rows with
     * absolute puts, do not change its position or limit.
     */
    public FloatBuffer inputRows()
    {
        return inputRows;
    }

    /**
     * Makes the tensors for every batch size now, so that no run allocates them later.
     *
     * @throws OrtException when ORT cannot create a tensor.
     */
    public void prepareBatchSizes() throws OrtException
    {
        for (int n = 1; n <= maxBatch; n++)
        {
            prepare(n);
        }
    }

    /**
     * Scores the first n rows of {@link #inputRows()} with one {@code session.run}.
     *
     * @param n rows to score, 1 to {@link #maxBatch()}.
     * @throws OrtException when ONNX Runtime fails; the outputs are then undefined.
     */
    public void run(final int n) throws OrtException
    {
        run(n, null);
    }

    /**
     * Scores the first n rows of {@link #inputRows()} with one {@code session.run} under the
     * given run options; another thread may end the run early with
     * {@code runOptions.setTerminate(true)} (the run then throws).
     *
     * @param n          rows to score, 1 to {@link #maxBatch()}.
     * @param runOptions options of this run, or null for none.
     * @throws OrtException when ONNX Runtime fails or the run was terminated; the outputs are then undefined.
     */
    public void run(final int n, final OrtSession.RunOptions runOptions) throws OrtException
    {
        if (n < 1 || n > maxBatch)
        {
            throw new IllegalArgumentException("batch of " + n + " rows is outside [1, " + maxBatch + "]");
        }
        final Map<String, OnnxTensor> inputs = inputMaps[n] != null ? inputMaps[n] : prepare(n);
        runCount++;
        // Every output is pinned, so the result owns nothing; closing it frees no tensor of ours.
        try (OrtSession.Result ignored = runOptions == null ?
            session.run(inputs, Set.of(), pinnedOutputMaps[n]) : session.run(inputs, Set.of(), pinnedOutputMaps[n], runOptions))
        {
            // outputs are already in outputRows
        }
    }

    /** @return the score column (for the fraud model: fraud probability) of a row of the last run. */
    public float score(final int row)
    {
        return outputRows.get(row * outputCount + scoreColumn);
    }

    /** @return one output column of a row of the last run. */
    public float output(final int row, final int column)
    {
        return outputRows.get(row * outputCount + column);
    }

    /**
     * Allocating convenience for tools and tests: scores one row through a fresh tensor and the
     * session's ordinary (non-pinned) run. Leaves the reusable buffers untouched.
     *
     * @param features one row of {@link #featureCount()} floats in model input order.
     * @return a new array holding every output column of that row.
     * @throws OrtException when ONNX Runtime fails.
     */
    public float[] scoreOnce(final float[] features) throws OrtException
    {
        if (features.length != featureCount)
        {
            throw new IllegalArgumentException("expected " + featureCount + " features, got " + features.length);
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(features), new long[]{1, featureCount});
            OrtSession.Result result = session.run(Map.of(descriptor.inputName(), tensor), Set.of(descriptor.outputName())))
        {
            final float[][] values = (float[][])result.get(0).getValue();
            return values[0].clone();
        }
    }

    @Override
    public void close() throws OrtException
    {
        for (int n = 1; n <= maxBatch; n++)
        {
            if (inputTensors[n] != null)
            {
                inputTensors[n].close();
                outputTensors[n].close();
            }
        }
        session.close();
    }

    @Override
    public String toString()
    {
        return "OnnxScorer{model=" + descriptor.name() + "/" + descriptor.version() + ", maxBatch=" + maxBatch + "}";
    }

    private Map<String, OnnxTensor> prepare(final int n) throws OrtException
    {
        if (inputMaps[n] == null)
        {
            final OnnxTensor input = OnnxTensor.createTensor(environment, view(inputRows, n * featureCount), new long[]{n, featureCount});
            final OnnxTensor output;
            try
            {
                output = OnnxTensor.createTensor(environment, view(outputRows, n * outputCount), new long[]{n, outputCount});
            }
            catch (final OrtException ex)
            {
                input.close();
                throw ex;
            }
            inputTensors[n] = input;
            outputTensors[n] = output;
            pinnedOutputMaps[n] = Map.of(descriptor.outputName(), output);
            inputMaps[n] = Map.of(descriptor.inputName(), input);
        }
        return inputMaps[n];
    }

    private static FloatBuffer view(final FloatBuffer whole, final int length)
    {
        // A direct, native-order buffer becomes the tensor's memory (no copy), so later writes to
        // the whole buffer are what the next run reads.
        return whole.duplicate().position(0).limit(length).slice();
    }

    private static FloatBuffer directFloats(final int count)
    {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static OrtSession createSession(final OrtEnvironment environment, final ModelFiles files)
    {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions())
        {
            // Explicit: ORT's default pools would spawn a thread per core and fight the pipeline.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            // A failing run reaches the caller as an OrtException; ORT's own per-run error log
            // would print once per batch on the hot path, so it is silenced here.
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            return environment.createSession(files.onnx(), options);
        }
        catch (final OrtException ex)
        {
            throw new ModelLoadException(files.directory().resolve(ModelDescriptor.ONNX_FILE) +
                " cannot be loaded by ONNX Runtime: " + ex.getMessage() + "; regenerate the model", ex);
        }
    }

    private static void checkGraphMatchesDescriptor(final Path directory, final OrtSession session, final ModelDescriptor d)
    {
        final String where = directory.resolve(ModelDescriptor.ONNX_FILE) + " does not match its " +
            ModelDescriptor.DESCRIPTOR_FILE + ": ";
        final String what = "; the files are from different models: restore both or regenerate the model";
        final Map<String, NodeInfo> inputs;
        final Map<String, NodeInfo> outputs;
        try
        {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        }
        catch (final OrtException ex)
        {
            throw new ModelLoadException(where + "cannot read the graph's inputs and outputs: " + ex.getMessage(), ex);
        }
        if (inputs.size() != 1 || !inputs.containsKey(d.inputName()))
        {
            throw new ModelLoadException(where + "graph inputs are " + inputs.keySet() +
                ", descriptor expects exactly one input '" + d.inputName() + "'" + what);
        }
        if (!outputs.containsKey(d.outputName()))
        {
            throw new ModelLoadException(where + "graph outputs are " + outputs.keySet() +
                ", descriptor expects output '" + d.outputName() + "'" + what);
        }
        checkMatrix(where, what, "input '" + d.inputName() + "'", inputs.get(d.inputName()), d.featureCount(), "features");
        checkMatrix(where, what, "output '" + d.outputName() + "'", outputs.get(d.outputName()), d.outputCount(), "outputCount");
    }

    private static void checkMatrix(
        final String where, final String what, final String node, final NodeInfo info, final int columns, final String key)
    {
        if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT)
        {
            throw new ModelLoadException(where + node + " is " + info.getInfo() + ", expected a float tensor" + what);
        }
        final long[] shape = tensor.getShape();
        // A dynamic (-1) column dimension is accepted: ORT then checks the width at run time.
        if (shape.length != 2 || (shape[1] != columns && shape[1] != -1))
        {
            throw new ModelLoadException(where + node + " has shape " + Arrays.toString(shape) +
                ", descriptor declares [-1, " + columns + "] (" + key + ")" + what);
        }
    }

    private static void closeQuietly(final OrtSession session, final RuntimeException primary)
    {
        try
        {
            session.close();
        }
        catch (final OrtException ex)
        {
            primary.addSuppressed(ex);
        }
    }
}
