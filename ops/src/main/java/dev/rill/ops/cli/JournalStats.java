package dev.rill.ops.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rill.journal.verify.CycleFile;
import dev.rill.journal.verify.CycleFileSummary;
import dev.rill.journal.verify.JournalDirectory;
import dev.rill.journal.verify.JournalProblem;
import dev.rill.journal.verify.JournalScanner;
import dev.rill.journal.verify.JournalVisitor;
import org.agrona.DirectBuffer;

/**
 * The figures {@code rill journal stats} shows for one journal, gathered in one scan: its cycle
 * files, record counts by message type and by topic, the first and last record (index and time),
 * sizes, and how many problems the scan met. Single-threaded; allocates per record (tools only).
 */
final class JournalStats implements JournalVisitor
{
    private final JournalDirectory directory;
    private final Map<String, Long> types = new TreeMap<>();
    private final Map<String, Long> topics = new TreeMap<>();
    private final List<JournalProblem> problems = new ArrayList<>();
    private List<CycleFileSummary> files = List.of();
    private long records;
    private JournalRecord first;
    private JournalRecord last;

    private JournalStats(final JournalDirectory directory)
    {
        this.directory = directory;
    }

    /** Scans the whole journal. */
    static JournalStats of(final JournalDirectory directory)
    {
        final JournalStats stats = new JournalStats(directory);
        stats.files = new JournalScanner(directory).scan(dev.rill.bus.Journal.NO_INDEX, stats);
        return stats;
    }

    @Override
    public void onRecord(
        final CycleFile file, final long index, final long position, final DirectBuffer buffer, final int offset, final int length)
    {
        final JournalRecord record = JournalRecord.decode(directory.name(), index, buffer, offset, length);
        records++;
        // Corrections (rill replay publish) are Results too, counted apart: "out" holds one plain Result per event.
        types.merge(record instanceof JournalRecord.Result r && r.correction() ? "Correction" : record.getClass().getSimpleName(),
            1L, Long::sum);
        if (record.topic() != null)
        {
            topics.merge(record.topic(), 1L, Long::sum);
        }
        if (first == null)
        {
            first = record;
        }
        last = record;
    }

    @Override
    public void onProblem(final JournalProblem problem)
    {
        problems.add(problem);
    }

    /** @return the problems that damage the journal (notes left out). */
    List<JournalProblem> damage()
    {
        return problems.stream().filter(p -> p.kind().damaged()).toList();
    }

    /** Prints the figures as text. */
    void print(final StringBuilder out)
    {
        long size = 0;
        long data = 0;
        for (final CycleFileSummary f : files)
        {
            size += f.file().size();
            data += f.dataEnd();
        }
        out.append(String.format("journal %s (%s)%n", directory.name(), directory.path().toAbsolutePath()));
        out.append(String.format("  cycle files  %d, %,d bytes (file sizes: Chronicle pre-allocates, the files are sparse), " +
            "%,d bytes up to the end of the data, roll cycle %s%n", files.size(), size, data, directory.rollCycle()));
        for (final CycleFileSummary f : files)
        {
            out.append(String.format("    %-16s %,15d bytes  data %,13d bytes  %,11d records  index %s%n", f.file().name(),
                f.file().size(), f.dataEnd(), f.records(), f.records() == 0 ? "-" : f.firstIndex() + " to " + f.lastIndex()));
        }
        out.append(String.format("  records      %,d%s%n", records, types.isEmpty() ? "" : ": " + counts(types)));
        if (first != null)
        {
            out.append(String.format("  first        index %d  %s%n", first.index(), timeText(first)));
            out.append(String.format("  last         index %d  %s%n", last.index(), timeText(last)));
        }
        out.append(String.format("  topics       %s%n", topics.isEmpty() ? "-" : counts(topics)));
        final List<JournalProblem> damage = damage();
        if (!damage.isEmpty())
        {
            out.append(String.format("  DAMAGED      %d problem%s, first: %s; run `rill journal verify`%n", damage.size(),
                damage.size() == 1 ? "" : "s", damage.get(0).describe()));
        }
    }

    /** @return the figures as a JSON object. */
    ObjectNode toJson()
    {
        final ObjectNode o = RecordJson.MAPPER.createObjectNode().put("journal", directory.name())
            .put("directory", directory.path().toAbsolutePath().toString()).put("rollCycle", directory.rollCycle().toString());
        final ArrayNode fileArray = o.putArray("files");
        long size = 0;
        long data = 0;
        for (final CycleFileSummary f : files)
        {
            size += f.file().size();
            data += f.dataEnd();
            final ObjectNode file = fileArray.addObject().put("name", f.file().name()).put("sizeBytes", f.file().size())
                .put("dataBytes", f.dataEnd()).put("records", f.records());
            if (f.records() > 0)
            {
                file.put("firstIndex", f.firstIndex()).put("lastIndex", f.lastIndex());
            }
        }
        o.put("sizeBytes", size).put("dataBytes", data).put("records", records);
        types.forEach(o.putObject("types")::put);
        if (first != null)
        {
            o.set("first", endJson(first));
            o.set("last", endJson(last));
        }
        topics.forEach(o.putObject("topics")::put);
        o.put("problems", damage().size());
        return o;
    }

    private ObjectNode endJson(final JournalRecord record)
    {
        final ObjectNode o = RecordJson.MAPPER.createObjectNode().put("index", record.index());
        final long time = timeOf(record);
        if (time != Long.MIN_VALUE)
        {
            o.put(timeName(record), RecordText.time(time)).put(timeName(record) + "Nanos", time);
        }
        return o;
    }

    private static String timeText(final JournalRecord record)
    {
        final long time = timeOf(record);
        return time == Long.MIN_VALUE ? "(undecodable)" : timeName(record).replace("Time", " time") + " " + RecordText.time(time);
    }

    /** The time that orders a journal for its reader: event time in "in", publish time in "out". */
    private static long timeOf(final JournalRecord record)
    {
        if (record instanceof JournalRecord.Result r)
        {
            return r.publishTimeNanos();
        }
        if (record instanceof JournalRecord.ProducerSession s)
        {
            return s.timeNanos();
        }
        return record.eventTimeNanos();
    }

    private static String timeName(final JournalRecord record)
    {
        if (record instanceof JournalRecord.Result)
        {
            return "publishTime";
        }
        return record instanceof JournalRecord.ProducerSession ? "sessionTime" : "eventTime";
    }

    private static String counts(final Map<String, Long> counts)
    {
        final StringBuilder s = new StringBuilder();
        counts.forEach((name, n) -> s.append(s.length() == 0 ? "" : ", ").append(String.format("%s %,d", name, n)));
        return s.toString();
    }
}
