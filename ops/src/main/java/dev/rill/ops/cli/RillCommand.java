package dev.rill.ops.cli;

import java.io.PrintWriter;

import dev.rill.bus.ConfigException;
import dev.rill.bus.ErrorCode;
import dev.rill.journal.JournalCorruptException;
import dev.rill.journal.JournalException;
import dev.rill.ml.ModelLoadException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rill}: the operator's one tool. Each failure prints one line saying what was wrong and
 * what to do, and exits with the {@link ErrorCode} number (never a stack trace; {@code --verbose}
 * or {@code RILL_DEBUG=1} adds it).
 */
@Command(
    name = "rill",
    mixinStandardHelpOptions = true,
    versionProvider = RillCommand.Version.class,
    description = "Rill: a low-latency event bus with inline ML scoring.",
    subcommands = {ServeCommand.class, DemoCommand.class, JournalCommand.class, PositionsCommand.class, ConfigCommand.class, SoakCommand.class, ModelCommand.class, TopicCommand.class, TrainCommand.class, SloCommand.class,
        ReplayCommand.class, CertsCommand.class, TokenCommand.class, ClusterCommand.class,
        CommandLine.HelpCommand.class})
public final class RillCommand
{
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status. */
    public static int run(final String... args)
    {
        return commandLine().execute(args);
    }

    /** @return the command line with Rill's error handling, ready to execute. */
    public static CommandLine commandLine()
    {
        // Chronicle reads these when its classes load: set them before anything touches it.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // Chronicle checks on every call that one thread uses each appender and tailer (12 % of the
        // pipeline thread's time at saturation). Rill gives each one a single owner by design, and
        // the test suite runs with the check on to prove it.
        if (System.getProperty("disable.single.threaded.check") == null)
        {
            System.setProperty("disable.single.threaded.check", "true");
        }
        final CommandLine cmd = new CommandLine(new RillCommand());
        cmd.setExecutionExceptionHandler(RillCommand::handle);
        cmd.setParameterExceptionHandler((ex, a) ->
        {
            final PrintWriter err = ex.getCommandLine().getErr();
            err.println("rill: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ErrorCode.USAGE.code();
        });
        return cmd;
    }

    private static int handle(final Exception ex, final CommandLine cmd, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = cmd.getErr();
        final ErrorCode code;
        if (ex instanceof ConfigException)
        {
            code = ErrorCode.CONFIG_INVALID;
        }
        else if (ex instanceof JournalCorruptException)
        {
            code = ErrorCode.JOURNAL_CORRUPT;
        }
        else if (ex instanceof JournalException)
        {
            code = ErrorCode.JOURNAL_UNREADABLE;
        }
        else if (ex instanceof ModelLoadException)
        {
            code = ErrorCode.MODEL_INVALID;
        }
        else
        {
            code = ErrorCode.INTERNAL_ERROR;
        }
        err.println("rill: " + code + ": " + ex.getMessage());
        if (code == ErrorCode.INTERNAL_ERROR)
        {
            err.println("rill: this is a bug or an environment problem; rerun with RILL_DEBUG=1 for the stack trace");
        }
        if (System.getenv("RILL_DEBUG") != null)
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String v = RillCommand.class.getPackage().getImplementationVersion();
            return new String[] {"rill " + (v == null ? "(development build)" : v)};
        }
    }
}
