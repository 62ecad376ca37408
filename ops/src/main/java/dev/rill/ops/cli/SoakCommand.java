package dev.rill.ops.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.rill.ops.ModelConfig;
import dev.rill.ops.soak.CrashSoak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rill soak}: the crash soak ({@link CrashSoak}) for as many cycles as asked: a server in
 * its own JVM killed with SIGKILL at random moments under load from idempotent producers, then the
 * journals checked for every promise.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = {"Crash soak: run rill serve in its own JVM under load from reconnecting idempotent producers, SIGKILL it at "
        + "random moments and restart it, CYCLES times; then check that every acknowledged event is in journal \"in\" exactly "
        + "once with exactly one Result in \"out\", and that no acknowledgement went backwards.",
        "Exit status 0 when every promise held, 1 when any was broken (each is printed)."})
final class SoakCommand implements Callable<Integer>
{
    @Option(names = "--cycles", paramLabel = "N", defaultValue = "100", description = "Kills and restarts (default: ${DEFAULT-VALUE})")
    int cycles;

    @Option(names = "--producers", paramLabel = "N", defaultValue = "3", description = "Concurrent producers (default: ${DEFAULT-VALUE})")
    int producers;

    @Option(names = "--min-up", paramLabel = "MS", defaultValue = "300",
        description = "Least milliseconds under load before a kill (default: ${DEFAULT-VALUE})")
    long minUp;

    @Option(names = "--max-up", paramLabel = "MS", defaultValue = "1500",
        description = "Most milliseconds under load before a kill (default: ${DEFAULT-VALUE})")
    long maxUp;

    @Option(names = "--durability", paramLabel = "MODE", defaultValue = "page-cache",
        description = "page-cache or sync (default: ${DEFAULT-VALUE})")
    String durability;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Data, config and server logs (default: a new temporary directory)")
    Path workDir;

    @Option(names = "--model", paramLabel = "DIR", description = "Model version directory (default: models/fraud/1)")
    Path model;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the kill moments and event values (default: time)")
    Long seed;

    @Override
    public Integer call() throws Exception
    {
        if (cycles < 1 || producers < 1 || minUp < 1 || maxUp < minUp)
        {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "--cycles and --producers must be at least 1, and 1 <= --min-up <= --max-up");
        }
        final Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("rill-soak-");
        final long s = seed != null ? seed : System.nanoTime();
        final CrashSoak.Options options = new CrashSoak.Options(cycles, producers, minUp, maxUp, work,
            model != null ? model : ModelConfig.defaults().directory(), durability, s);
        System.out.printf("soak: %d cycles, %d producers, up %d..%d ms, durability %s, seed %d, work dir %s%n",
            cycles, producers, minUp, maxUp, durability, s, work);
        final CrashSoak.Report r = new CrashSoak(options, System.out).run();
        System.out.printf("soak: %d cycles; %,d events acknowledged, %,d in \"in\", %,d Results in \"out\"; %,d reconnects, %,d events "
            + "resent; longest recovery %d ms, longest start to serving %d ms%n", r.cycles(), r.acknowledged(), r.inEvents(),
            r.results(), r.reconnects(), r.resent(), r.maxRecoveryMillis(), r.maxStartMillis());
        if (r.passed())
        {
            System.out.println("soak: PASSED: every acknowledged event is in \"in\" exactly once with exactly one Result; "
                + "no acknowledgement went backwards");
            return 0;
        }
        System.out.println("soak: FAILED: " + r.violations().size() + " broken promise(s):");
        r.violations().forEach(v -> System.out.println("  " + v));
        System.out.println("soak: server logs in " + work.resolve("logs"));
        return 1;
    }
}
