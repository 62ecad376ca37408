package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.ops.RillServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rill journal stats}: per journal, its cycle files (name, size, records, first and last
 * index), record counts by type and topic, the first and last record's index and time, and sizes;
 * as text or one JSON document. Reads every record once (no memory mapping); safe beside a server.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Show each journal's cycle files, record counts by type and topic, first/last index and time, sizes.")
final class JournalStatsCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The server's dataDir (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--json", description = "One JSON document instead of text")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException
    {
        final List<JournalDirectory> directories = new ArrayList<>();
        for (final String name : List.of(RillServer.IN, RillServer.OUT))
        {
            directories.add(JournalDirectory.open(JournalConfig.of(dataDir), name));
        }
        final List<JournalStats> stats = new ArrayList<>();
        for (final JournalDirectory directory : directories)
        {
            stats.add(JournalStats.of(directory));
        }
        if (json)
        {
            final ObjectNode root = RecordJson.MAPPER.createObjectNode().put("dataDir", dataDir.toAbsolutePath().toString());
            final ArrayNode journals = root.putArray("journals");
            stats.forEach(s -> journals.add(s.toJson()));
            System.out.println(RecordJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
        else
        {
            final StringBuilder out = new StringBuilder();
            stats.forEach(s -> s.print(out));
            System.out.print(out);
        }
        System.out.flush();
        if (stats.stream().anyMatch(s -> !s.damage().isEmpty()))
        {
            spec.commandLine().getErr().println("rill: journal stats: a journal is damaged; run `rill journal verify` for every problem");
            spec.commandLine().getErr().flush();
        }
        return 0;
    }
}
