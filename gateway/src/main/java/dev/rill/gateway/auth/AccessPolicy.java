package dev.rill.gateway.auth;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The principals the gateway knows and the hashes of their tokens: one snapshot of the tokens
 * file. Several hashes per principal let an old and a new token work side by side while clients
 * move to the new one (rotation).
 *
 * <p>Immutable; any thread. {@link #authenticate(String)} hashes the presented token once
 * (SHA-256) and compares it with every stored hash in constant time ({@link MessageDigest#isEqual}),
 * without stopping at the first match, so neither the time taken nor an early exit says which
 * entry was close. Allocates the digest (once per Hello).
 */
public final class AccessPolicy
{
    /**
     * One principal and the hashes of its tokens, as the tokens file lists it.
     *
     * @param principal who and what it may do.
     * @param hashes    {@code sha256:<hex>} of each token of the principal (see {@link TokenHash}).
     */
    public record Grant(Principal principal, List<String> hashes)
    {
        public Grant
        {
            Objects.requireNonNull(principal, "principal");
            hashes = hashes == null ? List.of() : List.copyOf(hashes);
        }
    }

    private final byte[][] hashes;
    private final Principal[] owners;
    private final int principals;

    private AccessPolicy(final byte[][] hashes, final Principal[] owners, final int principals)
    {
        this.hashes = hashes;
        this.owners = owners;
        this.principals = principals;
    }

    /**
     * @return a policy of these grants.
     * @throws IllegalArgumentException naming the principal when a hash is malformed, a name is
     *         given twice, or one hash belongs to two principals (never quoting a hash).
     */
    public static AccessPolicy of(final List<Grant> grants)
    {
        final List<byte[]> hashes = new ArrayList<>();
        final List<Principal> owners = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (final Grant g : grants)
        {
            final String name = g.principal().name();
            if (names.contains(name))
            {
                throw new IllegalArgumentException("principal '" + name + "' is listed twice; list each principal once with all its hashes");
            }
            names.add(name);
            for (int i = 0; i < g.hashes().size(); i++)
            {
                final byte[] hash;
                try
                {
                    hash = TokenHash.parse(g.hashes().get(i));
                }
                catch (final IllegalArgumentException e)
                {
                    throw new IllegalArgumentException("principal '" + name + "', hashes[" + i + "]: " + e.getMessage());
                }
                for (int j = 0; j < hashes.size(); j++)
                {
                    if (MessageDigest.isEqual(hashes.get(j), hash))
                    {
                        throw new IllegalArgumentException("principal '" + name + "', hashes[" + i + "]: the same hash is listed for '" +
                            owners.get(j).name() + "'; each token belongs to one principal");
                    }
                }
                hashes.add(hash);
                owners.add(g.principal());
            }
        }
        return new AccessPolicy(hashes.toArray(new byte[0][]), owners.toArray(new Principal[0]), names.size());
    }

    /** @return a policy that knows nobody: every token is refused. */
    public static AccessPolicy empty()
    {
        return new AccessPolicy(new byte[0][], new Principal[0], 0);
    }

    /**
     * @param token the token as presented (Hello token, admin bearer token); may be null or empty.
     * @return the principal whose hash matches, or null when none does.
     */
    public Principal authenticate(final String token)
    {
        if (token == null || token.isEmpty())
        {
            return null;
        }
        final byte[] digest = TokenHash.digest(token);
        Principal found = null;
        for (int i = 0; i < hashes.length; i++)
        {
            if (MessageDigest.isEqual(hashes[i], digest) && found == null)
            {
                found = owners[i];
            }
        }
        return found;
    }

    /** @return how many principals the policy names. */
    public int principals()
    {
        return principals;
    }

    /** @return how many token hashes it holds. */
    public int tokens()
    {
        return hashes.length;
    }
}
