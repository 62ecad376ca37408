package dev.rill.ops.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.rill.bus.ErrorCode;
import dev.rill.ml.ModelDescriptor;
import dev.rill.ml.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rill model ...}: the model registry on disk. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "The model registry (models/<name>/<version>/).",
    subcommands = ModelCommand.ListVersions.class)
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
}
