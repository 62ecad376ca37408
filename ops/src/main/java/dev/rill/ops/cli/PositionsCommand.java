package dev.rill.ops.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.rill.journal.JournalException;
import dev.rill.journal.SubscriberPositionFile;
import dev.rill.journal.SubscriberPositionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rill positions ...}: the named subscribers' positions of a data directory. */
@Command(name = "positions", mixinStandardHelpOptions = true,
    description = "List or remove named subscribers' positions (<dataDir>/subscriber-positions).",
    subcommands = {PositionsCommand.List.class, PositionsCommand.Remove.class})
final class PositionsCommand
{
    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "Print each named subscriber and the last out index it committed (-1: nothing yet).")
    static final class List implements Callable<Integer>
    {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The server's dataDir (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call()
        {
            final Map<String, Long> positions = SubscriberPositionFile.read(dataDir.resolve(SubscriberPositionStore.FILE_NAME));
            if (positions.isEmpty())
            {
                System.out.println("no named subscribers in " + dataDir);
            }
            positions.forEach((name, committed) -> System.out.println(name + " " + committed));
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Forget a named subscriber, so retention no longer keeps journal out for it.",
            "Only while the server is stopped: a running server rewrites the file from memory."})
    static final class Remove implements Callable<Integer>
    {
        @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The server's dataDir (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Parameters(paramLabel = "NAME", description = "The subscription name to forget")
        String name;

        @Override
        public Integer call()
        {
            final Path file = dataDir.resolve(SubscriberPositionStore.FILE_NAME);
            final Map<String, Long> positions = SubscriberPositionFile.read(file);
            final Long committed = positions.remove(name);
            if (committed == null)
            {
                throw new JournalException("no named subscriber '" + name + "' in " + file + "; see rill positions list");
            }
            try
            {
                SubscriberPositionFile.write(file, positions);
            }
            catch (final IOException e)
            {
                throw new JournalException("cannot write " + file + ": " + e.getMessage() + "; check the directory's permissions and space", e);
            }
            System.out.println("removed '" + name + "' (it had committed " + committed + "); a later subscription of that name starts as new");
            return 0;
        }
    }
}
