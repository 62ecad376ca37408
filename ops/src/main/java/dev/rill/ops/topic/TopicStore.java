package dev.rill.ops.topic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rill.bus.ConfigException;
import dev.rill.bus.TopicSchema;
import dev.rill.ops.RillConfig;

/**
 * The topic schemas applied while the bus ran ({@code rill topic apply}), kept in
 * {@code <dataDir>/topics.yaml} so that a restart keeps them.
 *
 * <p>At start, {@link #merge} lays the file over rill.yaml's {@code topics:}: for each topic in
 * both, whichever has more versions wins, provided the other is its compatible prefix (so adding
 * the same versions to rill.yaml later is harmless); a conflict stops the start with a message
 * naming both files. A topic only in the file (removed from rill.yaml) is ignored, with a warning.
 *
 * <p>Written whole (temp file, fsync, atomic rename) by the admin thread; read at start. Not for
 * hot paths.
 */
public final class TopicStore
{
    /** File name under the data directory. */
    public static final String FILE = "topics.yaml";

    private static final ObjectMapper YAML = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();

    private final Path file;

    public TopicStore(final Path dataDir)
    {
        this.file = dataDir.resolve(FILE);
    }

    public Path file()
    {
        return file;
    }

    /** The file's shape: the topics as rill.yaml declares them. */
    record StoredTopics(List<RillConfig.TopicSection> topics)
    {
    }

    /**
     * @return the stored topics, empty when there is no file.
     * @throws ConfigException naming the file when it cannot be read or is invalid.
     */
    public List<TopicSchema> load()
    {
        if (!Files.exists(file))
        {
            return List.of();
        }
        final StoredTopics stored;
        try
        {
            stored = YAML.readValue(file.toFile(), StoredTopics.class);
        }
        catch (final IOException e)
        {
            throw new ConfigException(file + ": cannot read the applied topic schemas: " + e.getMessage().lines().findFirst().orElse("") +
                "; fix or remove the file (it holds the versions added with rill topic apply)");
        }
        final List<TopicSchema> topics = new ArrayList<>();
        final List<RillConfig.TopicSection> sections = stored == null || stored.topics() == null ? List.of() : stored.topics();
        for (int i = 0; i < sections.size(); i++)
        {
            try
            {
                topics.add(sections.get(i).toSchema("topics[" + i + "]"));
            }
            catch (final ConfigException e)
            {
                throw new ConfigException(file + ": " + e.getMessage());
            }
        }
        return topics;
    }

    /**
     * Writes the topics whole: temp file, fsync, atomic rename.
     *
     * @throws IOException when it cannot; the old file is then untouched.
     */
    public void save(final List<TopicSchema> topics) throws IOException
    {
        final List<RillConfig.TopicSection> sections = new ArrayList<>();
        for (final TopicSchema t : topics)
        {
            sections.add(RillConfig.TopicSection.of(t));
        }
        final byte[] bytes = YAML.writeValueAsBytes(new StoredTopics(sections));
        Files.createDirectories(file.getParent());
        final Path temp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        try
        {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * @param configured the topics of rill.yaml.
     * @param stored     the topics of the file.
     * @param warn       receives a line per stored topic rill.yaml no longer has.
     * @return the topics in force: rill.yaml's order, each the later of its two definitions.
     * @throws ConfigException when a topic's two definitions conflict.
     */
    public List<TopicSchema> merge(final List<TopicSchema> configured, final List<TopicSchema> stored, final Consumer<String> warn)
    {
        final List<TopicSchema> merged = new ArrayList<>();
        for (final TopicSchema c : configured)
        {
            final TopicSchema s = stored.stream().filter(t -> t.name().equals(c.name())).findFirst().orElse(null);
            if (s == null || s.equals(c))
            {
                merged.add(c);
                continue;
            }
            final String storedExtendsConfig = c.incompatibility(s);
            if (storedExtendsConfig == null)
            {
                merged.add(s);
                continue;
            }
            if (s.incompatibility(c) == null)
            {
                merged.add(c);
                continue;
            }
            throw new ConfigException("topic '" + c.name() + "': rill.yaml and " + file + " (versions applied with rill topic apply) " +
                "disagree: " + storedExtendsConfig + "; make rill.yaml's topic a prefix of the applied versions (copy them from " +
                "`rill topic show " + c.name() + "` of the last run), or remove the topic from " + file + " to start from rill.yaml");
        }
        for (final TopicSchema s : stored)
        {
            if (configured.stream().noneMatch(t -> t.name().equals(s.name())))
            {
                warn.accept("topic '" + s.name() + "' is in " + file + " but no longer in rill.yaml: ignored");
            }
        }
        return merged;
    }
}
