package dev.rill.ops.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.rill.bus.ErrorCode;
import dev.rill.ops.RillConfig;
import dev.rill.ops.replay.CorrectionPublisher;
import dev.rill.ops.replay.ReplayBound;
import dev.rill.ops.replay.ReplayDiff;
import dev.rill.ops.replay.ReplayException;
import dev.rill.ops.replay.ReplayFormat;
import dev.rill.ops.replay.ReplayManifest;
import dev.rill.ops.replay.ReplayOutput;
import dev.rill.ops.replay.Replayer;
import dev.rill.ops.train.TerminalProgress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rill replay run|diff|publish}: re-score a window of journal "in" after an incident, compare
 * the replayed Results with the original ones, and publish the changed decisions to journal "out"
 * as corrections. Each runs as its own process against the journal files, beside a running server
 * (see {@link Replayer} and {@link CorrectionPublisher} for how, and the runbook
 * ops/runbooks/replay.md for when). Failures print one line and exit with the {@link ErrorCode}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay a range of journal in with a model, compare with the original Results, publish corrections.",
        "Runs beside a running server: it reads the journal files with its own readers; see ops/runbooks/replay.md."},
    subcommands = {ReplayCommand.Run.class, ReplayCommand.Diff.class, ReplayCommand.Publish.class})
final class ReplayCommand
{
    /** Where the data is: the server's configuration and data directory. */
    static final class ServerFiles
    {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The server's YAML configuration: topics, features, model, journal (default: embedded defaults)")
        Path config;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides dataDir of the configuration")
        Path dataDir;

        RillConfig load()
        {
            RillConfig cfg = config == null ? RillConfig.defaults(RillConfig.DEFAULT_DATA_DIR) : RillConfig.read(config);
            return dataDir == null ? cfg : cfg.withDataDir(dataDir);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-score the events of journal in from --from to --to (both inclusive) with a model and write the "
            + "replayed Results to <dataDir>/replay/<output>/.",
            "--from/--to: an index of in (decimal as `rill journal dump` prints it, or 0x and hex) or a time compared with "
                + "the events' ingest time (2026-11-25T18:00:00Z, now, -2h, -30m).",
            "Streaming features start from the newest checkpoint before the range and are warmed up over the events "
                + "between it and --from, as recovery does; the scores are those the live path computes.",
            "Exit status: 0 done; 64 wrong options, a reversed range, a range outside in, an output that exists; "
                + "22 unknown or unusable model version; 20 configuration; 21/23 journal unreadable/damaged."})
    static final class Run implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerFiles data = new ServerFiles();

        @Option(names = "--from", required = true, paramLabel = "INDEX|TIME", description = "First event: an in index or a time")
        String from;

        @Option(names = "--to", required = true, paramLabel = "INDEX|TIME", description = "Last event: an in index or a time")
        String to;

        @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic to replay (default: the one the model scores)")
        String topic;

        @Option(names = "--model", paramLabel = "NAME[:VERSION]",
            description = "Model version to score with (default: the configured one, model.directory)")
        String model;

        @Option(names = "--output", required = true, paramLabel = "NAME", description = "Name of the replay output")
        String output;

        @Option(names = "--format", paramLabel = "journal|jsonl", defaultValue = "journal",
            description = "journal (SBE Results, as out) or jsonl (one JSON object per line) (default: ${DEFAULT-VALUE})")
        String format;

        @Option(names = "--overwrite", description = "Replace an output of the same name")
        boolean overwrite;

