package dev.rill.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rill.bus.ByteSize;
import dev.rill.bus.ConfigException;
import dev.rill.bus.DiskFullAction;
import dev.rill.bus.PipelineConfig;
import dev.rill.bus.TimeSpan;
import dev.rill.bus.FieldType;
import dev.rill.bus.SchemaVersion;
import dev.rill.bus.TopicField;
import dev.rill.bus.TopicSchema;
import dev.rill.bus.WaitStrategyKind;
import dev.rill.bus.metrics.HotspotConfig;
import dev.rill.ops.cluster.ClusterConfig;
import dev.rill.gateway.ConnectionLimits;
import dev.rill.gateway.GatewayConfig;
import dev.rill.gateway.LatenessAction;
import dev.rill.gateway.LatenessConfig;
import dev.rill.gateway.TopicLateness;
import dev.rill.gateway.GatewaySecurity;
import dev.rill.gateway.auth.AuthConfig;
import dev.rill.gateway.tls.TlsConfig;
import dev.rill.gateway.tls.TlsProvider;
import dev.rill.gateway.QuotaAction;
import dev.rill.gateway.QuotaConfig;
import dev.rill.gateway.QuotaLimits;
import dev.rill.journal.CheckpointConfig;
import dev.rill.journal.DeadLetterConfig;
import dev.rill.journal.Durability;
import dev.rill.journal.DurabilityConfig;
import dev.rill.journal.JournalConfig;
import dev.rill.journal.RetentionConfig;
import dev.rill.ml.FraudFeatures;
import dev.rill.ml.features.Aggregate;
import dev.rill.ml.features.StreamingFeaturesConfig;
import dev.rill.ml.features.WindowSpec;
import dev.rill.ops.admin.AdminConfig;
import dev.rill.ops.alert.AlertsSection;
import dev.rill.ops.slo.SloConfig;
import dev.rill.ops.slo.SloSection;

/**
 * The whole configuration of a running bus, as read from rill.yaml: one typed object per
 * component, each validated by its own constructor with messages naming the key.
 *
 * @param gateway  TCP listener.
 * @param pipeline ring and stage threading.
 * @param journal  journal directory and roll cycle.
 * @param model    the scoring model.
 * @param topics   the topics producers may send, with their fields.
 * @param durability what an acknowledgement promises, globally and per topic.
 * @param checkpoint when the pipeline state is checkpointed.
 * @param admin    the admin channel of {@code rill model deploy|shadow|rollback|status}.
 * @param features streaming features per key of a topic (sliding windows on event time), checkpointed; empty for none.
 * @param hotspots the hot-key and hot-producer report.
 * @param slo      the SLOs, their burn-rate alerts, the other alert rules and the sinks ({@code slo:} and {@code alerts:}).
 * @param deadLetter the dead-letter journal of refused frames and its retention ({@code deadLetter:}).
 * @param cluster  replicated mode ({@code cluster:}, see docs/scale-out.md), or null for a single node (the default).
 */
