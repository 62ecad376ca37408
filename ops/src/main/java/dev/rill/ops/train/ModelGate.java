package dev.rill.ops.train;

import java.nio.file.Path;

import ai.onnxruntime.OrtException;
import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.bus.TopicSchema;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelFiles;
import dev.rill.ml.ModelLoadException;
import dev.rill.ml.train.DeploymentGate;
import dev.rill.ml.train.FraudDataGenerator;
import dev.rill.ml.train.LabelledRows;
import dev.rill.ml.train.TrainingProgress;
import dev.rill.ops.RillConfig;

/**
 * The deployment gate as the server and {@code rill train} apply it: loads the candidate's own
 * held-out rows, as its model.json names them, and lets {@link DeploymentGate} compare the
 * candidate with the active model on them (rule: the candidate's AUC must beat the active one's by
 * more than {@value DeploymentGate#MIN_AUC_GAIN}).
 *
 * <p>Where the rows come from:
 * <ul>
 *   <li>a journal-trained candidate ({@code training.source: journal}): the scored topic's events
 *       in [{@code heldOutFrom}, {@code heldOutTo}) of the configured journal "in", labelled as
 *       {@code training.labels} says, with the labels journaled from {@code trainFrom} on (as the
 *       trainer read them; labels sent since training are included);</li>
 *   <li>a generator-trained candidate (the committed {@code models/fraud/1}): rows
 *       [{@code heldOutFrom}, {@code heldOutTo}) of {@link FraudDataGenerator} with its seed.</li>
 * </ul>
 *
 * <p>Stateless; any thread, but it reads the journal and runs two models: call it off the hot
 * path (the server's deploy request thread). Allocates.
 */
public final class ModelGate
{
    private ModelGate()
    {
    }

    /**
     * @param config       the server's configuration (journal and topics).
     * @param candidateDir the version directory about to be deployed.
     * @param activeDir    the version directory serving now.
     * @return the verdict.
     * @throws TrainingDataException when the candidate names no held-out rows the gate can load, or
     *                               the journal is damaged.
     * @throws ModelLoadException    when either model does not load or cannot score the rows.
     */
    public static DeploymentGate.Verdict check(final RillConfig config, final Path candidateDir, final Path activeDir)
    {
        final ModelDescriptor candidate = ModelFiles.load(candidateDir).descriptor();
        final LabelledRows rows = heldOutRows(config, candidate, candidateDir);
        try
        {
            return DeploymentGate.compare(rows, candidateDir, activeDir);
        }
        catch (final OrtException ex)
        {
            throw new ModelLoadException("ONNX Runtime failed while the gate scored " + rows.description() + " with " +
                candidateDir + " and " + activeDir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the held-out rows the candidate's model.json names.
     * @throws TrainingDataException when there are none it can load.
     */
    static LabelledRows heldOutRows(final RillConfig config, final ModelDescriptor candidate, final Path candidateDir)
    {
        final ModelDescriptor.TrainingData training = candidate.training();
        final String model = candidate.name() + "/" + candidate.version();
        if (training == null)
        {
            throw new TrainingDataException(ErrorCode.MODEL_INVALID, "candidate " + model + " (" + candidateDir + ") has no " +
                "'training' section naming its held-out rows, so the gate cannot judge it; retrain it with rill train, or " +
                "deploy it with the gate overridden");
        }
        if (training.fromJournal())
        {
            final TopicSchema topic = config.topics().stream().filter(t -> t.name().equals(candidate.topic())).findFirst()
                .orElseThrow(() -> new TrainingDataException(ErrorCode.CONFIG_INVALID, "candidate " + model + " scores topic '" +
                    candidate.topic() + "', which the configuration does not have; add it to topics"));
            final LabelSource labels = LabelSource.parse(training.labels());
            final TopicSchema labelTopic;
            try
            {
                labelTopic = labels.check(config.topics(), topic);
            }
            catch (final TrainingDataException ex)
            {
                throw new TrainingDataException(ErrorCode.CONFIG_INVALID, "candidate " + model + " was trained with labels " +
                    labels + ", which the configuration cannot give: " + ex.getMessage());
            }
            // From where training began, as the trainer read: a label sent on another connection can
            // be journaled just before its event, so a read from heldOutFrom could miss the first ones.
            final LabelledEvents events = LabelledEventReader.read(config.journal(), topic, labels, labelTopic,
                training.trainFrom() <= 0 ? Journal.NO_INDEX : training.trainFrom(), TrainingProgress.NONE);
            return events.rows(training.heldOutFrom(), training.heldOutTo());
        }
        if (FraudDataGenerator.class.getName().equals(training.generator()))
        {
            return FraudDataGenerator.labelledRows(training.seed(), Math.toIntExact(training.heldOutFrom()),
                Math.toIntExact(training.heldOutTo()));
        }
        throw new TrainingDataException(ErrorCode.MODEL_INVALID, "candidate " + model + " was trained from '" +
            training.generator() + "', which the gate cannot read rows from (it reads journal in and " +
            FraudDataGenerator.class.getSimpleName() + "); retrain it with rill train, or deploy it with the gate overridden");
    }
}
