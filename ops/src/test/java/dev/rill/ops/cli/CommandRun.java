package dev.rill.ops.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;

/**
 * Test helper: runs the {@code rill} command line in-process as {@code main} would, capturing
 * standard output and picocli's error stream.
 *
 * @param status exit status.
 * @param out    what was printed to standard output.
 * @param err    what was printed to the error stream.
 */
public record CommandRun(int status, String out, String err)
{
    /** Runs {@code rill ARGS} in this JVM, as main would. */
    public static CommandRun of(final String... args)
    {
        final PrintStream originalOut = System.out;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final CommandLine cmd = RillCommand.commandLine();
            cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            final int status = cmd.execute(args);
            return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(originalOut);
        }
    }

    /** @return standard output's lines, without blank ones. */
    java.util.List<String> lines()
    {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
