package dev.rill.ops.admin;

import java.nio.file.Path;

import dev.rill.bus.ConfigException;
import dev.rill.gateway.tls.TlsConfig;

/**
 * The admin channel ({@code admin:} in rill.yaml): where the server listens for
 * {@code rill model deploy|shadow|rollback|status}, and the file holding the bearer token those
 * commands must send.
 *
 * @param enabled   whether {@code rill serve} opens the admin channel at all.
 * @param host      address to listen on; the default, 127.0.0.1, keeps the channel on this machine
 *                  (without {@code tls}, on another address the token crosses the network in clear text).
 * @param port      TCP port; 0 picks a free one (tests).
 * @param tokenFile file holding the token, or null for {@value #DEFAULT_TOKEN_FILE_NAME} in the
 *                  data directory (see {@link #withTokenFileIn(Path)}).
 * @param tls       HTTPS for the channel and the pages beside it ({@code admin.tls}), or null for plain HTTP.
 */
public record AdminConfig(boolean enabled, String host, int port, Path tokenFile, TlsConfig tls)
{
    /** Plain HTTP. */
    public AdminConfig(final boolean enabled, final String host, final int port, final Path tokenFile)
    {
        this(enabled, host, port, tokenFile, null);
    }

    /** Default port of the admin channel (the gateway's default is 7301). */
    public static final int DEFAULT_PORT = 7390;

    /** Default listen address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Name of the token file in the data directory when {@code admin.tokenFile} is not set. */
    public static final String DEFAULT_TOKEN_FILE_NAME = "admin.token";

    public AdminConfig
    {
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace))
        {
            throw ConfigException.invalid("admin.host", host, "an IP address or host name to listen on, such as 127.0.0.1");
        }
        if (port < 0 || port > 65535)
        {
            throw ConfigException.invalid("admin.port", port, "0 to 65535 (0 picks a free port)");
        }
        if (tokenFile != null && tokenFile.toString().isBlank())
        {
            throw ConfigException.invalid("admin.tokenFile", tokenFile,
                "a file path, or leave the key out for " + DEFAULT_TOKEN_FILE_NAME + " in the data directory");
        }
    }

    /** @return enabled, 127.0.0.1:7390, token in the data directory's admin.token. */
    public static AdminConfig defaults()
    {
        return new AdminConfig(true, DEFAULT_HOST, DEFAULT_PORT, null);
    }

    /**
     * @param dataDir the server's data directory.
     * @return this configuration with its token file made concrete: the configured one, or
     *         admin.token in {@code dataDir} when none is configured.
     */
    public AdminConfig withTokenFileIn(final Path dataDir)
    {
        return tokenFile != null ? this : new AdminConfig(enabled, host, port, dataDir.resolve(DEFAULT_TOKEN_FILE_NAME), tls);
    }

    public AdminConfig withPort(final int port)
    {
        return new AdminConfig(enabled, host, port, tokenFile, tls);
    }

    public AdminConfig withTokenFile(final Path tokenFile)
    {
        return new AdminConfig(enabled, host, port, tokenFile, tls);
    }

    /** @return this channel served over HTTPS with {@code tls}; null for plain HTTP. */
    public AdminConfig withTls(final TlsConfig tls)
    {
        return new AdminConfig(enabled, host, port, tokenFile, tls);
    }

    /** @return {@code https} with TLS, else {@code http}. */
    public String scheme()
    {
        return tls == null ? "http" : "https";
    }

    /** @return host:port, as {@code --admin} takes it. */
    public String endpoint()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
