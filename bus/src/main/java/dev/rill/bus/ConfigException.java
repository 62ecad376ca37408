package dev.rill.bus;

/**
 * A configuration value is invalid. The message names the key, the value and what is allowed,
 * so the operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message);
    }

    /**
     * @return a ConfigException worded "key: value 'v' is invalid: allowed".
     */
    public static ConfigException invalid(final String key, final Object value, final String allowed)
    {
        return new ConfigException(key + ": value '" + value + "' is invalid: " + allowed);
    }
}
