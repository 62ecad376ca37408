package dev.rill.ops.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.bus.ErrorCode;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelRegistry;
import dev.rill.ops.RillConfig;
import dev.rill.ops.admin.AdminClient;
import dev.rill.ops.admin.AdminConfig;
import dev.rill.ops.admin.AdminException;
import dev.rill.ops.admin.AdminExitCode;
import dev.rill.ops.admin.AdminOutcome;
import dev.rill.ops.admin.ModelStatus;
import dev.rill.ops.admin.ModelStatusText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rill model ...}: the model registry on disk ({@code list}), and the running server's model
 * over its admin channel ({@code deploy}, {@code shadow}, {@code rollback}, {@code status}).
 */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"The model registry (models/<name>/<version>/) and the running server's model.",
        "deploy, shadow, rollback and status talk to `rill serve` over its admin channel (admin: in rill.yaml); " +
            "exit status 0 done, 22 model invalid, 65 refused, 69 no server, 76 protocol mismatch, 77 token refused, " +
            "16 server failure, 20 bad --config, 64 bad command line."},
    subcommands = {ModelCommand.ListVersions.class, ModelCommand.Deploy.class, ModelCommand.Shadow.class,
        ModelCommand.Rollback.class, ModelCommand.Status.class})
final class ModelCommand
{
    @Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List every version of every model, each checked as the server loads it (model.json, the ONNX file's "
            + "checksum, the graph's input and output); a refused version says why.",
            "Exit status 0 when every version loads, 22 (MODEL_INVALID) when any is refused."})
    static final class ListVersions implements Callable<Integer>
    {
        @Option(names = "--models", paramLabel = "DIR", description = "Registry root (default: models, under rill.home when set)")
        Path models;

        @Option(names = "--name", paramLabel = "NAME", description = "Only this model")
        String name;

        @Override
        public Integer call()
        {
            final Path root = models != null ? models : defaultRoot();
            final ModelRegistry registry = new ModelRegistry(root);
            final List<ModelRegistry.Entry> entries = name == null ? registry.list() : registry.versions(name);
            if (entries.isEmpty())
            {
                System.out.println("no model versions under " + root.toAbsolutePath() + (name == null ? "" : " named " + name));
                return 0;
            }
            int refused = 0;
            for (final ModelRegistry.Entry e : entries)
            {
                if (e.usable())
                {
                    final ModelDescriptor d = e.descriptor();
                    System.out.printf("%s/%d  ok  topic %s, %d features, threshold %.3f, held-out AUC %.3f, created %s, onnx sha256 %s…%n",
                        e.name(), e.version(), d.topic(), d.featureCount(), d.threshold(),
                        d.evaluation() == null ? Double.NaN : d.evaluation().auc(), d.createdAt(), d.onnxSha256().substring(0, 12));
                }
                else
                {
                    refused++;
                    System.out.printf("%s/%d  REFUSED: %s%n", e.name(), e.version(), e.problem());
                }
            }
            return refused == 0 ? 0 : ErrorCode.MODEL_INVALID.code();
        }

        private static Path defaultRoot()
        {
            final String home = System.getProperty("rill.home");
            return home == null ? Path.of("models") : Path.of(home).resolve("models");
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Make a version of a model the one the running server scores with; it takes over at the next batch.",
            "Exit status 0 deployed, 22 the version is not a usable model, 65 refused (e.g. by a gate; --force overrides a gate)."})
    static final class Deploy implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Parameters(paramLabel = "NAME[:VERSION]", converter = ModelTargetConverter.class,
            description = "Model name, and version (default: the newest usable version in the server's registry)")
        ModelTarget target;

        @Option(names = "--force", description = "Deploy even when a gate (shadow agreement, checks) refuses the version")
        boolean force;

        @Override
        public Integer call()
        {
            return admin.run(spec, client -> report(spec, client.deploy(target.name(), target.version(), force)));
        }
    }

    @Command(name = "shadow", mixinStandardHelpOptions = true,
        description = {"Score with a second version beside the active one, comparing without publishing its scores "
            + "(see `rill model status`); --stop ends it.",
            "Exit status 0 started or stopped, 22 the version is not a usable model, 65 refused."})
    static final class Shadow implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Parameters(paramLabel = "NAME[:VERSION]", arity = "0..1", converter = ModelTargetConverter.class,
            description = "Model name, and version (default: the newest usable version)")
        ModelTarget target;

        @Option(names = "--stop", description = "Stop the shadow that runs")
        boolean stop;

        @Override
        public Integer call()
        {
            if (stop == (target != null))
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    stop ? "give either NAME[:VERSION] or --stop, not both" : "give NAME[:VERSION] to start a shadow, or --stop");
            }
            return admin.run(spec, client -> report(spec, stop ? client.stopShadow() : client.shadow(target.name(), target.version())));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Make the version active before the current one score again.",
            "Exit status 0 rolled back, 65 refused (nothing to roll back to)."})
    static final class Rollback implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Override
        public Integer call()
        {
            return admin.run(spec, client -> report(spec, client.rollback()));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running server's model: active and previous version, fallbacks, batch sizes, shadow comparison, drift.")
    static final class Status implements Callable<Integer>
    {
        private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

        @Spec
        CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Option(names = "--json", description = "The status as the server sent it, one JSON document")
        boolean json;

        @Override
        public Integer call()
        {
            return admin.run(spec, client ->
            {
                final ModelStatus status = client.status();
                if (json)
                {
                    try
                    {
                        System.out.println(JSON.writeValueAsString(status));
                    }
                    catch (final JsonProcessingException e)
                    {
                        throw new IllegalStateException("cannot write the status as JSON: " + e.getOriginalMessage(), e);
                    }
                }
                else
                {
                    System.out.print(ModelStatusText.render(status, Instant.now()));
                }
                System.out.flush();
                return 0;
            });
        }
    }

    /** Prints an outcome: done on standard output, a refusal on the error stream; returns the exit status. */
    private static int report(final CommandSpec spec, final AdminOutcome outcome)
    {
        if (outcome.done())
        {
            System.out.println(outcome.code() + ": " + outcome.message());
            System.out.flush();
        }
        else
        {
            final PrintWriter err = spec.commandLine().getErr();
            err.println("rill: " + outcome.code() + ": " + outcome.message());
            err.flush();
        }
        return AdminExitCode.exitStatusOf(outcome);
    }

    /**
     * Where the running server's admin channel is and which token it wants: from the server's
     * configuration, as {@code rill serve} reads it, unless an option says otherwise.
     */
    static final class AdminOptions
    {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The server's YAML configuration, for admin.host, admin.port and admin.tokenFile (default: embedded defaults)")
        Path config;

        @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The server's dataDir, where its admin.token is by default (as `rill serve --data-dir`)")
        Path dataDir;

        @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "The admin channel's address (default: admin.host:admin.port, 127.0.0.1:7390)")
        String address;

        @Option(names = "--token-file", paramLabel = "FILE",
            description = "The admin token file (default: admin.tokenFile, <dataDir>/admin.token)")
        Path tokenFile;

        /** Runs {@code body} with a client; a failure of the channel is printed as one line and becomes the exit status. */
        int run(final CommandSpec spec, final Function<AdminClient, Integer> body)
        {
            final AdminClient client;
            try
            {
                client = client(spec);
                return body.apply(client);
            }
            catch (final AdminException e)
            {
                final PrintWriter err = spec.commandLine().getErr();
                err.println("rill: " + e.code() + ": " + e.getMessage());
                if (System.getenv("RILL_DEBUG") != null)
                {
                    e.printStackTrace(err);
                }
                err.flush();
                return e.code().status();
            }
        }

        private AdminClient client(final CommandSpec spec)
        {
            final Endpoint e = endpoint(spec);
            // admin.tls: trust the server's own certificate file (a CA-issued one chains to itself as well).
            final javax.net.ssl.SSLContext tls = e.tls() == null ? null :
                ((io.netty.handler.ssl.JdkSslContext)dev.rill.gateway.client.ClientTls.trusting(e.tls().certFile())).context();
            return new AdminClient(e.host(), e.port(), e.tokenFile(), tls);
        }

        /**
         * Where the admin channel (and the read-only pages beside it, such as {@code /slo}) listens, and its token file.
         *
         * @param host      a host to connect to.
         * @param port      its port.
         * @param tokenFile the admin token file.
         * @param tls       the channel's TLS ({@code admin.tls}), or null for plain HTTP.
         */
        record Endpoint(String host, int port, Path tokenFile, dev.rill.gateway.tls.TlsConfig tls)
        {
        }

        /** @return the admin channel's address and token file, from the options or the server's configuration. */
        Endpoint endpoint(final CommandSpec spec)
        {
            RillConfig cfg = config == null ? RillConfig.defaults(RillConfig.DEFAULT_DATA_DIR) : RillConfig.read(config);
            if (dataDir != null)
            {
                cfg = cfg.withDataDir(dataDir);
            }
            final AdminConfig channel = cfg.admin().withTokenFileIn(cfg.journal().dataDir());
            if (!channel.enabled() && address == null)
            {
                throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "the admin channel is off in " + config +
                    " (admin.enabled: false); set it to true and restart the server, or pass --admin HOST:PORT");
            }
            String host = connectable(channel.host());
            int port = channel.port();
            if (address != null)
            {
                final int colon = address.lastIndexOf(':');
                final String h = colon < 0 ? "" : address.substring(0, colon).replace("[", "").replace("]", "");
                try
                {
                    port = Integer.parseInt(address.substring(colon + 1));
                }
                catch (final NumberFormatException e)
                {
                    port = -1;
                }
                if (colon < 0 || port < 1 || port > 65535)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                        "--admin '" + address + "' is not HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:7390");
                }
                host = h.isEmpty() ? AdminConfig.DEFAULT_HOST : connectable(h);
            }
            return new Endpoint(host, port, tokenFile != null ? tokenFile : channel.tokenFile(), channel.tls());
        }

        /** @return a host to connect to for one the server listens on: a wildcard listen address means this machine. */
        private static String connectable(final String listenHost)
        {
            return switch (listenHost)
            {
                case "0.0.0.0" -> "127.0.0.1";
                case "::", "[::]", "0:0:0:0:0:0:0:0" -> "::1";
                default -> listenHost;
            };
        }
    }

    /**
     * A model and version named on the command line.
     *
     * @param name    model name.
     * @param version version, 0 for the newest usable one.
     */
    record ModelTarget(String name, int version)
    {
    }

    /** Reads NAME, NAME:VERSION or NAME/VERSION (as `rill model list` prints it). */
    static final class ModelTargetConverter implements CommandLine.ITypeConverter<ModelTarget>
    {
        @Override
        public ModelTarget convert(final String value)
        {
            final int sep = Math.max(value.lastIndexOf(':'), value.lastIndexOf('/'));
            final String name = sep < 0 ? value : value.substring(0, sep);
            if (name.isEmpty())
            {
                throw new CommandLine.TypeConversionException("'" + value + "' has no model name; give NAME or NAME:VERSION, e.g. fraud:2");
            }
            if (sep < 0)
            {
                return new ModelTarget(name, 0);
            }
            final String version = value.substring(sep + 1);
            if (!version.matches("[1-9][0-9]{0,8}"))
            {
                throw new CommandLine.TypeConversionException("'" + value + "': version '" + version + "' is not a whole number " +
                    "from 1; give NAME for the newest usable version or NAME:VERSION, e.g. fraud:2");
            }
            return new ModelTarget(name, Integer.parseInt(version));
        }
    }
}