        @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "Most records of in read per second, warm-up included; 0 for no limit (default: ${DEFAULT-VALUE})")
        long rate;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "" + Replayer.DEFAULT_BATCH,
            description = "Events per model run (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--progress", paramLabel = "auto|terminal|lines|none", defaultValue = "auto",
            description = "Progress on standard error: one rewritten line (terminal), a line every few seconds (lines), "
                + "summaries only (none) (default: ${DEFAULT-VALUE})")
        String progress;

        @Override
        public Integer call()
        {
            final PrintWriter err = spec.commandLine().getErr();
            try
            {
                final RillConfig cfg = data.load();
                final Instant now = Instant.now();
                String modelName = null;
                int modelVersion = 0;
                if (model != null)
                {
                    final String[] parts = model.split(":", -1);
                    if (parts.length > 2 || parts[0].isEmpty() || parts.length == 2 && !parts[1].matches("[1-9][0-9]{0,8}"))
                    {
                        throw new ReplayException(ErrorCode.USAGE, "--model: '" + model + "' is not NAME or NAME:VERSION " +
                            "(e.g. fraud:2)");
                    }
                    modelName = parts[0];
                    modelVersion = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
                }
                final Replayer.Request request = new Replayer.Request(cfg, ReplayBound.parse("--from", from, now),
                    ReplayBound.parse("--to", to, now), topic, modelName, modelVersion, output, ReplayFormat.parse(format), overwrite,
                    rate, batch);
                final Replayer.Outcome outcome = Replayer.run(request, new TerminalProgress(System.err, progressMode(progress),
                    System::nanoTime), line -> err.println("rill: warning: " + line));
                final ReplayManifest m = outcome.manifest();
                System.out.printf(Locale.ROOT, "rill replay: %,d events of %s in [%d, %d] re-scored with %s into %s (%s) in %.1f s " +
                    "(%,.0f events/s)%n", m.replayed(), m.topic(), m.fromIndex(), m.toIndex(), m.modelLabel(),
                    outcome.output().directory(), m.format(), m.millis() / 1000.0, outcome.resultsPerSecond());
                System.out.printf(Locale.ROOT, "  features   %s; %,d events warmed up before the range%n", m.featureStart(), m.warmedUp());
                System.out.printf(Locale.ROOT, "  fallbacks  %,d; other records in the range (other topics, sessions) %,d%n",
                    m.fallbacks(), m.otherRecords());
                System.out.printf(Locale.ROOT, "  next       rill replay diff --output %s; rill replay publish --output %s%n", m.name(),
                    m.name());
                System.out.flush();
                return 0;
            }
            catch (final ReplayException e)
            {
                return fail(err, e);
            }
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the replayed Results of an output with the original Results of the same events in journal out "
            + "(matched by in index): counts, score-delta distribution, decisions flipped at the threshold each way, top changed keys.",
            "Exit status: 0 done; 64 no such output, or its replay did not finish; 21/23 journal unreadable/damaged."})
    static final class Diff implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerFiles data = new ServerFiles();

        @Option(names = "--output", required = true, paramLabel = "NAME", description = "The replay output")
        String output;

        @Option(names = "--threshold", paramLabel = "P",
            description = "Decision threshold (default: the replay model's, from its model.json)")
        Double threshold;

        @Option(names = "--top", paramLabel = "N", defaultValue = "" + ReplayDiff.DEFAULT_TOP,
            description = "Changed keys listed (default: ${DEFAULT-VALUE})")
        int top;

        @Option(names = "--json", description = "One JSON object instead of the table")
        boolean json;

        @Override
        public Integer call()
        {
            final PrintWriter err = spec.commandLine().getErr();
            try
            {
                checkThreshold(threshold);
                if (top < 0)
                {
                    throw new ReplayException(ErrorCode.USAGE, "--top must be 0 or more, found " + top);
                }
                final RillConfig cfg = data.load();
                final ReplayOutput out = ReplayOutput.open(cfg.journal().dataDir(), output);
                final ReplayDiff.Report report = ReplayDiff.compare(cfg.journal(), out,
                    threshold == null ? Double.NaN : threshold, top);
                System.out.print(json ? report.json().toString() + System.lineSeparator() : report.text());
                System.out.flush();
                return 0;
            }
            catch (final ReplayException e)
            {
                return fail(err, e);
            }
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Append the replayed Results of an output to journal out as corrections (flags CORRECTION and REPLAYED, "
            + "correctsOutIndex naming the original), so subscribers learn the corrected decisions.",
            "Idempotent: a Result whose original already has a correction by the same model version is not published again.",
            "Exit status: 0 done; 64 no such output, its replay did not finish, or another publish runs; 21/23 journal "
                + "unreadable/damaged."})
    static final class Publish implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerFiles data = new ServerFiles();

        @Option(names = "--output", required = true, paramLabel = "NAME", description = "The replay output")
        String output;

        @ArgGroup(exclusive = true)
        Which which;

        @Option(names = "--threshold", paramLabel = "P",
            description = "Decision threshold (default: the replay model's, from its model.json)")
        Double threshold;

        @Option(names = "--rate", paramLabel = "N", defaultValue = "" + CorrectionPublisher.DEFAULT_RATE,
            description = "Most corrections appended per second; 0 for no limit (default: ${DEFAULT-VALUE})")
        long rate;

        /** Which Results to publish. */
        static final class Which
        {
            @Option(names = "--only-flipped", description = "Only Results whose decision flipped at the threshold (the default)")
            boolean onlyFlipped;

            @Option(names = "--all-changed", description = "Every Result whose score changed")
            boolean allChanged;
        }

        @Override
        public Integer call()
        {
            final PrintWriter err = spec.commandLine().getErr();
            try
            {
                checkThreshold(threshold);
                if (rate < 0)
                {
                    throw new ReplayException(ErrorCode.USAGE, "--rate must be 0 (no limit) or more, found " + rate);
                }
                final RillConfig cfg = data.load();
                final ReplayOutput out = ReplayOutput.open(cfg.journal().dataDir(), output);
                final CorrectionPublisher.Selection selection = which != null && which.allChanged ?
                    CorrectionPublisher.Selection.CHANGED : CorrectionPublisher.Selection.FLIPPED;
                final CorrectionPublisher.Outcome o = CorrectionPublisher.publish(cfg.journal(), out, selection,
                    threshold == null ? Double.NaN : threshold, rate);
                System.out.printf(Locale.ROOT, "rill replay publish: %,d corrections appended to journal out%s%n", o.published(),
                    o.published() == 0 ? "" : " (out indexes " + o.firstOutIndex() + " to " + o.lastOutIndex() + ")");
                System.out.printf(Locale.ROOT, "  selected   %,d %s at threshold %.6f, of %,d matched Results; %,d without an " +
                    "original in out%n", o.selected(), selection == CorrectionPublisher.Selection.FLIPPED ? "flipped decisions" :
                    "changed scores", o.threshold(), o.matched(), o.missing());
                System.out.printf(Locale.ROOT, "  skipped    %,d already corrected by %s (published before)%n", o.alreadyPublished(),
                    out.readManifest().modelLabel());
                System.out.flush();
                return 0;
            }
            catch (final ReplayException e)
            {
                return fail(err, e);
            }
        }
    }

    private static void checkThreshold(final Double threshold)
    {
        if (threshold != null && !(threshold >= 0.0 && threshold <= 1.0))
        {
            throw new ReplayException(ErrorCode.USAGE, "--threshold must be between 0 and 1, found " + threshold);
        }
    }

    private static TerminalProgress.Mode progressMode(final String progress)
    {
        return switch (progress)
        {
            case "auto" -> TerminalProgress.detect();
            case "terminal" -> TerminalProgress.Mode.OVERWRITE;
            case "lines" -> TerminalProgress.Mode.LINES;
            case "none" -> TerminalProgress.Mode.SUMMARIES;
            default -> throw new ReplayException(ErrorCode.USAGE, "--progress: '" + progress +
                "' is not a mode; use auto, terminal, lines or none");
        };
    }

    private static int fail(final PrintWriter err, final ReplayException e)
    {
        err.println("rill: " + e.errorCode() + ": " + e.getMessage());
        err.flush();
        return e.errorCode().code();
    }
}
