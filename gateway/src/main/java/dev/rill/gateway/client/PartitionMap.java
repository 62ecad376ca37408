package dev.rill.gateway.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rill.bus.ConfigException;

/**
 * The operator's partition map ({@code partitions.yaml}, docs/scale-out.md §3): a version and, for
 * each partition 0 to N-1, the endpoints that serve it. A key belongs to partition
 * {@link #partitionOf(long) floorMod(mix64(key), N)} ({@link PartitionHash}).
 *
 * <pre>
 * version: 3                     # a whole number, at least 1; raise it with every change
 * partitions:                    # ids 0 to N-1, each exactly once (any order)
 *   - {id: 0, endpoints: ["10.0.0.1:7301"]}
 *   - {id: 1, endpoints: ["10.0.0.2:7301", "10.0.0.3:7301"]}   # the members of one cluster
 * </pre>
 *
 * <p>Immutable; any thread. {@link #partitionOf(long)} allocates nothing; loading allocates.
 * Errors are {@link ConfigException}s naming the file, the key and what is allowed.
 */
public final class PartitionMap
{
    /** Most partitions a map may have: {@link PartitionedProducer} folds the partition into 12 bits of a producer id. */
    public static final int MAX_PARTITIONS = 4096;

    /**
     * One partition and where it is served.
     *
     * @param id        0 to N-1.
     * @param endpoints host and port of each server of the partition (one single node, or the members of one cluster);
     *                  unresolved, at least one.
     */
    public record Partition(int id, List<InetSocketAddress> endpoints)
    {
        public Partition
        {
            endpoints = List.copyOf(endpoints);
        }
    }

    private final long version;
    private final Partition[] partitions;

    private PartitionMap(final long version, final Partition[] partitions)
    {
        this.version = version;
        this.partitions = partitions;
    }

