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
import dev.rill.bus.TopicSchema;
import dev.rill.bus.WaitStrategyKind;
import dev.rill.bus.metrics.HotspotConfig;
import dev.rill.gateway.ConnectionLimits;
import dev.rill.gateway.GatewayConfig;
import dev.rill.gateway.QuotaAction;
import dev.rill.gateway.QuotaConfig;
import dev.rill.gateway.QuotaLimits;
import dev.rill.journal.CheckpointConfig;
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
 */
public record RillConfig(
    GatewayConfig gateway, PipelineConfig pipeline, JournalConfig journal, ModelConfig model, List<TopicSchema> topics,
    DurabilityConfig durability, CheckpointConfig checkpoint, AdminConfig admin, List<StreamingFeaturesConfig> features,
    HotspotConfig hotspots, SloConfig slo)
{
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
            hotspots, slo);
    }

    public RillConfig withGateway(final GatewayConfig gateway)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    public RillConfig withFeatures(final List<StreamingFeaturesConfig> features)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    public RillConfig withModel(final ModelConfig model)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    public RillConfig withAdmin(final AdminConfig admin)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    public RillConfig withSlo(final SloConfig slo)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    public RillConfig withPipeline(final PipelineConfig pipeline)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    public RillConfig withHotspots(final HotspotConfig hotspots)
    {
        return new RillConfig(gateway, pipeline, journal, model, topics, durability, checkpoint, admin, features, hotspots, slo);
    }

    /**
     * Reads and validates a YAML file. Missing keys take their defaults; unknown keys and bad
     * values are errors naming the key.
     *
     * @throws ConfigException with a message that names the file, the key and what is allowed.
     */
    public static RillConfig read(final Path file)
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
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /**
     * Parses YAML text; relative paths in it are resolved against {@code baseDir}.
     *
     * @param source name of the text for messages (a file name).
     */
    public static RillConfig parse(final String text, final String source, final Path baseDir)
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
            file = text.isBlank() ? new RillFile(null, null, null, null, null, null, null, null, null, null, null, null, null) :
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
            return file.toConfig(baseDir);
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

    /** The YAML file as written: every key optional, so defaults fill the gaps. */
    record RillFile(
        String dataDir, GatewaySection gateway, PipelineSection pipeline, JournalSection journal, ModelSection model,
        List<TopicSection> topics, DurabilitySection durability, CheckpointSection checkpoint, AdminSection admin,
        List<FeaturesSection> features, HotspotsSection hotspots, SloSection slo, AlertsSection alerts)
    {
        RillConfig toConfig(final Path baseDir)
        {
            final RillConfig d = defaults(DEFAULT_DATA_DIR);
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
            return new RillConfig(
                gateway == null ? d.gateway() : gateway.toConfig(d.gateway()),
                pipeline == null ? d.pipeline() : pipeline.toConfig(d.pipeline()),
                journal == null ? JournalConfig.of(data) : journal.toConfig(data),
                model == null ? ModelConfig.defaults() : model.toConfig(ModelConfig.defaults(), baseDir),
                topicList,
                durability == null ? DurabilityConfig.defaults() : durability.toConfig(),
                checkpoint == null ? CheckpointConfig.defaults() : checkpoint.toConfig(),
                admin == null ? AdminConfig.defaults() : admin.toConfig(AdminConfig.defaults(), baseDir),
                features == null ? List.of() : FeaturesSection.toConfigs(features),
                hotspots == null ? HotspotConfig.defaults() : hotspots.toConfig(HotspotConfig.defaults()),
                SloSection.toConfig(slo, alerts));
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

    record AdminSection(Boolean enabled, String host, Integer port, String tokenFile)
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
                tokenFile == null ? d.tokenFile() : tokenPath(baseDir));
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
        QuotaSection quota,
        Integer maxConnectionsPerAddress, String handshakeTimeout, String idleTimeout, Integer maxInFlight, Long subscriberMaxLag)
    {
        GatewayConfig toConfig(final GatewayConfig d)
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
                limits);
        }
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

    record TopicSection(String name, List<String> fields)
    {
        TopicSchema toSchema(final int index)
        {
            if (name == null || name.isEmpty() || name.length() > 64 || !name.chars().allMatch(c -> c > 32 && c < 127))
            {
                throw ConfigException.invalid("topics[" + index + "].name", name, "1 to 64 printable ASCII characters");
            }
            if (fields == null || fields.isEmpty())
            {
                throw ConfigException.invalid("topics[" + index + "].fields", fields, "a list of at least one field name");
            }
            return new TopicSchema(name, fields);
        }
    }
}
