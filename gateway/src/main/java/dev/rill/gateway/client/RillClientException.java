package dev.rill.gateway.client;

import dev.rill.bus.ErrorCode;

/** The server refused the client (Error or Nack frame), or the connection failed. */
public final class RillClientException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    public RillClientException(final ErrorCode code, final String message)
    {
        super(code == null ? message : code + " (" + code.code() + "): " + message);
        this.code = code;
    }

    public RillClientException(final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = null;
    }

    /** @return the server's error code, or null for a local failure (connect, timeout). */
    public ErrorCode code()
    {
        return code;
    }
}
