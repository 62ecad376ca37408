package dev.rill.ops.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.rill.bus.ErrorCode;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.train.LogisticModelTrainer;
import dev.rill.ml.train.ModelTrainingException;
import dev.rill.ops.RillConfig;
import dev.rill.ops.train.JournalTraining;
import dev.rill.ops.train.LabelSource;
import dev.rill.ops.train.TerminalProgress;
import dev.rill.ops.train.TrainingDataException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rill train}: trains the next version of a model from the labelled events of journal "in",
 * registers it, and prints its held-out metrics and the deployment gate's verdict against the
 * newest other version. Progress goes to standard error, the result to standard output.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train the next version of a model from labelled events of journal \"in\" and register it.",
        "Labels: --label-topic T (events [producer_id, seq, 0/1] naming the labelled event; a later label wins) or "
            + "--label-field F (a 0/1 field of the scored topic). Unlabelled events are left out and counted.",
        "Ranges are \"in\" indexes, [from, to). By default the labelled events are split by count: the first 75 % train, "
            + "the later 25 % are held out. The held-out range must start at or after the end of the training range.",
        "Exit status: 0 registered (whatever the gate says); 64 wrong options, ranges or no labelled events; "
            + "20 configuration; 21/23 journal unreadable/damaged; 22 the model cannot be trained or verified."})
