package dev.rill.gateway.tls;

import java.nio.file.Path;
import java.util.List;

import dev.rill.bus.ConfigException;

/**
 * TLS of one listener ({@code gateway.tls:} or {@code admin.tls:} in rill.yaml): the server's
 * certificate chain and private key as PEM files, and optionally the CA certificates that client
 * certificates must chain to (mutual TLS). A plain value: the files are read by {@link PemTls} when
 * the listener starts, never here.
 *
 * @param certFile     PEM file with the server's certificate chain, leaf first.
 * @param keyFile      PEM file with the server's private key (PKCS#8, unencrypted, or PKCS#1 RSA / SEC1 EC).
 * @param clientCaFile PEM file of CA certificates (or self-signed client certificates) trusted to
 *                     identify clients; when set, every client must present a certificate that
 *                     chains to one of them (mutual TLS); null for server-only TLS.
 * @param protocols    TLS versions offered, newest first; default {@code TLSv1.3, TLSv1.2}.
 * @param ciphers      cipher suites offered (names as the JDK spells them), or empty for the provider's
 *                     defaults for those versions.
 * @param provider     TLS implementation; {@link TlsProvider#AUTO} unless set: BoringSSL when netty-tcnative
 *                     loads (it is in rill.jar for linux-x86_64), else the JDK's (perf/README.md, "TLS").
 */
public record TlsConfig(Path certFile, Path keyFile, Path clientCaFile, List<String> protocols, List<String> ciphers,
    TlsProvider provider)
{
    /** TLS versions offered unless {@code protocols} says otherwise. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsConfig
    {
        if (certFile == null)
        {
            throw ConfigException.invalid("tls.certFile", null, "the PEM file of the server's certificate chain " +
                "(make a pair for local use with `rill certs dev`)");
        }
        if (keyFile == null)
        {
            throw ConfigException.invalid("tls.keyFile", null, "the PEM file of the server's private key");
        }
        protocols = protocols == null || protocols.isEmpty() ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        for (final String p : protocols)
        {
            if (!KNOWN_PROTOCOLS.contains(p))
            {
                throw ConfigException.invalid("tls.protocols", p, "TLSv1.3 and/or TLSv1.2 (older versions are not offered)");
            }
        }
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
        provider = provider == null ? TlsProvider.AUTO : provider;
    }

    /** @return server-only TLS with the default versions, ciphers and provider. */
    public static TlsConfig of(final Path certFile, final Path keyFile)
    {
        return new TlsConfig(certFile, keyFile, null, null, null, null);
    }

    /** @return this configuration requiring client certificates that chain to {@code clientCaFile}. */
    public TlsConfig withClientCa(final Path clientCaFile)
    {
        return new TlsConfig(certFile, keyFile, clientCaFile, protocols, ciphers, provider);
    }

    public TlsConfig withProvider(final TlsProvider provider)
    {
        return new TlsConfig(certFile, keyFile, clientCaFile, protocols, ciphers, provider);
    }

    /** @return whether clients must present a certificate. */
    public boolean mutual()
    {
        return clientCaFile != null;
    }
}
