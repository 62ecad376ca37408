package dev.rill.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Tokens and their stored form. A token is {@value #PREFIX} followed by 32 random bytes (256 bits,
 * from {@link SecureRandom}) in URL-safe base64; the server keeps only {@code sha256:<hex>} of
 * its UTF-8 bytes. A plain (unsalted, fast) hash is enough because the token is random and long:
 * there is no dictionary to try, and 2^256 guesses are out of reach.
 *
 * <p>Stateless; any thread. {@link #newToken()} and {@link #hash(String)} allocate.
 */
public final class TokenHash
{
    /** Every token starts with this, so a leaked one is easy to search for (secret scanners). */
    public static final String PREFIX = "rill_";

    /** Every stored hash starts with this. */
    public static final String HASH_PREFIX = "sha256:";

    private static final int TOKEN_BYTES = 32;
    private static final int DIGEST_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenHash()
    {
    }

    /** @return a new random token: show it once, store only {@link #hash(String)}. */
    public static String newToken()
    {
        final byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** @return {@code sha256:<64 hex digits>} of the token's UTF-8 bytes: the form the tokens file holds. */
    public static String hash(final String token)
    {
        return HASH_PREFIX + HexFormat.of().formatHex(digest(token));
    }

    /** @return the 32-byte SHA-256 of the token's UTF-8 bytes. */
    static byte[] digest(final String token)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("this JVM has no SHA-256", e); // every Java SE JVM has it
        }
    }

    /**
     * @param stored a hash as the tokens file holds it.
     * @return its 32 bytes.
     * @throws IllegalArgumentException saying what a hash looks like (never echoing the value: it may be a token pasted by mistake).
     */
    static byte[] parse(final String stored)
    {
        if (stored == null || !stored.startsWith(HASH_PREFIX) || stored.length() != HASH_PREFIX.length() + 2 * DIGEST_BYTES)
        {
            throw new IllegalArgumentException("a hash is 'sha256:' and 64 hex digits, as `rill token new` prints it" +
                (stored != null && stored.startsWith(PREFIX) ? " (this looks like a token itself: store its hash, never the token)" : ""));
        }
        try
        {
            return HexFormat.of().parseHex(stored, HASH_PREFIX.length(), stored.length());
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("a hash is 'sha256:' and 64 hex digits (0-9, a-f), as `rill token new` prints it");
        }
    }
}
