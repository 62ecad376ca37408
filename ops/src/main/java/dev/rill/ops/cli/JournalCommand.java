package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.rill.bus.Journal;
import dev.rill.bus.JournalReader;
import dev.rill.journal.ChronicleJournal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.JournalCorruptException;
import dev.rill.journal.verify.CycleFile;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalScanner;
import dev.rill.journal.verify.JournalVisitor;
import dev.rill.ops.RillServer;
import org.agrona.DirectBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code rill journal ...}: read the journals of a data directory, live or not. */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Read, check and inspect the journals.",
    subcommands = {JournalCommand.Tail.class, JournalStatsCommand.class, JournalDumpCommand.class, JournalVerifyCommand.class})
final class JournalCommand
{
    /**
     * @param value    an option's value: "in", "out", or (when {@code allowAll}) "all".
     * @return the journal names it stands for.
     * @throws ParameterException (exit status 64) for anything else.
     */
    static List<String> names(final CommandSpec spec, final String option, final String value, final boolean allowAll)
    {
        if (RillServer.IN.equals(value) || RillServer.OUT.equals(value))
        {
            return List.of(value);
        }
        if (allowAll && "all".equals(value))
        {
            return List.of(RillServer.IN, RillServer.OUT);
        }
        throw new ParameterException(spec.commandLine(), option + ": '" + value + "' is not a journal; use in, out" +
            (allowAll ? " or all" : ""));
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print the last Results of journal \"out\", one line each; --follow keeps printing new ones.")
    static final class Tail implements Callable<Integer>
    {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's dataDir (default: ${DEFAULT-VALUE})",
            defaultValue = "data")
        Path dataDir;

        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "20",
            description = "How many of the last Results to print first (default: ${DEFAULT-VALUE})")
        int lines;

        @Option(names = {"-f", "--follow"}, description = "Keep printing Results as they are published, until Ctrl-C")
        boolean follow;

        @Option(names = "--topic", description = "Only Results of this topic")
        String topic;

        @Override
        public Integer call()
        {
            if (lines < 0)
            {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--lines must be 0 or more");
            }
            // The history is read directly from the files (never mapped: a cut file cannot fault),
            // damage stops the command; only --follow then reads live through Chronicle.
            final JournalConfig config = JournalConfig.of(dataDir);
            final ArrayDeque<String> last = new ArrayDeque<>();
            final long[] lastIndex = {Journal.NO_INDEX};
            final List<JournalProblem> damage = new ArrayList<>();
            new JournalScanner(JournalDirectory.open(config, RillServer.OUT)).scan(Journal.NO_INDEX, new JournalVisitor()
            {
                @Override
                public void onRecord(final CycleFile file, final long index, final long position, final DirectBuffer buffer,
                    final int offset, final int length)
                {
                    lastIndex[0] = index;
                    final String line = RecordText.formatResult(index, buffer, offset, length);
                    if (lines > 0 && matches(line))
                    {
                        if (last.size() == lines)
                        {
                            last.removeFirst();
                        }
                        last.addLast(line);
                    }
                }

                @Override
                public void onProblem(final JournalProblem problem)
                {
                    if (problem.kind().damaged())
                    {
                        damage.add(problem);
                    }
                }
            });
            last.forEach(System.out::println);
            System.out.flush();
            if (!damage.isEmpty())
            {
                throw damage.get(0).toException(JournalCorruptException.VERIFY_ADVICE);
            }
            try (ChronicleJournal out = ChronicleJournal.openReadOnly(config, RillServer.OUT);
                JournalReader reader = out.newReader())
            {
                if (lastIndex[0] == Journal.NO_INDEX || !reader.moveToAtOrAfter(lastIndex[0] + 1))
                {
                    reader.toEnd();
                }
                if (follow)
                {
                    final JournalReader.RecordHandler print = (index, buffer, offset, length) ->
                    {
                        final String line = RecordText.formatResult(index, buffer, offset, length);
                        if (matches(line))
                        {
                            System.out.println(line);
                        }
                    };
                    while (!Thread.currentThread().isInterrupted())
                    {
                        if (reader.poll(print, 4096) == 0)
                        {
                            System.out.flush();
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        }
                    }
                }
            }
            return 0;
        }

        private boolean matches(final String line)
        {
            return topic == null || line.contains(" topic=" + topic + " ");
        }
    }

}
