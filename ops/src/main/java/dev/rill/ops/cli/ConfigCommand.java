package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.rill.ops.RillConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rill config validate FILE}: reads a configuration and reports the first problem. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration tools.",
    subcommands = ConfigCommand.Validate.class)
final class ConfigCommand
{
    @Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a YAML configuration; print the effective configuration or the first error.")
    static final class Validate implements Callable<Integer>
    {
        @Parameters(paramLabel = "FILE", description = "rill.yaml to check")
        Path file;

        @Override
        public Integer call()
        {
            final RillConfig config = RillConfig.read(file);
            System.out.println(file + ": valid");
            System.out.println("  gateway:  " + config.gateway());
            System.out.println("  pipeline: " + config.pipeline());
            System.out.println("  journal:  " + config.journal());
            System.out.println("  model:    " + config.model());
            System.out.println("  topics:   " + config.topics());
            System.out.println("  admin:    " + config.admin().withTokenFileIn(config.journal().dataDir()));
            return 0;
        }
    }
}
