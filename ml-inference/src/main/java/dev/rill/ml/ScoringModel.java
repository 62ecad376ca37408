package dev.rill.ml;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import ai.onnxruntime.OrtException;

/**
 * One loaded model version ready for the scoring stage: its ONNX session and, per topic id, the
 * extractor that turns that topic's fields (and streaming features) into the model's input row.
 *
 * <p>Built off the pipeline thread (by the server when it starts or deploys), then handed to the
 * {@link ScoringStage}, which owns it from then on and closes it when it is replaced.
 */
public final class ScoringModel implements AutoCloseable
{
    private final OnnxScorer scorer;
    private final FeatureExtractor[] extractors;
    private final byte[] nameUtf8;
    private final String label;
    private final ModelMonitor.BatchObserver observer;

    /**
     * @param scorer     the model's session, owned by this object from now on.
     * @param extractors extractor per topic id; a null entry means the model does not score that topic.
     * @throws IllegalArgumentException when an extractor writes another number of features than the model takes.
     */
    public ScoringModel(final OnnxScorer scorer, final FeatureExtractor[] extractors)
    {
        this(scorer, extractors, null);
    }

    /**
     * @param scorer     the model's session, owned by this object from now on.
     * @param extractors extractor per topic id; a null entry means the model does not score that topic.
     * @param observer   receives the batches this model scores as primary, on the monitor thread (drift); null for none.
     */
    public ScoringModel(final OnnxScorer scorer, final FeatureExtractor[] extractors, final ModelMonitor.BatchObserver observer)
    {
        this.observer = observer;
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.extractors = extractors.clone();
        for (int topicId = 0; topicId < extractors.length; topicId++)
        {
            final FeatureExtractor extractor = extractors[topicId];
            if (extractor != null && extractor.featureCount() != scorer.featureCount())
            {
                throw new IllegalArgumentException("extractor for topic id " + topicId + " writes " +
                    extractor.featureCount() + " features but " + scorer + " takes " + scorer.featureCount() +
                    "; build the extractor from the scorer's descriptor");
            }
        }
        this.nameUtf8 = scorer.descriptor().name().getBytes(StandardCharsets.UTF_8);
        this.label = scorer.descriptor().name() + "/" + scorer.modelVersion();
    }

    public OnnxScorer scorer()
    {
        return scorer;
    }

    /** @return the extractor of a topic id, or null when this model does not score it. */
    public FeatureExtractor extractor(final int topicId)
    {
        return topicId >= 0 && topicId < extractors.length ? extractors[topicId] : null;
    }

    /** @return number of topic ids the extractor table covers. */
    public int topicCount()
    {
        return extractors.length;
    }

    /** @return the drift observer of this model, or null. */
    public ModelMonitor.BatchObserver observer()
    {
        return observer;
    }

    public ModelDescriptor descriptor()
    {
        return scorer.descriptor();
    }

    public int version()
    {
        return scorer.modelVersion();
    }

    /** @return the model name as UTF-8, shared with every Result it scores; do not modify. */
    byte[] nameUtf8()
    {
        return nameUtf8;
    }

    /** @return name/version. */
    @Override
    public String toString()
    {
        return label;
    }

    @Override
    public void close() throws OrtException
    {
        scorer.close();
    }
}
