package dev.rill.ops.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.Journal;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.verify.CycleFile;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalScanner;
import dev.rill.journal.verify.JournalVisitor;
import org.agrona.DirectBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rill journal dump}: prints the records of one journal in index order, as text lines or
 * JSON lines, within a range of indexes or event times and matching optional topic, key and
 * producer filters. Reads the files directly (no memory mapping), so it also prints what is
 * readable of a damaged journal; each problem goes to standard error and the exit status is then
 * 23.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"Print the records of a journal, in index order, as text or JSON lines.",
        "--from and --to take an index (a number, as dump, tail and verify print them) or an ISO-8601 instant "
            + "(e.g. 2026-11-25T18:00:00Z) compared with each record's event time; both ends are inclusive."})
final class JournalDumpCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "The server's dataDir (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--journal", paramLabel = "in|out", defaultValue = "out",
        description = "\"in\" (Events, ProducerSessions) or \"out\" (Results) (default: ${DEFAULT-VALUE})")
    String journal;

    @Option(names = "--from", paramLabel = "INDEX|TIME", description = "First index, or earliest event time")
    String from;

    @Option(names = "--to", paramLabel = "INDEX|TIME", description = "Last index, or latest event time")
    String to;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only records of this topic")
    String topic;

    @Option(names = "--key", paramLabel = "KEY", description = "Only records with this key")
    Long key;

    @Option(names = "--producer", paramLabel = "ID", description = "Only records of this producer id")
    Long producer;

    @Option(names = "--dead-letter", description = "Dump the dead-letter journal (<dataDir>/deadletter): every frame the server " +
        "refused, with its error code, reason, peer and the event when its bytes decode; --from/--to times compare with the refusal time")
    boolean deadLetter;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "text or json (one object per line) (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call()
    {
        final String name = deadLetter ? DeadLetterRecord.JOURNAL : JournalCommand.names(spec, "--journal", journal, false).get(0);
        if (!"text".equals(format) && !"json".equals(format))
        {
            throw new ParameterException(spec.commandLine(), "--format: '" + format + "' is not a format; use text or json");
        }
        final Bound lower = Bound.parse(spec, "--from", from, Long.MIN_VALUE);
        final Bound upper = Bound.parse(spec, "--to", to, Long.MAX_VALUE);
        final JournalDirectory directory = JournalDirectory.open(JournalConfig.of(dataDir), name);
        final PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        final List<JournalProblem> damage = new ArrayList<>();
        final JournalVisitor printer = new JournalVisitor()
        {
            @Override
            public void onRecord(
                final CycleFile file, final long index, final long position, final DirectBuffer buffer, final int offset, final int length)
            {
                if (index < lower.index || index > upper.index)
                {
                    return;
                }
                if (deadLetter)
                {
                    final DeadLetterRecord record = DeadLetterRecord.decode(index, buffer, offset, length);
                    if (record.undecodable() != null || matches(record, lower, upper))
                    {
                        out.println("json".equals(format) ? RecordJson.line(record.json()) : record.text());
                    }
                    return;
                }
                final JournalRecord record = JournalRecord.decode(name, index, buffer, offset, length);
                if (record instanceof JournalRecord.Undecodable || matches(record, lower, upper))
                {
                    out.println("json".equals(format) ? RecordJson.line(name, record) : RecordText.format(name, record));
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
        };
        new JournalScanner(directory).scan(lower.index == Long.MIN_VALUE ? Journal.NO_INDEX : lower.index, upper.index, printer);
        out.flush();
        if (damage.isEmpty())
        {
            return 0;
        }
        final PrintWriter err = spec.commandLine().getErr();
        damage.forEach(p -> err.println("rill: " + p.describe()));
        err.printf("rill: %s: journal %s is damaged; records after a damaged one may be missing above; run `rill journal verify` " +
            "and see ops/runbooks/corrupt-journal.md%n", ErrorCode.JOURNAL_CORRUPT, name);
        err.flush();
        return ErrorCode.JOURNAL_CORRUPT.code();
    }

    private boolean matches(final DeadLetterRecord record, final Bound lower, final Bound upper)
    {
        return record.timeNanos() >= lower.timeNanos && record.timeNanos() <= upper.timeNanos &&
            (topic == null || (record.event() != null && topic.equals(record.event().topic()))) &&
            (key == null || (record.event() != null && record.event().key() == key)) &&
            (producer == null || record.producerId() == producer);
    }

    private boolean matches(final JournalRecord record, final Bound lower, final Bound upper)
    {
        final long time = record instanceof JournalRecord.ProducerSession s ? s.timeNanos() : record.eventTimeNanos();
        return time >= lower.timeNanos && time <= upper.timeNanos &&
            (topic == null || topic.equals(record.topic())) &&
            (key == null || (record.hasKey() && record.key() == key)) &&
            (producer == null || record.producerId() == producer);
    }

    /** One end of the range: an index, or an event time (epoch ns); the other field is left open. */
    private record Bound(long index, long timeNanos)
    {
        static Bound parse(final CommandSpec spec, final String option, final String value, final long open)
        {
            if (value == null)
            {
                return new Bound(open, open);
            }
            if (value.matches("\\d+"))
            {
                return new Bound(Long.parseLong(value), open);
            }
            try
            {
                final Instant t = Instant.parse(value);
                return new Bound(open, Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano()));
            }
            catch (final DateTimeParseException | ArithmeticException e)
            {
                throw new ParameterException(spec.commandLine(), option + ": '" + value + "' is neither an index (a number) " +
                    "nor an ISO-8601 instant such as 2026-11-25T18:00:00Z");
            }
        }
    }
}
