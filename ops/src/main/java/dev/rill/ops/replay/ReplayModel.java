package dev.rill.ops.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.TopicRegistry;
import dev.rill.ml.FeatureExtractor;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.ModelRegistry;
import dev.rill.ml.OnnxScorer;
import dev.rill.ml.ScoringModel;
import dev.rill.ml.features.FeatureState;
import dev.rill.ops.ModelConfig;

/**
 * The model version a replay scores with, found in the registry and loaded as the server loads it
 * ({@code ModelManager}): checked ({@link ModelRegistry#check}), its extractor built against the
 * topic's fields followed by the configured streaming features, and, with {@code model.fallbackModel:
 * previous}, the newest usable version below it as the fallback, so a row the chosen version cannot
 * score is scored as the live path would have scored it.
 *
 * <p>Built on the replay's thread, which then owns both models (the scoring stage closes them).
 *
 * @param entry    the chosen version.
 * @param primary  its loaded model.
 * @param fallback the fallback model, or null.
 * @param topicId  the topic it scores.
 */
record ReplayModel(ModelRegistry.Entry entry, ScoringModel primary, ScoringModel fallback, int topicId)
{
    /**
     * @param name     the model's name, null for the configured one.
     * @param version  the version, 0 for the configured one (the newest usable when {@code name} is another model).
     * @param topic    the topic to replay, null for the model's own; must be the one the model scores.
     * @param maxBatch rows per model run.
     * @throws ReplayException MODEL_INVALID for a version that is missing or refused; USAGE for a topic the
     *                         model does not score or the configuration does not have.
     */
    static ReplayModel load(
        final ModelConfig config, final String name, final int version, final String topic, final TopicRegistry topics,
        final FeatureState features, final int maxBatch, final Consumer<String> warnings)
    {
        final ModelRegistry registry = new ModelRegistry(config.registryRoot());
        final String modelName = name == null ? config.name() : name;
        final ModelRegistry.Entry entry;
        if (version > 0 || name == null || name.equals(config.name()))
        {
            final int v = version > 0 ? version : config.version();
            final Path dir = version > 0 || name != null ? registry.root().resolve(modelName).resolve(Integer.toString(v)) :
                config.directory();
            if (!Files.isDirectory(dir))
            {
                throw new ReplayException(ErrorCode.MODEL_INVALID, "no version " + v + " of model '" + modelName + "' under " +
                    registry.root() + " (" + dir + " does not exist); see `rill model list`");
            }
            entry = ModelRegistry.check(modelName, v, dir);
        }
        else
        {
            entry = registry.latest(modelName).orElseThrow(() -> new ReplayException(ErrorCode.MODEL_INVALID, "no usable version of " +
                "model '" + modelName + "' under " + registry.root() + "; see `rill model list`"));
        }
        if (!entry.usable())
        {
            throw new ReplayException(ErrorCode.MODEL_INVALID, entry.name() + "/" + entry.version() + " is refused: " + entry.problem());
        }
        final String scored = entry.descriptor().topic();
        if (topic != null && !topic.equals(scored))
        {
            throw new ReplayException(ErrorCode.USAGE, "--topic " + topic + ": model " + entry.name() + "/" + entry.version() +
                " scores topic '" + scored + "' only; replay that topic, or choose a model of " + topic);
        }
        final int topicId = topics.find(scored);
        if (topicId < 0)
        {
            throw new ReplayException(ErrorCode.USAGE, "model " + entry.name() + "/" + entry.version() + " scores topic '" + scored +
                "', which the configuration does not have; use the server's --config");
        }
        final ScoringModel primary = open(entry, topics, topicId, features, maxBatch);
        ScoringModel fallback = null;
        if (ModelConfig.FALLBACK_PREVIOUS.equals(config.fallbackModel()) && Files.isDirectory(registry.root().resolve(entry.name())))
        {
            ModelRegistry.Entry below = null;
            for (final ModelRegistry.Entry e : registry.versions(entry.name()))
            {
                if (e.usable() && e.version() < entry.version() && (below == null || e.version() > below.version()))
                {
                    below = e;
                }
            }
            if (below != null)
            {
                try
                {
                    fallback = open(below, topics, topicId, features, maxBatch);
                }
                catch (final ReplayException e)
                {
                    warnings.accept("fallback model " + below.name() + "/" + below.version() + " cannot be loaded (" + e.getMessage() +
                        "); rows the primary cannot score get the default score");
                }
            }
        }
        return new ReplayModel(entry, primary, fallback, topicId);
    }

    /** @return name/version. */
    String label()
    {
        return entry.name() + "/" + entry.version();
    }

    private static ScoringModel open(
        final ModelRegistry.Entry entry, final TopicRegistry topics, final int topicId, final FeatureState features, final int maxBatch)
    {
        final OnnxScorer scorer;
        try
        {
            scorer = OnnxScorer.open(entry.directory(), maxBatch);
        }
        catch (final ModelLoadException e)
        {
            throw new ReplayException(ErrorCode.MODEL_INVALID, e.getMessage());
        }
        try
        {
            final FeatureExtractor[] extractors = new FeatureExtractor[topics.size()];
            extractors[topicId] = new FeatureExtractor(scorer.descriptor(), topics.topic(topicId), features.featureNames(topicId));
            return new ScoringModel(scorer, extractors);
        }
        catch (final RuntimeException e)
        {
            try
            {
                scorer.close();
            }
            catch (final Exception suppressed)
            {
                e.addSuppressed(suppressed);
            }
            throw new ReplayException(ErrorCode.MODEL_INVALID, entry.name() + "/" + entry.version() + " cannot score topic '" +
                topics.topic(topicId).name() + "' with this configuration: " + e.getMessage());
        }
    }
}
