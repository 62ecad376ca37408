package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where did the start of {@code rill serve} go? Reads a JFR recording of a start (made with
 * {@link #settings}: Java and native method samples every 1 ms) and attributes the main thread's
 * samples up to "serving on" to the call made from {@code RillServer.open} they were taken in
 * (start check, model load, journal opens, recovery, ...), or to the time before or after it (JVM
 * start, CLI, configuration). One sample is about 1 ms of the main thread running (in Java or in
 * native code; a thread parked or blocked is not sampled).
 *
 * <p>Used by {@link RecoveryProbe} with {@code --jfr}; also runnable on any recording of a start:
 * {@code java -cp perf/target/benchmarks.jar dev.rill.perf.StartProfile FILE.jfr [SERVING_MS]}.
 */
public final class StartProfile
{
    private static final String OPEN = "dev.rill.ops.RillServer.open";
    private static final Pattern PERIOD = Pattern.compile(
        "(<event name=\"jdk\\.(?:ExecutionSample|NativeMethodSample)\">.*?<setting name=\"period\"[^>]*>)[^<]*(</setting>)",
        Pattern.DOTALL);

    private StartProfile()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length < 1)
        {
            System.err.println("usage: StartProfile RECORDING.jfr [SERVING_MS]");
            System.exit(2);
        }
        System.out.print(summarise(Path.of(args[0]), args.length > 1 ? Long.parseLong(args[1]) : Long.MAX_VALUE));
    }

    /**
     * Writes JFR settings into {@code dir}: the JDK's "profile" settings with method sampling every
     * 1 ms instead of 10 / 20 ms (a start lasts a second or two).
     *
     * @return the settings file, for {@code -XX:StartFlightRecording:settings=}.
     */
    public static Path settings(final Path dir) throws IOException
    {
        final Path target = dir.resolve("start-profile.jfc");
        if (!Files.isRegularFile(target))
        {
            final String profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"),
                StandardCharsets.UTF_8);
            final Matcher m = PERIOD.matcher(profile);
            final String fast = m.replaceAll("$11 ms$2");
            Files.writeString(target, fast, StandardCharsets.UTF_8);
        }
        return target;
    }

    /** Main-thread samples attributed to one phase. */
    private static final class Phase
    {
        final String name;
        long samples;
        long classLoading;
        long firstMillis = Long.MAX_VALUE;
        long lastMillis = Long.MIN_VALUE;
        final Map<String, Long> callees = new HashMap<>();
        final Map<String, Long> leaves = new HashMap<>();

        Phase(final String name)
        {
            this.name = name;
        }

        void add(final long millis, final String callee, final String leaf, final boolean loading)
        {
            samples++;
            classLoading += loading ? 1 : 0;
            firstMillis = Math.min(firstMillis, millis);
            lastMillis = Math.max(lastMillis, millis);
            if (callee != null)
            {
                callees.merge(callee, 1L, Long::sum);
            }
            leaves.merge(leaf, 1L, Long::sum);
        }
    }

    /**
     * @param servingMillis samples later than this many ms after JVM start are left out (the
     *                      server's idle time and shutdown); {@link Long#MAX_VALUE} for all.
     * @return a few indented lines for a report.
     */
    public static String summarise(final Path recording, final long servingMillis) throws IOException
    {
        final List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        Instant origin = null;
        for (final RecordedEvent e : events)
        {
            if (e.getEventType().getName().equals("jdk.JVMInformation"))
            {
                origin = e.getInstant("jvmStartTime");
            }
        }
        if (origin == null)
        {
            origin = events.stream().map(RecordedEvent::getStartTime).min(Instant::compareTo).orElse(Instant.EPOCH);
        }
        final Map<String, Long> threads = new HashMap<>();
        final Map<String, Phase> phases = new LinkedHashMap<>();
        final List<Object[]> pending = new ArrayList<>();
        long gcCount = 0;
        double gcMillis = 0;
        long openFirst = Long.MAX_VALUE;
        long openLast = Long.MIN_VALUE;
        for (final RecordedEvent e : events)
        {
            final String type = e.getEventType().getName();
            final long millis = Duration.between(origin, e.getStartTime()).toMillis();
            if (millis > servingMillis)
            {
                continue;
            }
            if (type.equals("jdk.GarbageCollection"))
            {
                gcCount++;
                gcMillis += e.getDuration().toNanos() / 1e6;
                continue;
            }
            if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample"))
            {
                continue;
            }
            final RecordedThread thread = e.getThread("sampledThread");
            final String threadName = thread == null ? "?" : thread.getJavaName();
            threads.merge(threadName, 1L, Long::sum);
            final RecordedStackTrace stack = e.getStackTrace();
            if (!"main".equals(threadName) || stack == null)
            {
                continue;
            }
            final List<RecordedFrame> frames = stack.getFrames();
            int open = -1;
            boolean loading = false;
            for (int i = 0; i < frames.size(); i++)
            {
                final String name = name(frames.get(i));
                if (open < 0 && name.equals(OPEN))
                {
                    open = i;
                }
                loading |= name.startsWith("java.lang.ClassLoader.loadClass") || name.startsWith("jdk.internal.loader.");
            }
            final String leaf = frames.isEmpty() ? "?" : name(frames.get(0));
            if (open >= 0)
            {
                openFirst = Math.min(openFirst, millis);
                openLast = Math.max(openLast, millis);
                final String called = open == 0 ? null : name(frames.get(open - 1));
                final String phase = called == null || called.startsWith("java.") || called.startsWith("jdk.") ||
                    called.startsWith("sun.") ? "RillServer.open itself (class loading, lambda linkage)" : shortName(called);
                final String callee = open >= 2 ? shortName(name(frames.get(open - 2))) : null;
                phases.computeIfAbsent(phase, Phase::new).add(millis, callee, shortName(leaf), loading);
            }
            else
            {
                pending.add(new Object[]{millis, shortName(leaf), loading});
            }
        }
        final Phase before = new Phase("before RillServer.open (JVM start, CLI, configuration)");
        final Phase after = new Phase("outside RillServer.open, after it began (serving line)");
        for (final Object[] p : pending)
        {
            final long millis = (Long)p[0];
            (millis < openFirst ? before : after).add(millis, null, (String)p[1], (Boolean)p[2]);
        }
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
            "  where the start went (JFR, main thread, 1 sample ~ 1 ms running; span = first..last sample, ms after JVM start):%n"));
        final List<Phase> ordered = new ArrayList<>();
        ordered.add(before);
        phases.values().stream().sorted((a, b) -> Long.compare(a.firstMillis, b.firstMillis)).forEach(ordered::add);
        ordered.add(after);
        for (final Phase phase : ordered)
        {
            if (phase.samples == 0)
            {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "    %-52s %5d samples  span %5d..%5d ms  class loading on the stack %3.0f%%%n",
                phase.name, phase.samples, phase.firstMillis, phase.lastMillis, 100.0 * phase.classLoading / phase.samples));
            if (!phase.callees.isEmpty())
            {
                sb.append("        calls: ").append(top(phase.callees, 4, phase.samples)).append('\n');
            }
            sb.append("        leaf:  ").append(top(phase.leaves, 4, phase.samples)).append('\n');
        }
        sb.append("    other threads' samples (before serving): ");
        final Map<String, Long> others = new HashMap<>(threads);
        others.remove("main");
        sb.append(top(others, 5, Long.MAX_VALUE)).append('\n');
        sb.append(String.format(Locale.ROOT, "    GC before serving: %d collections, %.1f ms%n", gcCount, gcMillis));
        return sb.toString();
    }

    private static String top(final Map<String, Long> counts, final int n, final long total)
    {
        final StringBuilder sb = new StringBuilder();
        counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n).forEach(e ->
        {
            if (sb.length() > 0)
            {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(' ').append(e.getValue());
            if (total != Long.MAX_VALUE)
            {
                sb.append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * e.getValue() / total));
            }
        });
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static String name(final RecordedFrame frame)
    {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** dev.rill.journal.verify.JournalStartCheck.requireIntact -> JournalStartCheck.requireIntact. */
    private static String shortName(final String name)
    {
        final int method = name.lastIndexOf('.');
        final int type = name.lastIndexOf('.', method - 1);
        return type < 0 ? name : name.substring(type + 1);
    }
}
