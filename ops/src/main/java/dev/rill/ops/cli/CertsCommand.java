package dev.rill.ops.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.rill.ops.security.DevCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rill certs dev}: self-signed certificates for trying TLS on one machine. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Certificates for TLS (gateway.tls, admin.tls).",
    subcommands = {CertsCommand.Dev.class})
final class CertsCommand
{
    @Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Write a self-signed server certificate and key (cert.pem, key.pem) for local use, and with --client a " +
            "client pair for mutual TLS, then print the configuration lines that use them.",
            "For development only: clients must trust cert.pem itself. In production use certificates from your CA."})
    static final class Dev implements Callable<Integer>
    {
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "certs", description = "Directory to write into (default: ${DEFAULT-VALUE})")
        Path dir;

        @Option(names = "--host", paramLabel = "HOST", split = ",",
            description = "Other host names or IP addresses the server certificate names (localhost, 127.0.0.1 and ::1 always)")
        List<String> hosts = List.of();

        @Option(names = "--client", description = "Also write client-cert.pem and client-key.pem for mutual TLS")
        boolean client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final DevCertificates.Files files;
            try
            {
                files = DevCertificates.write(dir, hosts, client);
            }
            catch (final FileAlreadyExistsException e)
            {
                err.println("rill certs dev: " + e.getFile() + " exists already; remove it or choose another --dir (nothing was written)");
                err.flush();
                return 64;
            }
            catch (final IOException e)
            {
                err.println("rill certs dev: cannot write into " + dir + ": " + e.getMessage());
                err.flush();
                return 74;
            }
            out.println("rill certs dev: wrote " + files.serverCert() + " and " + files.serverKey() +
                (client ? ", " + files.clientCert() + " and " + files.clientKey() : "") + " (valid " +
                DevCertificates.VALIDITY.toDays() + " days, for " + String.join(", ", files.hosts()) + ")");
            out.println("add to rill.yaml (paths relative to the configuration file; here absolute):");
            out.println("gateway:");
            out.println("  tls:");
            out.println("    certFile: " + files.serverCert().toAbsolutePath());
            out.println("    keyFile: " + files.serverKey().toAbsolutePath());
            if (client)
            {
                out.println("    clientCaFile: " + files.clientCert().toAbsolutePath() + "   # mutual TLS: clients need client-cert.pem");
            }
            out.println("admin:");
            out.println("  tls:");
            out.println("    certFile: " + files.serverCert().toAbsolutePath());
            out.println("    keyFile: " + files.serverKey().toAbsolutePath());
            out.println("clients trust " + files.serverCert().toAbsolutePath() +
                " (Java: ClientConfig.withTls(ClientTls.trusting(path)); curl --cacert)");
            out.flush();
            return 0;
        }
    }
}