final class TrainCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration (default: embedded defaults)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides dataDir of the configuration")
    Path dataDir;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "fraud", description = "Model name (default: ${DEFAULT-VALUE})")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Labels labels;

    @Option(names = "--train-from", paramLabel = "INDEX",
        description = "First training index (default: first labelled event)")
    Long trainFrom;

    @Option(names = "--train-to", paramLabel = "INDEX",
        description = "End of the training range, exclusive (default: --eval-from)")
    Long trainTo;

    @Option(names = "--eval-from", paramLabel = "INDEX", description = "First held-out index (default: --train-to)")
    Long evalFrom;

    @Option(names = "--eval-to", paramLabel = "INDEX",
        description = "End of the held-out range, exclusive (default: after the last labelled event)")
    Long evalTo;

    @Option(names = "--eval-fraction", paramLabel = "F", defaultValue = "0.25",
        description = "Share of the labelled events held out when neither --train-to nor --eval-from is given "
            + "(default: ${DEFAULT-VALUE})")
    double evalFraction;

    @Option(names = "--models", paramLabel = "DIR", description = "Registry root (default: models, under rill.home when set)")
    Path models;

    @Option(names = "--threshold", paramLabel = "P",
        description = "Decision threshold (default: the one maximising F1 on the training range)")
    Double threshold;

    @Option(names = "--epochs", defaultValue = "10",
        description = "SGD passes over the training range (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Trainer seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--verify-rows", paramLabel = "N", defaultValue = "5000",
        description = "Held-out rows ONNX Runtime must score as Tribuo does (default: ${DEFAULT-VALUE})")
    int verifyRows;

    @Option(names = "--progress", paramLabel = "auto|terminal|lines|none", defaultValue = "auto",
        description = "Progress on standard error: one rewritten line (terminal), a line every few seconds (lines), "
            + "phase summaries only (none); auto picks terminal when there is a console (default: ${DEFAULT-VALUE})")
    String progress;

    /** Exactly one label source. */
    static final class Labels
    {
        @Option(names = "--label-topic", paramLabel = "TOPIC", required = true,
            description = "Topic of label events [producer_id, seq, 0/1], e.g. payment_labels")
        String topic;

        @Option(names = "--label-field", paramLabel = "FIELD", required = true, description = "0/1 field of the scored topic")
        String field;
    }

    @Override
    public Integer call() throws IOException
    {
        if (epochs < 1 || epochs > 10_000 || verifyRows < 1)
        {
            throw new ParameterException(spec.commandLine(), "--epochs must be 1 to 10000 and --verify-rows 1 or more");
        }
        if (threshold != null && !(threshold >= 0.0 && threshold <= 1.0))
        {
            throw new ParameterException(spec.commandLine(), "--threshold must be between 0 and 1, found " + threshold);
        }
        RillConfig cfg = config == null ? RillConfig.defaults(RillConfig.DEFAULT_DATA_DIR) : RillConfig.read(config);
        if (dataDir != null)
        {
            cfg = cfg.withDataDir(dataDir);
        }
        final JournalTraining.Request request = new JournalTraining.Request(cfg, model, models != null ? models : defaultModels(),
            labels.topic != null ? LabelSource.topic(labels.topic) : LabelSource.field(labels.field), trainFrom, trainTo,
            evalFrom, evalTo, evalFraction, threshold == null ? Double.NaN : threshold, epochs, seed, verifyRows);
        final PrintWriter err = spec.commandLine().getErr();
        final JournalTraining.Outcome outcome;
        try
        {
            outcome = JournalTraining.run(request, new TerminalProgress(System.err, progressMode(), System::nanoTime));
        }
        catch (final TrainingDataException ex)
        {
            return fail(err, ex.errorCode(), ex.getMessage());
        }
        catch (final ModelTrainingException ex)
        {
            return fail(err, ErrorCode.MODEL_INVALID, ex.getMessage());
        }
        print(outcome);
        return 0;
    }

    private static int fail(final PrintWriter err, final ErrorCode code, final String message)
    {
        err.println("rill: " + code + ": " + message);
        err.flush();
        return code.code();
    }

    private TerminalProgress.Mode progressMode()
    {
        return switch (progress)
        {
            case "auto" -> TerminalProgress.detect();
            case "terminal" -> TerminalProgress.Mode.OVERWRITE;
            case "lines" -> TerminalProgress.Mode.LINES;
            case "none" -> TerminalProgress.Mode.SUMMARIES;
            default -> throw new ParameterException(spec.commandLine(), "--progress: '" + progress +
                "' is not a mode; use auto, terminal, lines or none");
        };
    }

    private static Path defaultModels()
    {
        final String home = System.getProperty("rill.home");
        return home == null ? Path.of("models") : Path.of(home).resolve("models");
    }

    private static void print(final JournalTraining.Outcome o)
    {
        final ModelDescriptor d = o.training().descriptor();
        final ModelDescriptor.Evaluation e = d.evaluation();
        System.out.printf(Locale.ROOT, "rill train: registered %s/%d in %s (trained and verified in %.1f s)%n", d.name(),
            d.version(), o.registered().directory(), o.training().millis() / 1000.0);
        row("labels", String.format(Locale.ROOT, "%s, journal %s; %,d events of %s in the ranges had no label and were left out",
            d.training().labels(), d.training().journal(), o.unlabelled(), d.topic()));
        row("training", String.format(Locale.ROOT, "%s: %,d labelled events, %,d positive; training AUC %.4f",
            o.trainingRows().description(), o.trainingRows().size(), o.trainingRows().positives(), o.training().trainingAuc()));
        row("held out", String.format(Locale.ROOT, "%s: %,d labelled events, %,d positive",
            o.heldOutRows().description(), o.heldOutRows().size(), o.heldOutRows().positives()));
        row("metrics", String.format(Locale.ROOT, "AUC %.4f; at threshold %.4f precision %.4f, recall %.4f; log loss %.4f, " +
            "base rate %.4f", e.auc(), d.threshold(), e.precisionAtThreshold(), e.recallAtThreshold(), e.logLoss(), e.baseRate()));
        row("calibration", "score range    held-out rows  mean score  observed rate");
        for (final ModelDescriptor.CalibrationBin b : e.calibration())
        {
            row("", String.format(Locale.ROOT, "[%.2f, %.2f)  %,13d  %10.4f  %13.4f", b.from(), b.to(), b.rows(), b.meanScore(),
                b.observedRate()));
        }
        row("onnx", String.format(Locale.ROOT, "sha256 %s; ONNX Runtime matches Tribuo on %,d held-out rows (max difference " +
            "%.1e, allowed %.0e)", d.onnxSha256(), o.training().verifiedRows(), o.training().maxOnnxDifference(),
            LogisticModelTrainer.MAX_ONNX_DIFFERENCE));
        if (o.verdict() != null)
        {
            row("gate", o.verdict().toString());
        }
        else
        {
            row("gate", "not judged: " + (o.gateProblem() != null ? o.gateProblem() :
                "no other usable version of " + d.name() + " to compare with"));
        }
        System.out.flush();
    }

    private static void row(final String label, final String text)
    {
        System.out.printf(Locale.ROOT, "  %-12s %s%n", label, text);
    }
}