    /**
     * A map built in code; the same rules as a file.
     *
     * @param endpoints per partition, in id order: "host:port" strings.
     * @throws ConfigException naming the key that is wrong.
     */
    public static PartitionMap of(final long version, final List<List<String>> endpoints)
    {
        final List<PartitionEntry> entries = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++)
        {
            entries.add(new PartitionEntry(i, endpoints.get(i)));
        }
        return new MapFile(version, entries).toMap();
    }

    /**
     * Reads and validates a partition map file.
     *
     * @throws ConfigException naming the file, the key and what is allowed.
     */
    public static PartitionMap load(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException e)
        {
            throw new ConfigException(file + ": cannot read the partition map: " + e);
        }
        return parse(text, file.toString());
    }

    /** @return a supplier that reads {@code file} again on each call (for {@link PartitionedProducer}'s reloads). */
    public static Supplier<PartitionMap> reloading(final Path file)
    {
        return () -> load(file);
    }

    /**
     * Parses and validates partition map YAML.
     *
     * @param source name of the text for messages (the file name).
     * @throws ConfigException naming the source, the key and what is allowed.
     */
    public static PartitionMap parse(final String text, final String source)
    {
        final ObjectMapper mapper = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
        final MapFile file;
        try
        {
            file = mapper.readValue(text, MapFile.class);
        }
        catch (final UnrecognizedPropertyException e)
        {
            throw new ConfigException(source + ": unknown key '" + path(e) + "' (line " + e.getLocation().getLineNr() +
                "); known keys here: " + e.getKnownPropertyIds());
        }
        catch (final JsonMappingException e)
        {
            throw new ConfigException(source + ": " + path(e) + ": wrong kind of value" +
                (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")") +
                ": version is a whole number, partitions a list of {id: whole number, endpoints: [\"host:port\", ...]}");
        }
        catch (final JsonProcessingException e)
        {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage() +
                (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (file == null)
        {
            throw new ConfigException(source + ": the partition map is empty; it needs version: and partitions:");
        }
        try
        {
            return file.toMap();
        }
        catch (final ConfigException e)
        {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    /** @return the map's version: servers name the version they serve, clients reload until they see a newer owner. */
    public long version()
    {
        return version;
    }

    /** @return the number of partitions, N. */
    public int count()
    {
        return partitions.length;
    }

    /** @return partition {@code id}. */
    public Partition partition(final int id)
    {
        return partitions[id];
    }

    /** @return the endpoints serving partition {@code id}. */
    public List<InetSocketAddress> endpoints(final int id)
    {
        return partitions[id].endpoints();
    }

    /** @return the partition of {@code key}: {@code floorMod(mix64(key), count())}; allocates nothing. */
    public int partitionOf(final long key)
    {
        return PartitionHash.partitionOf(key, partitions.length);
    }

    @Override
    public String toString()
    {
        return "PartitionMap[version " + version + ", " + Arrays.toString(partitions) + "]";
    }

    private static String path(final JsonMappingException e)
    {
        final StringBuilder sb = new StringBuilder();
        for (final JsonMappingException.Reference ref : e.getPath())
        {
            if (ref.getFieldName() != null)
            {
                sb.append(sb.length() > 0 ? "." : "").append(ref.getFieldName());
            }
            else if (ref.getIndex() >= 0)
            {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The file as written. */
    record MapFile(Long version, List<PartitionEntry> partitions)
    {
        PartitionMap toMap()
        {
            if (version == null || version < 1)
            {
                throw ConfigException.invalid("version", version, "a whole number, at least 1 (raise it with every change of the map)");
            }
            if (partitions == null || partitions.isEmpty())
            {
                throw ConfigException.invalid("partitions", partitions, "a list of at least one {id, endpoints}");
            }
            if (partitions.size() > MAX_PARTITIONS)
            {
                throw ConfigException.invalid("partitions", partitions.size() + " partitions", "at most " + MAX_PARTITIONS);
            }
            final Partition[] byId = new Partition[partitions.size()];
            for (int i = 0; i < partitions.size(); i++)
            {
                final String at = "partitions[" + i + "]";
                final PartitionEntry entry = partitions.get(i);
                if (entry == null)
                {
                    throw ConfigException.invalid(at, null, "{id, endpoints}");
                }
                if (entry.id() == null || entry.id() < 0 || entry.id() >= byId.length)
                {
                    throw ConfigException.invalid(at + ".id", entry.id(), "0 to " + (byId.length - 1) +
                        ": the ids of a map of " + byId.length + " partitions are 0 to N-1, each exactly once");
                }
                if (byId[entry.id()] != null)
                {
                    throw ConfigException.invalid(at + ".id", entry.id(), "an id not used before in the list: each id exactly once");
                }
                byId[entry.id()] = new Partition(entry.id(), endpoints(at + ".endpoints", entry.endpoints()));
            }
            return new PartitionMap(version, byId);
        }

        private static List<InetSocketAddress> endpoints(final String key, final List<String> endpoints)
        {
            if (endpoints == null || endpoints.isEmpty())
            {
                throw ConfigException.invalid(key, endpoints, "a list of at least one \"host:port\"");
            }
            final List<InetSocketAddress> addresses = new ArrayList<>();
            for (int i = 0; i < endpoints.size(); i++)
            {
                addresses.add(endpoint(key + "[" + i + "]", endpoints.get(i)));
            }
            return addresses;
        }

        private static InetSocketAddress endpoint(final String key, final String value)
        {
            final int colon = value == null ? -1 : value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1)
            {
                throw ConfigException.invalid(key, value, "\"host:port\", e.g. \"10.0.0.1:7301\" or \"[::1]:7301\"");
            }
            String host = value.substring(0, colon).strip();
            if (host.startsWith("[") && host.endsWith("]"))
            {
                host = host.substring(1, host.length() - 1);
            }
            final int port;
            try
            {
                port = Integer.parseInt(value.substring(colon + 1).strip());
            }
            catch (final NumberFormatException e)
            {
                throw ConfigException.invalid(key, value, "\"host:port\" with a port of 1 to 65535");
            }
            if (host.isEmpty() || port < 1 || port > 65535)
            {
                throw ConfigException.invalid(key, value, "\"host:port\" with a host and a port of 1 to 65535");
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    /** One entry of {@code partitions:} as written. */
    record PartitionEntry(Integer id, List<String> endpoints)
    {
    }
}
