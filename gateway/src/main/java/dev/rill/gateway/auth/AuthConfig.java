package dev.rill.gateway.auth;

import java.nio.file.Path;

import dev.rill.bus.ConfigException;

/**
 * Token authentication of the gateway ({@code gateway.auth:} in rill.yaml). A plain value: the
 * tokens file is read and watched by the server assembly, never here.
 *
 * @param enabled    whether Hello tokens are checked; off by default (every connection is
 *                   {@link Principal#ANONYMOUS}, allowed everything).
 * @param tokensFile the YAML file of principals, token hashes and ACLs; required when enabled.
 */
public record AuthConfig(boolean enabled, Path tokensFile)
{
    public AuthConfig
    {
        if (enabled && tokensFile == null)
        {
            throw ConfigException.invalid("gateway.auth.tokensFile", null,
                "the YAML file of principals and token hashes (see `rill token new`) when gateway.auth.enabled is true");
        }
    }

    /** @return authentication off. */
    public static AuthConfig off()
    {
        return new AuthConfig(false, null);
    }

    /** @return authentication on, with principals from {@code tokensFile}. */
    public static AuthConfig tokensFile(final Path tokensFile)
    {
        return new AuthConfig(true, tokensFile);
    }
}
