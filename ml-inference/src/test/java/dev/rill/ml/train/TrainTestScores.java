package dev.rill.ml.train;

import java.nio.file.Path;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.ModelDescriptor;

/** Test helper: a model's scores of labelled rows through a plain ONNX Runtime session, no OnnxScorer. */
final class TrainTestScores
{
    private TrainTestScores()
    {
    }

    static double[] plainOrtScores(final Path modelDir, final LabelledRows rows) throws Exception
    {
        final ModelDescriptor descriptor = ModelDescriptor.read(modelDir.resolve(ModelDescriptor.DESCRIPTOR_FILE));
        final FeatureExtractor extractor = new FeatureExtractor(descriptor, rows.topic());
        final float[][] features = new float[rows.size()][];
        for (int r = 0; r < rows.size(); r++)
        {
            features[r] = extractor.extractToArray(rows.fields()[r]);
        }
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(modelDir.resolve(ModelDescriptor.ONNX_FILE).toString());
            OnnxTensor input = OnnxTensor.createTensor(env, features);
            OrtSession.Result result = session.run(Map.of(descriptor.inputName(), input)))
        {
            final float[][] out = (float[][])result.get(descriptor.outputName()).orElseThrow().getValue();
            final double[] scores = new double[out.length];
            for (int r = 0; r < out.length; r++)
            {
                scores[r] = out[r][descriptor.scoreColumn()];
            }
            return scores;
        }
    }
}
