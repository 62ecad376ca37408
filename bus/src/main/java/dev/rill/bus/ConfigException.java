package dev.rill.bus;

/**
 * A configuration value is invalid. The message names the key, the value and what is allowed,
 * so the operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(final String message)
    {
        this(null, message);
    }

    private ConfigException(final String key, final String message)
    {
        super(message);
        this.key = key;
    }

    /**
     * @return a ConfigException worded "key: value 'v' is invalid: allowed".
     */
    public static ConfigException invalid(final String key, final Object value, final String allowed)
    {
        return new ConfigException(key, key + ": value '" + value + "' is invalid: " + allowed);
    }

    /** @return the dotted key the message is about ("journal.diskReserve"), or null when not known. */
    public String key()
    {
        return key;
    }
}
