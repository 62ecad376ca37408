package dev.rill.ops.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rill.bus.ErrorCode;
import dev.rill.ops.RillConfig;
import dev.rill.ops.admin.AdminExitCode;
import dev.rill.ops.admin.AdminOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rill topic list|show|apply}: the running server's topic schemas over the admin channel.
 * {@code apply} puts a new definition of a topic in force without a restart (a compatible new
 * schema version); the server refuses an incompatible one and changes nothing, and keeps what it
 * applied in {@code <dataDir>/topics.yaml} across restarts (docs/protocol.md §13.1).
 */
@Command(name = "topic", mixinStandardHelpOptions = true,
    description = {"Show the running server's topic schemas, or add a schema version without a restart.",
        "Exit status 0 done, 65 refused (nothing changed), 69 no server, 76 protocol mismatch, 77 token refused, 64 usage."},
    subcommands = {TopicCommand.ListTopics.class, TopicCommand.Show.class, TopicCommand.Apply.class})
final class TopicCommand
{
    private static final ObjectMapper YAML = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .build();

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per topic: its versions and newest fields.")
    static final class ListTopics implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelCommand.AdminOptions admin;

        @Override
        public Integer call()
        {
            return admin.run(spec, client ->
            {
                for (final RillConfig.TopicSection t : client.topics())
                {
                    final var schema = t.toSchema("topic");
                    final StringBuilder fields = new StringBuilder();
                    for (final var f : schema.latest().fields())
                    {
                        fields.append(fields.length() == 0 ? "" : ", ").append(f.name()).append(':').append(f.expected())
                            .append(f.required() ? "" : "=" + f.defaultValue());
                    }
                    System.out.printf("%-24s versions 1-%d  %s%n", schema.name(), schema.versions().size(), fields);
                }
                System.out.flush();
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
        description = "A topic with every schema version, as YAML in the shape of rill.yaml's topics: entries (what apply reads).")
    static final class Show implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelCommand.AdminOptions admin;

        @Parameters(paramLabel = "NAME", description = "Topic name")
        String name;

        @Override
        public Integer call()
        {
            return admin.run(spec, client ->
            {
                final List<RillConfig.TopicSection> topics = client.topics();
                final RillConfig.TopicSection topic = topics.stream().filter(t -> name.equals(t.name())).findFirst().orElse(null);
                if (topic == null)
                {
                    final PrintWriter err = spec.commandLine().getErr();
                    err.println("rill: " + ErrorCode.UNKNOWN_TOPIC + ": the server has no topic '" + name + "'; its topics are " +
                        topics.stream().map(RillConfig.TopicSection::name).toList());
                    err.flush();
                    return ErrorCode.UNKNOWN_TOPIC.code();
                }
                try
                {
                    System.out.print(YAML.writeValueAsString(topic));
                }
                catch (final IOException e)
                {
                    throw new IllegalStateException("cannot write the topic as YAML: " + e.getMessage(), e);
                }
                System.out.flush();
                return 0;
            });
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Put a new definition of a configured topic in force (YAML: one topics: entry, e.g. from `rill topic show`, "
            + "with a version added).",
            "Versions in force must stay unchanged; a new version keeps every earlier field and adds only optional fields with "
                + "a default. The server saves what it applied in <dataDir>/topics.yaml, so a restart keeps it."})
    static final class Apply implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Mixin
        ModelCommand.AdminOptions admin;

        @Parameters(paramLabel = "FILE", description = "YAML file with one topic: name, versions (or fields)")
        Path file;

        @Override
        public Integer call()
        {
            final RillConfig.TopicSection topic;
            try
            {
                topic = YAML.readValue(Files.readAllBytes(file), RillConfig.TopicSection.class);
            }
            catch (final IOException e)
            {
                final PrintWriter err = spec.commandLine().getErr();
                err.println("rill: " + ErrorCode.CONFIG_INVALID + ": " + file + ": " + e.getMessage().lines().findFirst().orElse("") +
                    "; write one topic as rill.yaml's topics: entries are written (name:, versions:)");
                err.flush();
                return ErrorCode.CONFIG_INVALID.code();
            }
            return admin.run(spec, client -> report(spec, client.apply(topic)));
        }
    }

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
}
