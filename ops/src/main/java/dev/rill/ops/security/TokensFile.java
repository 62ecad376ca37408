package dev.rill.ops.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rill.gateway.auth.AccessPolicy;
import dev.rill.gateway.auth.Principal;
import dev.rill.gateway.auth.TopicAcl;

/**
 * The tokens file of {@code gateway.auth.tokensFile}: principals, the SHA-256 hashes of their
 * tokens and their ACLs, as YAML:
 *
 * <pre>
 * principals:
 *   - name: checkout                 # shown in logs and refusals
 *     hashes:                        # one per live token: two while a token is rotated
 *       - sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 *     produce: [payments]            # topics it may send events to; "*" for all
 *     subscribe: [payments]          # topics it may subscribe to; "*" for all (and for the empty topic)
 *     admin: false                   # whether its token also works on the admin channel
 * </pre>
 *
 * <p>Stateless; any thread. A parse error names the file, the line and what is wrong, and never
 * quotes the file's text (someone may have pasted a token into it).
 */
public final class TokensFile
{
    private static final ObjectMapper MAPPER = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();

    private TokensFile()
    {
    }

    /** The file as written. */
    record File(List<Entry> principals)
    {
    }

    /** One principal as written. */
    record Entry(String name, List<String> hashes, List<String> produce, List<String> subscribe, Boolean admin)
    {
    }

    /**
     * @return the access policy the file describes.
     * @throws IllegalArgumentException with a message naming the file and what is wrong.
     */
    public static AccessPolicy read(final Path file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException e)
        {
            throw new IllegalArgumentException(file + " does not exist; create it with the entries `rill token new` prints");
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(file + " cannot be read (" + e.getClass().getSimpleName() + "); check its permissions");
        }
        return parse(bytes, file.toString());
    }

    /** @return the access policy of the YAML {@code bytes}; {@code source} names them in messages. */
    static AccessPolicy parse(final byte[] bytes, final String source)
    {
        final File parsed;
        try
        {
            parsed = bytes.length == 0 ? null : MAPPER.readValue(bytes, File.class);
        }
        catch (final UnrecognizedPropertyException e)
        {
            throw new IllegalArgumentException(source + at(e.getLocation()) + ": unknown key '" + e.getPropertyName() +
                "'; a principal has name, hashes, produce, subscribe and admin");
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalArgumentException(source + at(e.getLocation()) + ": not a tokens file (" + e.getClass().getSimpleName() +
                "); it holds 'principals:', a list of name, hashes, produce, subscribe, admin");
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(source + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (parsed == null || parsed.principals() == null)
        {
            throw new IllegalArgumentException(source + ": no 'principals:' list; an empty file would lock every client out " +
                "(write 'principals: []' if that is meant)");
        }
        final List<AccessPolicy.Grant> grants = new ArrayList<>();
        for (int i = 0; i < parsed.principals().size(); i++)
        {
            final Entry e = parsed.principals().get(i);
            if (e == null || e.name() == null || e.name().isBlank())
            {
                throw new IllegalArgumentException(source + ": principals[" + i + "] has no name");
            }
            grants.add(new AccessPolicy.Grant(
                new Principal(e.name(), TopicAcl.of(e.produce()), TopicAcl.of(e.subscribe()), e.admin() != null && e.admin()),
                e.hashes()));
        }
        try
        {
            return AccessPolicy.of(grants);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    /**
     * @return the YAML lines of one principal, as {@code rill token new} prints them, to paste
     *         under {@code principals:}.
     */
    public static String entry(final String name, final String hash, final List<String> produce, final List<String> subscribe,
        final boolean admin)
    {
        return "  - name: " + name + "\n" +
            "    hashes:\n" +
            "      - " + hash + "\n" +
            "    produce: " + flow(produce) + "\n" +
            "    subscribe: " + flow(subscribe) + "\n" +
            "    admin: " + admin + "\n";
    }

    private static String flow(final List<String> topics)
    {
        final List<String> quoted = new ArrayList<>();
        for (final String t : topics)
        {
            quoted.add(TopicAcl.ANY.equals(t) ? "\"*\"" : t);
        }
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String at(final JsonLocation location)
    {
        return location == null || location.getLineNr() < 1 ? "" : ", line " + location.getLineNr();
    }
}