public record RillConfig(
    GatewayConfig gateway, PipelineConfig pipeline, JournalConfig journal, ModelConfig model, List<TopicSchema> topics,
    DurabilityConfig durability, CheckpointConfig checkpoint, AdminConfig admin, List<StreamingFeaturesConfig> features,
    HotspotConfig hotspots, SloConfig slo, DeadLetterConfig deadLetter, ClusterConfig cluster)
{
    /** A single-node configuration (no {@code cluster:} section). */
    public RillConfig(
        final GatewayConfig gateway, final PipelineConfig pipeline, final JournalConfig journal, final ModelConfig model,
        final List<TopicSchema> topics, final DurabilityConfig durability, final CheckpointConfig checkpoint,
        final AdminConfig admin, final List<StreamingFeaturesConfig> features, final HotspotConfig hotspots, final SloConfig slo,
        final DeadLetterConfig deadLetter)
    {
        this(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, null);
    }

    /** A configuration with the default dead-letter journal. */
    public RillConfig(
        final GatewayConfig gateway, final PipelineConfig pipeline, final JournalConfig journal, final ModelConfig model,
        final List<TopicSchema> topics, final DurabilityConfig durability, final CheckpointConfig checkpoint,
        final AdminConfig admin, final List<StreamingFeaturesConfig> features, final HotspotConfig hotspots, final SloConfig slo)
    {
        this(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, null);
    }

    /** A configuration with the default hotspot report, SLOs and alerts. */
    public RillConfig(
        final GatewayConfig gateway, final PipelineConfig pipeline, final JournalConfig journal, final ModelConfig model,
        final List<TopicSchema> topics, final DurabilityConfig durability, final CheckpointConfig checkpoint,
        final AdminConfig admin, final List<StreamingFeaturesConfig> features)
    {
        this(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, HotspotConfig.defaults(), null);
    }

    /** A configuration without streaming features. */
    public RillConfig(
        final GatewayConfig gateway, final PipelineConfig pipeline, final JournalConfig journal, final ModelConfig model,
        final List<TopicSchema> topics, final DurabilityConfig durability, final CheckpointConfig checkpoint,
        final AdminConfig admin)
    {
        this(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, List.of());
    }

    /**
     * A configuration built in code (embedding, tests, probes) with the admin channel on a free
     * port, so that it never collides with a server on the default port; {@link #defaults} and
     * configuration files use {@link AdminConfig#DEFAULT_PORT}.
     */
    public RillConfig(
        final GatewayConfig gateway, final PipelineConfig pipeline, final JournalConfig journal, final ModelConfig model,
        final List<TopicSchema> topics, final DurabilityConfig durability, final CheckpointConfig checkpoint)
    {
        this(gateway, pipeline, journal, model, topics, durability, checkpoint, AdminConfig.defaults().withPort(0));
    }

    /** A configuration with default durability (page-cache) and checkpoints. */
    public RillConfig(
        final GatewayConfig gateway, final PipelineConfig pipeline, final JournalConfig journal, final ModelConfig model,
        final List<TopicSchema> topics)
    {
        this(gateway, pipeline, journal, model, topics, DurabilityConfig.defaults(), CheckpointConfig.defaults());
    }

    /** Default data directory of {@code rill serve}, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public RillConfig
    {
        topics = List.copyOf(topics);
        if (topics.isEmpty())
        {
            throw ConfigException.invalid("topics", "[]", "at least one topic");
        }
        boolean modelTopicFound = false;
        for (final TopicSchema t : topics)
        {
            modelTopicFound |= t.name().equals(model.topic());
        }
        if (!modelTopicFound)
        {
            throw ConfigException.invalid("model.topic", model.topic(), "the name of a topic in the topics list");
        }
        durability = durability == null ? DurabilityConfig.defaults() : durability;
        checkpoint = checkpoint == null ? CheckpointConfig.defaults() : checkpoint;
        admin = admin == null ? AdminConfig.defaults() : admin;
        features = features == null ? List.of() : List.copyOf(features);
        hotspots = hotspots == null ? HotspotConfig.defaults() : hotspots;
        slo = slo == null ? SloConfig.defaults() : slo;
        deadLetter = deadLetter == null ? DeadLetterConfig.defaults() : deadLetter;
        for (int i = 0; i < features.size(); i++)
        {
            final StreamingFeaturesConfig f = features.get(i);
            final TopicSchema topic = topics.stream().filter(t -> t.name().equals(f.topic())).findFirst().orElse(null);
            if (topic == null)
            {
                throw ConfigException.invalid("features[" + i + "].topic", f.topic(), "a topic of the topics list");
            }
            for (int w = 0; w < f.windows().size(); w++)
            {
                final String field = f.windows().get(w).field();
                if (field != null && topic.fieldIndex(field) < 0)
                {
                    throw ConfigException.invalid("features[" + i + "].windows[" + w + "].field", field,
                        "a field of topic '" + topic.name() + "', one of " + topic.fields());
                }
            }
            if (topic.fields().size() + f.windows().size() > pipeline.maxFields())
            {
                throw ConfigException.invalid("features[" + i + "].windows", f.windows().size() + " windows",
                    "at most pipeline.maxFields (" + pipeline.maxFields() + ") minus the topic's " + topic.fields().size() +
                    " fields: each event carries its features after its fields; raise pipeline.maxFields or use fewer windows");
            }
            if (pipeline.threading() != PipelineConfig.Threading.FUSED)
            {
                throw ConfigException.invalid("pipeline.threading", pipeline.threading(), "FUSED when features: are configured " +
                    "(streaming features must see the journal's decision on each event, in journal order)");
            }
            for (int j = 0; j < i; j++)
            {
                if (features.get(j).topic().equals(f.topic()))
                {
                    throw ConfigException.invalid("features[" + i + "].topic", f.topic(), "one entry per topic; features[" + j +
                        "] already configures it");
                }
            }
        }
        for (final String name : gateway.lateness().topics().keySet())
        {
            if (topics.stream().noneMatch(t -> t.name().equals(name)))
            {
                throw ConfigException.invalid("gateway.lateness.topics." + name, name, "a topic of the topics list");
            }
        }
        if (admin.enabled() && admin.port() != 0 && admin.port() == gateway.port() && admin.host().equals(gateway.host()))
        {
            throw ConfigException.invalid("admin.port", admin.port(), "a port other than gateway.port, or 0 for a free one");
        }
        for (final String topic : durability.topics().keySet())
        {
            if (topics.stream().noneMatch(t -> t.name().equals(topic)))
            {
                throw ConfigException.invalid("durability.topics." + topic, durability.topics().get(topic),
                    "a mode for a topic of the topics list; '" + topic + "' is not one");
            }
        }
    }

    /** Default topic of fraud labels for payments (unscored): which payment, and whether it was fraud. */
    public static final TopicSchema PAYMENT_LABELS = new TopicSchema("payment_labels", List.of("producer_id", "seq", "fraud"));

    /** @return the embedded defaults: everything on defaults, data in {@code dataDir}; topics payments and payment_labels. */
    public static RillConfig defaults(final Path dataDir)
    {
        return new RillConfig(
            GatewayConfig.defaults(), PipelineConfig.defaults(), JournalConfig.of(dataDir), ModelConfig.defaults(),
            List.of(FraudFeatures.payments(), PAYMENT_LABELS), DurabilityConfig.defaults(), CheckpointConfig.defaults(),
            AdminConfig.defaults());
    }

    public RillConfig withDataDir(final Path dataDir)
    {
        return new RillConfig(gateway, pipeline, journal.withDataDir(dataDir), model, topics, durability, checkpoint, admin, features,
            hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withGateway(final GatewayConfig gateway)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withFeatures(final List<StreamingFeaturesConfig> features)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withModel(final ModelConfig model)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withAdmin(final AdminConfig admin)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withSlo(final SloConfig slo)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withPipeline(final PipelineConfig pipeline)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withHotspots(final HotspotConfig hotspots)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withTopics(final List<TopicSchema> topics)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withCluster(final ClusterConfig cluster)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    public RillConfig withDeadLetter(final DeadLetterConfig deadLetter)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo, deadLetter, cluster);
    }

    /**
     * Reads and validates a YAML file. Missing keys take their defaults; unknown keys and bad
     * values are errors naming the key.
     *
     * @throws ConfigException with a message that names the file, the key and what is allowed.
     */
    public static RillConfig read(final Path file)
    {
        return read(file, null);
    }

    /**
     * As {@link #read(Path)}, with a threading profile that replaces the file's {@code profile:} key
     * ({@code rill serve --profile}); keys the file writes still win over the profile's defaults.
     *
     * @param profile null to use the file's {@code profile:} key, if any.
     */
    public static RillConfig read(final Path file, final ThreadingProfile profile)
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException e)
        {
            throw new ConfigException(file + ": cannot read the configuration file: " + e.getMessage());
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent(), profile);
    }

    /**
     * Parses YAML text; relative paths in it are resolved against {@code baseDir}.
     *
     * @param source name of the text for messages (a file name).
     */
    public static RillConfig parse(final String text, final String source, final Path baseDir)
    {
        return parse(text, source, baseDir, null);
    }

    /**
     * As {@link #parse(String, String, Path)}, with a threading profile that replaces the text's {@code profile:} key.
     *
     * @param profile null to use the text's {@code profile:} key, if any.
     */
    public static RillConfig parse(final String text, final String source, final Path baseDir, final ThreadingProfile profile)
    {
        final ObjectMapper mapper = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();
        final RillFile file;
        try
        {
            file = text.isBlank() ? new RillFile(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) :
                mapper.readValue(text, RillFile.class);
        }
        catch (final UnrecognizedPropertyException e)
        {
            throw new ConfigException(source + ": unknown key '" + path(e) + "' (line " +
                lineOf(text, e.getPropertyName(), e.getLocation().getLineNr()) + "); known keys here: " + e.getKnownPropertyIds());
        }
        catch (final InvalidFormatException e)
        {
            throw new ConfigException(source + ": " + path(e) + ": value '" + e.getValue() + "' is not a valid " +
                allowed(e.getTargetType()) + " (line " + e.getLocation().getLineNr() + ")");
        }
        catch (final MismatchedInputException e)
        {
            throw new ConfigException(source + ": " + path(e) + ": wrong kind of value (line " +
                (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + "): expected " + allowed(e.getTargetType()));
        }
        catch (final JsonProcessingException e)
        {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage() +
                (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        try
        {
            return file.toConfig(baseDir, profile);
        }
        catch (final ConfigException e)
        {
            final int line = e.key() == null ? -1 : lineOfPath(text, e.key());
            throw new ConfigException(source + ": " + e.getMessage() + (line > 0 ? " (line " + line + ")" : ""));
        }
    }

    /** @return the line declaring a dotted key ("journal.retention.maxAge"), each part searched below the last; -1 if absent. */
    private static int lineOfPath(final String text, final String dottedKey)
    {
        final String[] lines = text.split("\n", -1);
        int from = 0;
        int found = -1;
        for (final String part : dottedKey.split("\\."))
        {
            found = -1;
            for (int i = from; i < lines.length && found < 0; i++)
            {
                final String line = lines[i].strip();
                if (line.startsWith(part + ":") || line.startsWith("- " + part + ":"))
                {
                    found = i;
                }
            }
            if (found < 0)
            {
                return -1;
            }
            from = found + 1;
        }
        return found + 1;
    }

    /** @return the first line declaring {@code key} (Jackson reports where it noticed, often a line later). */
    private static int lineOf(final String text, final String key, final int fallback)
    {
        final String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i].strip();
            if (line.startsWith(key + ":") || line.startsWith("- " + key + ":"))
            {
                return i + 1;
            }
        }
        return fallback;
    }

    private static String path(final JsonMappingException e)
    {
        final StringBuilder sb = new StringBuilder();
        for (final JsonMappingException.Reference ref : e.getPath())
        {
            if (ref.getFieldName() != null)
            {
                if (sb.length() > 0)
                {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            }
            else if (ref.getIndex() >= 0)
            {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String allowed(final Class<?> type)
    {
        if (type == null)
        {
            return "value";
        }
        if (type.isEnum())
        {
            final List<String> names = new ArrayList<>();
            for (final Object c : type.getEnumConstants())
            {
                names.add(c.toString());
            }
            return "value, one of " + names;
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class)
        {
            return "whole number";
        }
        if (type == Double.class || type == double.class)
        {
            return "number";
        }
        if (type == List.class)
        {
            return "list";
        }
        return type.getSimpleName().replace("Section", " section");
    }

    /**
     * The YAML file as written: every key optional, so defaults fill the gaps. {@code profile} (a
     * {@link ThreadingProfile}) changes the defaults of gateway.ioThreads, pipeline.threading and
     * pipeline.waitStrategy before the sections' own keys are applied.
     */
    record RillFile(
        String dataDir, String profile, GatewaySection gateway, PipelineSection pipeline, JournalSection journal, ModelSection model,
        List<TopicSection> topics, DurabilitySection durability, CheckpointSection checkpoint, AdminSection admin,
        List<FeaturesSection> features, HotspotsSection hotspots, SloSection slo, AlertsSection alerts, DeadLetterSection deadLetter,
        ClusterSection cluster, PartitionsSection partitions)
    {
        RillConfig toConfig(final Path baseDir, final ThreadingProfile override)
        {
            final RillConfig plain = defaults(DEFAULT_DATA_DIR);
            final ThreadingProfile p = override != null ? override : ThreadingProfile.parse(ThreadingProfile.KEY, profile);
            final RillConfig d = p == null ? plain : plain.withGateway(p.gateway(plain.gateway()))
                .withPipeline(p.pipeline(plain.pipeline(), features != null && !features.isEmpty()));
            final Path data = dataDir == null ? baseDir.resolve(DEFAULT_DATA_DIR) : baseDir.resolve(dataDir);
            final List<TopicSchema> topicList = new ArrayList<>();
            if (topics == null)
            {
                topicList.addAll(d.topics());
            }
            else
            {
                for (int i = 0; i < topics.size(); i++)
                {
                    topicList.add(topics.get(i).toSchema(i));
                }
            }
            final GatewayConfig g = gateway == null ? d.gateway() : gateway.toConfig(d.gateway(), baseDir);
            return new RillConfig(
                partitions == null ? g : g.withPartitions(partitions.toOwnership(baseDir)),
                pipeline == null ? d.pipeline() : pipeline.toConfig(d.pipeline()),
                journal == null ? JournalConfig.of(data) : journal.toConfig(data),
                model == null ? ModelConfig.defaults() : model.toConfig(ModelConfig.defaults(), baseDir),
                topicList,
                durability == null ? DurabilityConfig.defaults() : durability.toConfig(),
                checkpoint == null ? CheckpointConfig.defaults() : checkpoint.toConfig(),
                admin == null ? AdminConfig.defaults() : admin.toConfig(AdminConfig.defaults(), baseDir),
                features == null ? List.of() : FeaturesSection.toConfigs(features),
                hotspots == null ? HotspotConfig.defaults() : hotspots.toConfig(HotspotConfig.defaults()),
                SloSection.toConfig(slo, alerts),
                deadLetter == null ? DeadLetterConfig.defaults() : deadLetter.toConfig(),
                cluster == null ? null : cluster.toConfig(data, baseDir));
        }
    }

    record ClusterSection(Integer memberId, List<ClusterMemberSection> members, String dir, String aeronDir, String leaderHeartbeatTimeout)
    {
        ClusterConfig toConfig(final Path dataDir, final Path baseDir)
        {
            if (memberId == null)
            {
                throw ConfigException.invalid("cluster.memberId", null, "this member's id (0, 1, 2, ...)");
            }
            final List<ClusterConfig.Member> list = new ArrayList<>();
            if (members != null)
            {
                for (int i = 0; i < members.size(); i++)
                {
                    list.add(members.get(i).toMember(i));
                }
            }
            return new ClusterConfig(memberId, list,
                dir == null ? dataDir.resolve("cluster") : baseDir.resolve(dir),
                aeronDir == null ? null : baseDir.resolve(aeronDir),
                leaderHeartbeatTimeout == null ? null : TimeSpan.parse("cluster.leaderHeartbeatTimeout", leaderHeartbeatTimeout));
        }
    }

    record ClusterMemberSection(Integer id, String host, Integer portBase, String gateway)
    {
        ClusterConfig.Member toMember(final int index)
        {
            if (id == null || portBase == null)
            {
                throw ConfigException.invalid("cluster.members[" + index + "]", this, "id, host, portBase and gateway of the member");
            }
            return new ClusterConfig.Member(id, host, portBase, gateway);
        }
    }

    record HotspotsSection(Boolean enabled, String window, Integer topN, Integer counters, Double keyShareAlert, Long minEventsPerWindow)
    {
        HotspotConfig toConfig(final HotspotConfig d)
        {
            return new HotspotConfig(
                enabled == null ? d.enabled() : enabled,
                window == null ? d.window() : TimeSpan.parse("hotspots.window", window),
                topN == null ? d.topN() : topN,
                counters == null ? d.counters() : counters,
                keyShareAlert == null ? d.keyShareAlert() : keyShareAlert,
                minEventsPerWindow == null ? d.minEventsPerWindow() : minEventsPerWindow);
        }
    }

    record FeaturesSection(String topic, List<WindowSection> windows, Integer maxKeys, String idleTimeout)
    {
        static List<StreamingFeaturesConfig> toConfigs(final List<FeaturesSection> sections)
        {
            final List<StreamingFeaturesConfig> configs = new ArrayList<>();
            for (int i = 0; i < sections.size(); i++)
            {
                configs.add(sections.get(i).toConfig(i));
            }
            return configs;
        }

        StreamingFeaturesConfig toConfig(final int index)
        {
            final String at = "features[" + index + "]";
            if (windows == null || windows.isEmpty())
            {
                throw ConfigException.invalid(at + ".windows", windows, "at least one window");
            }
            final List<WindowSpec> specs = new ArrayList<>();
            for (int w = 0; w < windows.size(); w++)
            {
                specs.add(windows.get(w).toSpec(at + ".windows[" + w + "]"));
            }
            return new StreamingFeaturesConfig(topic, specs,
                maxKeys == null ? StreamingFeaturesConfig.DEFAULT_MAX_KEYS : maxKeys,
                idleTimeout == null ? StreamingFeaturesConfig.DEFAULT_IDLE_TIMEOUT : TimeSpan.parse(at + ".idleTimeout", idleTimeout));
        }
    }

    record WindowSection(String name, Aggregate aggregate, String field, String window, Integer buckets)
    {
        WindowSpec toSpec(final String at)
        {
            if (window == null)
            {
                throw ConfigException.invalid(at + ".window", null, "a duration such as 1m or 1h");
            }
            return new WindowSpec(name, aggregate, field, TimeSpan.parse(at + ".window", window), buckets == null ? 12 : buckets);
        }
    }

    record AdminSection(Boolean enabled, String host, Integer port, String tokenFile, TlsSection tls)
    {
        AdminConfig toConfig(final AdminConfig d, final Path baseDir)
        {
            if (tokenFile != null && tokenFile.isBlank())
            {
                throw ConfigException.invalid("admin.tokenFile", tokenFile,
                    "a file path, or leave the key out for " + AdminConfig.DEFAULT_TOKEN_FILE_NAME + " in the data directory");
            }
            return new AdminConfig(
                enabled == null ? d.enabled() : enabled,
                host == null ? d.host() : host,
                port == null ? d.port() : port,
                tokenFile == null ? d.tokenFile() : tokenPath(baseDir),
                tls == null ? null : tls.toConfig("admin.tls", baseDir));
        }

        private Path tokenPath(final Path baseDir)
        {
            try
            {
                return baseDir.resolve(tokenFile);
            }
            catch (final java.nio.file.InvalidPathException e)
            {
                throw ConfigException.invalid("admin.tokenFile", tokenFile, "a file path (" + e.getReason() + ")");
            }
        }
    }

    record DurabilitySection(String mode, Long syncIntervalMicros, Map<String, String> topics)
    {
        DurabilityConfig toConfig()
        {
            final Map<String, Durability> perTopic = new LinkedHashMap<>();
            if (topics != null)
            {
                topics.forEach((topic, name) -> perTopic.put(topic, durability("durability.topics." + topic, name)));
            }
            return new DurabilityConfig(
                mode == null ? Durability.PAGE_CACHE : durability("durability.mode", mode),
                syncIntervalMicros == null ? 0 : syncIntervalMicros,
                perTopic);
        }

        private static Durability durability(final String key, final String name)
        {
            final Durability d = name == null ? null : Durability.ofConfigName(name);
            if (d == null)
            {
                throw ConfigException.invalid(key, name, "page-cache or sync");
            }
            return d;
        }
    }

    record CheckpointSection(Integer intervalSeconds, Integer keep)
    {
        CheckpointConfig toConfig()
        {
            final CheckpointConfig d = CheckpointConfig.defaults();
            return new CheckpointConfig(
                intervalSeconds == null ? d.intervalSeconds() : intervalSeconds,
                keep == null ? d.keep() : keep);
        }
    }

    record GatewaySection(
        String host, Integer port, Integer ioThreads, Integer maxFrameLength, Integer maxConnections, String serverName,
        QuotaSection quota, LatenessSection lateness, Integer maxPendingReplies, TlsSection tls, AuthSection auth, Boolean allowInsecure,
        Integer maxConnectionsPerAddress, String handshakeTimeout, String idleTimeout, Integer maxInFlight, Long subscriberMaxLag)
    {
        GatewayConfig toConfig(final GatewayConfig d)
        {
            return toConfig(d, Path.of(""));
        }

        GatewayConfig toConfig(final GatewayConfig d, final Path baseDir)
        {
            final ConnectionLimits l = d.limits();
            final ConnectionLimits limits = new ConnectionLimits(
                maxConnectionsPerAddress == null ? l.maxConnectionsPerAddress() : maxConnectionsPerAddress,
                handshakeTimeout == null ? l.handshakeTimeout() : TimeSpan.parse("gateway.handshakeTimeout", handshakeTimeout),
                idleTimeout == null ? l.idleTimeout() : TimeSpan.parse("gateway.idleTimeout", idleTimeout),
                maxInFlight == null ? l.maxInFlight() : maxInFlight,
                subscriberMaxLag == null ? l.subscriberMaxLag() : subscriberMaxLag);
            return new GatewayConfig(
                host == null ? d.host() : host,
                port == null ? d.port() : port,
                ioThreads == null ? d.ioThreads() : ioThreads,
                maxFrameLength == null ? d.maxFrameLength() : maxFrameLength,
                maxConnections == null ? d.maxConnections() : maxConnections,
                serverName == null ? d.serverName() : serverName,
                quota == null ? d.quota() : quota.toConfig(),
                lateness == null ? d.lateness() : lateness.toConfig(),
                maxPendingReplies == null ? d.maxPendingReplies() : maxPendingReplies,
                new GatewaySecurity(
                    tls == null ? null : tls.toConfig("gateway.tls", baseDir),
                    auth == null ? AuthConfig.off() : auth.toConfig(baseDir),
                    allowInsecure != null && allowInsecure),
                limits);
        }
    }

    /** {@code gateway.tls} or {@code admin.tls}: PEM files, resolved against the configuration file's directory. */
    record TlsSection(String certFile, String keyFile, String clientCaFile, List<String> protocols, List<String> ciphers,
        TlsProvider provider)
    {
        TlsConfig toConfig(final String key, final Path baseDir)
        {
            return new TlsConfig(
                file(key + ".certFile", certFile, baseDir, true),
                file(key + ".keyFile", keyFile, baseDir, true),
                file(key + ".clientCaFile", clientCaFile, baseDir, false),
                protocols, ciphers, provider);
        }
    }

    /** {@code gateway.auth}. */
    record AuthSection(Boolean enabled, String tokensFile)
    {
        AuthConfig toConfig(final Path baseDir)
        {
            final boolean on = enabled == null || enabled; // a section with a tokens file means "on" unless it says otherwise
            return new AuthConfig(on, file("gateway.auth.tokensFile", tokensFile, baseDir, on));
        }
    }

    private static Path file(final String key, final String value, final Path baseDir, final boolean required)
    {
        if (value == null || value.isBlank())
        {
            if (required)
            {
                throw ConfigException.invalid(key, value, "a file path (relative to the configuration file's directory)" +
                    (key.endsWith("File") && key.contains("tls") ? "; make a pair for local use with `rill certs dev`" : ""));
            }
            return null;
        }
        try
        {
            return baseDir.resolve(value);
        }
        catch (final java.nio.file.InvalidPathException e)
        {
            throw ConfigException.invalid(key, value, "a file path (" + e.getReason() + ")");
        }
    }

    /** {@code gateway.lateness}: durations as text (5s, 10m), actions flag or reject. */
    record LatenessSection(String allowed, LatenessAction action, String maxFutureSkew, Map<String, TopicLatenessSection> topics)
    {
        LatenessConfig toConfig()
        {
            final Map<String, TopicLateness> overrides = new LinkedHashMap<>();
            if (topics != null)
            {
                topics.forEach((name, t) -> overrides.put(name, t == null ? null : new TopicLateness(
                    t.allowed() == null ? null : TimeSpan.parse("gateway.lateness.topics." + name + ".allowed", t.allowed()),
                    t.action())));
            }
            return new LatenessConfig(
                allowed == null ? null : TimeSpan.parse("gateway.lateness.allowed", allowed),
                action,
                maxFutureSkew == null ? null : TimeSpan.parse("gateway.lateness.maxFutureSkew", maxFutureSkew),
                overrides);
        }
    }

    record TopicLatenessSection(String allowed, LatenessAction action)
    {
    }

    record QuotaSection(Long eventsPerSecond, String bytesPerSecond, String burst, QuotaAction onExceeded,
        Map<String, ProducerQuotaSection> producers)
    {
        QuotaConfig toConfig()
        {
            final QuotaLimits d = new QuotaLimits(
                eventsPerSecond == null ? 0 : eventsPerSecond,
                bytesPerSecond == null ? 0 : ByteSize.parse("gateway.quota.bytesPerSecond", bytesPerSecond),
                burst == null ? QuotaConfig.DEFAULT_BURST : TimeSpan.parse("gateway.quota.burst", burst));
            final Map<Long, QuotaLimits> overrides = new LinkedHashMap<>();
            if (producers != null)
            {
                producers.forEach((id, section) -> overrides.put(producerId(id), section == null ? d : section.toLimits(id, d)));
            }
            return new QuotaConfig(d.eventsPerSecond(), d.bytesPerSecond(), d.burst(), onExceeded, overrides);
        }

        private static long producerId(final String id)
        {
            try
            {
                final long producerId = Long.parseLong(id.strip());
                if (producerId >= 0)
                {
                    return producerId;
                }
            }
            catch (final NumberFormatException e)
            {
                // refused below
            }
            throw ConfigException.invalid("gateway.quota.producers", id, "producer ids (whole numbers, 0 or more) as keys");
        }
    }

    record ProducerQuotaSection(Long eventsPerSecond, String bytesPerSecond, String burst)
    {
        QuotaLimits toLimits(final String id, final QuotaLimits d)
        {
            final String at = "gateway.quota.producers." + id.strip() + ".";
            return new QuotaLimits(
                eventsPerSecond == null ? d.eventsPerSecond() : eventsPerSecond,
                bytesPerSecond == null ? d.bytesPerSecond() : ByteSize.parse(at + "bytesPerSecond", bytesPerSecond),
                burst == null ? d.burst() : TimeSpan.parse(at + "burst", burst));
        }
    }

    record PipelineSection(
        Integer ringSize, Integer maxBatch, PipelineConfig.Threading threading, WaitStrategyKind waitStrategy,
        Integer maxEventBytes, Integer maxFields)
    {
        PipelineConfig toConfig(final PipelineConfig d)
        {
            return new PipelineConfig(
                ringSize == null ? d.ringSize() : ringSize,
                maxBatch == null ? d.maxBatch() : maxBatch,
                threading == null ? d.threading() : threading,
                waitStrategy == null ? d.waitStrategy() : waitStrategy,
                maxEventBytes == null ? d.maxEventBytes() : maxEventBytes,
                maxFields == null ? d.maxFields() : maxFields);
        }
    }

    record JournalSection(String rollCycle, Boolean pretouch, String diskReserve, DiskFullAction onDiskFull, RetentionSection retention)
    {
        JournalConfig toConfig(final Path data)
        {
            return new JournalConfig(data,
                rollCycle == null ? JournalConfig.DEFAULT_ROLL_CYCLE : rollCycle,
                pretouch == null ? JournalConfig.DEFAULT_PRETOUCH : pretouch,
                diskReserve == null ? JournalConfig.DEFAULT_DISK_RESERVE : ByteSize.parse("journal.diskReserve", diskReserve),
                onDiskFull == null ? JournalConfig.DEFAULT_ON_DISK_FULL : onDiskFull,
                retention == null ? RetentionConfig.keepForever() : retention.toConfig());
        }
    }

    record DeadLetterSection(Boolean enabled, String retention, String maxBytes, String recordBytes, String bufferBytes)
    {
        DeadLetterConfig toConfig()
        {
            final DeadLetterConfig d = DeadLetterConfig.defaults();
            return new DeadLetterConfig(
                enabled == null ? d.enabled() : enabled,
                retention == null ? d.retention() : "forever".equals(retention) ? null : TimeSpan.parse("deadLetter.retention", retention),
                maxBytes == null ? d.maxBytes() : ByteSize.parse("deadLetter.maxBytes", maxBytes),
                recordBytes == null ? d.recordBytes() : (int)Math.min(Integer.MAX_VALUE, ByteSize.parse("deadLetter.recordBytes", recordBytes)),
                bufferBytes == null ? d.bufferBytes() : (int)Math.min(Integer.MAX_VALUE, ByteSize.parse("deadLetter.bufferBytes", bufferBytes)));
        }
    }

    record RetentionSection(String maxAge, String maxBytes, String interval)
    {
        RetentionConfig toConfig()
        {
            return new RetentionConfig(
                maxAge == null ? null : TimeSpan.parse("journal.retention.maxAge", maxAge),
                maxBytes == null ? 0 : ByteSize.parse("journal.retention.maxBytes", maxBytes),
                interval == null ? RetentionConfig.DEFAULT_INTERVAL : TimeSpan.parse("journal.retention.interval", interval));
        }
    }

    record ModelSection(
        String directory, String topic, Double fallbackScore, Long batchBudgetMicros, String fallbackModel, String shadow)
    {
        ModelConfig toConfig(final ModelConfig d, final Path baseDir)
        {
            return new ModelConfig(
                directory == null ? d.directory() : baseDir.resolve(directory),
                topic == null ? d.topic() : topic,
                fallbackScore == null ? d.fallbackScore() : fallbackScore,
                batchBudgetMicros == null ? d.batchBudgetMicros() : batchBudgetMicros,
                fallbackModel == null ? d.fallbackModel() : fallbackModel,
                shadow == null ? null : baseDir.resolve(shadow));
        }
    }

    /**
     * One entry of {@code topics:}: either the plain form ({@code fields: [a, b]}, version 1 of
     * required doubles) or {@code versions:}, each an ordered list of typed fields. Also the shape
     * of {@code rill topic apply FILE} and of {@code <dataDir>/topics.yaml}.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record TopicSection(String name, List<String> fields, List<VersionSection> versions)
    {
        TopicSchema toSchema(final int index)
        {
            return toSchema("topics[" + index + "]");
        }

        /**
         * @param key where the entry is, for messages ("topics[0]").
         * @throws ConfigException naming the key, the value and what is allowed.
         */
        public TopicSchema toSchema(final String key)
        {
            if (name == null || name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c > 32 && c < 127))
            {
                throw ConfigException.invalid(key + ".name", name, "1 to 64 printable ASCII characters");
            }
            if (fields != null && versions != null)
            {
                throw ConfigException.invalid(key, name, "either fields: (one version of required doubles) or versions:, not both");
            }
            if (versions == null)
            {
                if (fields == null || fields.isEmpty())
                {
                    throw ConfigException.invalid(key + ".fields", fields, "a list of at least one field name (or versions:)");
                }
                try
                {
                    return new TopicSchema(name, fields);
                }
                catch (final IllegalArgumentException e)
                {
                    throw ConfigException.invalid(key + ".fields", fields, "unique field names (" + e.getMessage() + ")");
                }
            }
            if (versions.isEmpty())
            {
                throw ConfigException.invalid(key + ".versions", "[]", "at least one version");
            }
            final List<SchemaVersion> list = new ArrayList<>();
            for (int v = 0; v < versions.size(); v++)
            {
                list.add(versions.get(v).toVersion(key + ".versions[" + v + "]", v + 1));
            }
            try
            {
                return TopicSchema.versioned(name, list);
            }
            catch (final IllegalArgumentException e)
            {
                throw ConfigException.invalid(key + ".versions", name, "compatible versions: " + e.getMessage());
            }
        }

        /** @return the entry that declares {@code topic}: the plain form when it has one version of required doubles. */
        public static TopicSection of(final TopicSchema topic)
        {
            final boolean plain = topic.versions().size() == 1 && topic.latest().fields().stream()
                .allMatch(f -> f.equals(TopicField.requiredDouble(f.name())));
            if (plain)
            {
                return new TopicSection(topic.name(), topic.fields(), null);
            }
            final List<VersionSection> versions = new ArrayList<>();
            for (final SchemaVersion v : topic.versions())
            {
                versions.add(VersionSection.of(v));
            }
            return new TopicSection(topic.name(), null, versions);
        }
    }

    /** One schema version: its number (optional; must be its position, 1-based) and its fields in wire order. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record VersionSection(Integer version, List<FieldSection> fields)
    {
        SchemaVersion toVersion(final String key, final int number)
        {
            if (version != null && version != number)
            {
                throw ConfigException.invalid(key + ".version", version, number + ": versions are listed in order, 1, 2, ...");
            }
            if (fields == null || fields.isEmpty())
            {
                throw ConfigException.invalid(key + ".fields", fields, "a list of at least one field");
            }
            final List<TopicField> list = new ArrayList<>();
            for (int f = 0; f < fields.size(); f++)
            {
                list.add(fields.get(f).toField(key + ".fields[" + f + "]"));
            }
            try
            {
                return new SchemaVersion(number, list);
            }
            catch (final IllegalArgumentException e)
            {
                throw ConfigException.invalid(key + ".fields", fields.size() + " fields", "valid fields: " + e.getMessage());
            }
        }

        static VersionSection of(final SchemaVersion v)
        {
            final List<FieldSection> fields = new ArrayList<>();
            for (final TopicField f : v.fields())
            {
                fields.add(FieldSection.of(f));
            }
            return new VersionSection(v.version(), fields);
        }
    }

    /**
     * One field: name, type (double | int | bool, default double), required (default true),
     * range (min and/or max, optional), default (an optional field's value when left out; needed
     * by optional fields).
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record FieldSection(
        String name, String type, Boolean required, RangeSection range,
        @com.fasterxml.jackson.annotation.JsonProperty("default") Double defaultValue)
    {
        TopicField toField(final String key)
        {
            if (name == null || name.isBlank())
            {
                throw ConfigException.invalid(key + ".name", name, "a field name");
            }
            final FieldType t = type == null ? FieldType.DOUBLE : FieldType.parse(key + ".type", type);
            final boolean req = required == null || required;
            if (!req && defaultValue == null)
            {
                throw ConfigException.invalid(key + ".default", null, "a default value for optional field '" + name +
                    "' (what the server fills in when a producer leaves it out)");
            }
            if (req && defaultValue != null)
            {
                throw ConfigException.invalid(key + ".default", defaultValue, "no default: field '" + name +
                    "' is required (set required: false to make it optional)");
            }
            final double min = range == null || range.min() == null ? Double.NEGATIVE_INFINITY : range.min();
            final double max = range == null || range.max() == null ? Double.POSITIVE_INFINITY : range.max();
            try
            {
                return new TopicField(name, t, req, min, max, req ? Double.NaN : defaultValue);
            }
            catch (final IllegalArgumentException e)
            {
                throw ConfigException.invalid(key, name, "a valid field: " + e.getMessage());
            }
        }

        static FieldSection of(final TopicField f)
        {
            return new FieldSection(f.name(), f.type().label(), f.required(),
                f.hasRange() ? new RangeSection(Double.isInfinite(f.min()) ? null : f.min(), Double.isInfinite(f.max()) ? null : f.max()) : null,
                f.required() ? null : f.defaultValue());
        }
    }

    /** Inclusive bounds of a field's values; either may be left out. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record RangeSection(Double min, Double max)
    {
    }
}
