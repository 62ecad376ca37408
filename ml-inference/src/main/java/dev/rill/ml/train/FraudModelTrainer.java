package dev.rill.ml.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import dev.rill.bus.ErrorCode;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.ModelDescriptor;

/**
 * Trains the card-payment fraud model and writes {@code model.onnx} and {@code model.json} into a
 * model version directory.
 *
 * <p>Steps: generate {@code rows} payments with {@link FraudDataGenerator}; the first
 * {@code 1 - heldOutFraction} are the training range, the rest (later rows) the held-out range;
 * then {@link LogisticModelTrainer} (shared with {@code rill train}, which reads journal rows)
 * trains {@link FraudFeatures#fraudModelFeatures()}, picks the F1-maximising threshold on the
 * training range, evaluates on the held-out range, records the training distributions, exports
 * ONNX, writes the directory and checks ONNX Runtime against Tribuo within
 * {@value #MAX_ONNX_DIFFERENCE}. A mismatch deletes the written files and fails.
 *
 * <p>Command line: {@code --out DIR --rows N --seed S --epochs E --version V
 * --held-out-fraction F --verify-rows N}; see {@code models/fraud/README.md}. A tool, not a bus
 * component: single-threaded, allocates freely.
 */
public final class FraudModelTrainer
{
    /** Largest allowed |ORT score - Tribuo score| on verified rows. */
    public static final double MAX_ONNX_DIFFERENCE = LogisticModelTrainer.MAX_ONNX_DIFFERENCE;

    /**
     * @param out              model version directory to write, for example models/fraud/1.
     * @param rows             payments to generate, training plus held-out.
     * @param seed             generator and trainer seed.
     * @param version          model version written into model.json (defaults to the directory name).
     * @param epochs           SGD passes over the training range.
     * @param heldOutFraction  share of the (later) rows kept for evaluation.
     * @param verifyRows       held-out rows whose ORT score is compared with Tribuo's.
     */
    public record Options(Path out, long rows, long seed, int version, int epochs, double heldOutFraction, int verifyRows)
    {
        /** @return options from {@code --name value} pairs, defaults for the rest. */
        public static Options parse(final String[] args)
        {
            Path out = Path.of("models/fraud/1");
            long rows = 200_000;
            long seed = 42;
            int version = -1;
            int epochs = 10;
            double heldOutFraction = 0.25;
            int verifyRows = 5_000;
            for (int i = 0; i < args.length; i += 2)
            {
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException("option " + args[i] + " has no value");
                }
                final String value = args[i + 1];
                switch (args[i])
                {
                    case "--out" -> out = Path.of(value);
                    case "--rows" -> rows = Long.parseLong(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--version" -> version = Integer.parseInt(value);
                    case "--epochs" -> epochs = Integer.parseInt(value);
                    case "--held-out-fraction" -> heldOutFraction = Double.parseDouble(value);
                    case "--verify-rows" -> verifyRows = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] +
                        "; use --out DIR --rows N --seed S --epochs E --version V --held-out-fraction F --verify-rows N");
                }
            }
            if (version < 0)
            {
                final String dirName = out.toAbsolutePath().normalize().getFileName().toString();
                version = dirName.matches("[0-9]+") ? Integer.parseInt(dirName) : 1;
            }
            return new Options(out.toAbsolutePath().normalize(), rows, seed, version, epochs, heldOutFraction, verifyRows);
        }

        /** Checks ranges. */
        public Options
        {
            if (rows < 1000)
            {
                throw new IllegalArgumentException("--rows must be at least 1000, found " + rows);
            }
            if (!(heldOutFraction > 0.0 && heldOutFraction < 1.0))
            {
                throw new IllegalArgumentException("--held-out-fraction must be in (0, 1), found " + heldOutFraction);
            }
            if (epochs < 1 || version < 1 || verifyRows < 1)
            {
                throw new IllegalArgumentException("--epochs, --version and --verify-rows must be 1 or more");
            }
        }
    }

    /**
     * @param descriptor        what was written to model.json.
     * @param maxOnnxDifference largest |ORT - Tribuo| score difference on the verified rows.
     * @param verifiedRows      held-out rows compared.
     */
    public record Result(ModelDescriptor descriptor, double maxOnnxDifference, int verifiedRows)
    {
    }

    private FraudModelTrainer()
    {
    }

    /** Entry point: trains, writes and verifies; exit status 0, 22 (model invalid) or 64 (usage). */
    public static void main(final String[] args)
    {
        final Options options;
        try
        {
            options = Options.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("fraud model trainer: " + ex.getMessage());
            System.exit(ErrorCode.USAGE.code());
            return;
        }
        try
        {
            train(options, System.out);
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("fraud model trainer failed: " + ex);
            System.exit(ErrorCode.MODEL_INVALID.code());
        }
    }

    /**
     * Generates the rows, then trains, evaluates, writes and verifies the model with
     * {@link LogisticModelTrainer}.
     *
     * @param options  what to train and where to write it.
     * @param progress receives one line per step.
     * @return the written descriptor and the ORT/Tribuo agreement.
     * @throws IOException            when the files cannot be written.
     * @throws ModelTrainingException when the model cannot be trained or fails its ORT check.
     */
    public static Result train(final Options options, final PrintStream progress) throws IOException
    {
        final long start = System.nanoTime();
        final int rows = Math.toIntExact(options.rows());
        final int trainRows = (int)Math.round(rows * (1.0 - options.heldOutFraction()));
        final LabelledRows all = FraudDataGenerator.labelledRows(options.seed(), 0, rows);
        progress.printf(Locale.ROOT, "generated %d payments (seed %d): %d training, %d held out, fraud rate %.4f (%d ms)%n",
            rows, options.seed(), trainRows, rows - trainRows, BinaryMetrics.baseRate(all.labels()), millisSince(start));

        final LogisticModelTrainer.Result result = LogisticModelTrainer.train(
            new LogisticModelTrainer.Request(
                "fraud",
                options.version(),
                options.out(),
                FraudFeatures.fraudModelFeatures(),
                all.slice(0, trainRows, "generator seed " + options.seed() + " rows [0, " + trainRows + ")"),
                all.slice(trainRows, rows, "generator seed " + options.seed() + " rows [" + trainRows + ", " + rows + ")"),
                options.epochs(),
                options.seed(),
                Double.NaN,
                options.verifyRows(),
                new ModelDescriptor.TrainingData(FraudDataGenerator.class.getName(), options.seed(), 0, trainRows, trainRows, rows,
                    null, ModelDescriptor.TrainingData.SOURCE_GENERATOR, null, null, null, null)),
            new TrainingProgress()
            {
                @Override
                public void progress(final String phase, final long done, final long total, final String detail)
                {
                }

                @Override
                public void finished(final String phase, final String summary)
                {
                    progress.println(summary);
                }
            });
        progress.println("model version directory: " + options.out());
        return new Result(result.descriptor(), result.maxOnnxDifference(), result.verifiedRows());
    }

    private static long millisSince(final long startNanos)
    {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
