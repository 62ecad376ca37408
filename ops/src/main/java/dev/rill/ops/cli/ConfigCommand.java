package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.rill.bus.ConfigException;
import dev.rill.gateway.tls.PemTls;
import dev.rill.ops.RillConfig;
import dev.rill.ops.security.TokensFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rill config validate FILE}: reads a configuration and reports the first problem. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration tools.",
    subcommands = ConfigCommand.Validate.class)
final class ConfigCommand
{
    @Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check a YAML configuration; print the effective configuration or the first error.",
            "Also reads the TLS PEM files and the tokens file it names, as rill serve does at start."})
    static final class Validate implements Callable<Integer>
    {
        @Parameters(paramLabel = "FILE", description = "rill.yaml to check")
        Path file;

        @Override
        public Integer call()
        {
            final RillConfig config = RillConfig.read(file);
            checkSecurityFiles(config); // the PEM files and the tokens file, as rill serve reads them at start
            System.out.println(file + ": valid");
            System.out.println("  gateway:  " + config.gateway());
            System.out.println("  pipeline: " + config.pipeline());
            System.out.println("  journal:  " + config.journal());
            System.out.println("  model:    " + config.model());
            System.out.println("  topics:   " + config.topics());
            System.out.println("  admin:    " + config.admin().withTokenFileIn(config.journal().dataDir()));
            return 0;
        }

        /** Reads the TLS PEM files and the tokens file the configuration names; a ConfigException names the key. */
        private static void checkSecurityFiles(final RillConfig config)
        {
            if (config.gateway().security().tls() != null)
            {
                PemTls.server(config.gateway().security().tls(), "gateway.tls");
            }
            if (config.admin().tls() != null)
            {
                PemTls.jdkServer(config.admin().tls(), "admin.tls");
            }
            if (config.gateway().security().auth().enabled())
            {
                try
                {
                    TokensFile.read(config.gateway().security().auth().tokensFile());
                }
                catch (final IllegalArgumentException e)
                {
                    throw new ConfigException("gateway.auth.tokensFile: " + e.getMessage());
                }
            }
        }
    }
}
