package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.rill.bus.ErrorCode;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.CycleFileSummary;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalVerification;
import dev.rill.journal.verify.JournalVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rill journal verify}: reads every record of the journals ({@link JournalVerifier}) and
 * prints each problem with its file, index and reason, then a summary. Exit status 0 when clean,
 * 23 ({@code JOURNAL_CORRUPT}) when anything is damaged, 21 when the directory is not a journal.
 * Safe beside a running server (it only reads) and on any damage (it never memory-maps).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check every record of the journals: CRC32C checksums, record headers, cut files, message layout.",
        "Prints each problem (file, index, reason). Exit status 0 clean, 23 damaged, 21 not a journal."})
final class JournalVerifyCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The server's dataDir (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--journal", paramLabel = "in|out|all", defaultValue = "all", description = "Which journal (default: ${DEFAULT-VALUE})")
    String journal;

    @Override
    public Integer call()
    {
        final List<JournalDirectory> directories = new ArrayList<>();
        for (final String name : JournalCommand.names(spec, "--journal", journal, true))
        {
            directories.add(JournalDirectory.open(JournalConfig.of(dataDir), name)); // all open before any output
        }
        final Set<String> damagedFiles = new LinkedHashSet<>();
        int damage = 0;
        final StringBuilder out = new StringBuilder();
        for (final JournalDirectory directory : directories)
        {
            final JournalVerification v = JournalVerifier.verify(directory);
            long records = 0;
            for (final CycleFileSummary f : v.files())
            {
                records += f.records();
            }
            out.append(String.format("journal %s: %d cycle file%s, %,d records, %d problem%s%n", v.journal(), v.files().size(),
                v.files().size() == 1 ? "" : "s", records, v.damage().size(), v.damage().size() == 1 ? "" : "s"));
            for (final JournalProblem p : v.problems())
            {
                out.append("  ").append(p.describe()).append(System.lineSeparator());
            }
            damage += v.damage().size();
            v.damagedFiles().forEach(f -> damagedFiles.add(v.journal() + "/" + f));
        }
        System.out.print(out);
        System.out.flush();
        if (damage == 0)
        {
            System.out.println("rill journal verify: clean");
            return 0;
        }
        spec.commandLine().getErr().printf("rill: %s: %d damaged record%s or file end%s in %s; see ops/runbooks/corrupt-journal.md " +
            "(rill serve --quarantine-corrupt moves the damaged files aside)%n", ErrorCode.JOURNAL_CORRUPT, damage,
            damage == 1 ? "" : "s", damage == 1 ? "" : "s", String.join(", ", damagedFiles));
        spec.commandLine().getErr().flush();
        return ErrorCode.JOURNAL_CORRUPT.code();
    }
}
