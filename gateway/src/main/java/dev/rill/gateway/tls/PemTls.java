package dev.rill.gateway.tls;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;

import javax.net.ssl.SSLContext;

import dev.rill.bus.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Builds TLS contexts from PEM files: Netty {@link SslContext}s for the TCP gateway and the Java
 * client, and a JDK {@link SSLContext} for the HTTP listener ({@code com.sun.net.httpserver}).
 *
 * <p>Everything wrong with the files is found here, when a listener starts, and reported as a
 * {@link ConfigException} naming the key ({@code gateway.tls.keyFile}, ...) and what to do: a
 * missing or unreadable file, a file without a PEM certificate or key, a key that does not belong
 * to the certificate (checked by signing with the key and verifying with the certificate), a
 * certificate that has expired or is not valid yet, a provider that is not available. Never a
 * stack trace, and never the key's bytes in a message.
 *
 * <p>Stateless; any thread. Reads the files and allocates the context each call (once per start).
 */
public final class PemTls
{
    private PemTls()
    {
    }

    /**
     * @param config the listener's TLS settings.
     * @param key    the configuration key of the section, such as {@code gateway.tls}, for messages.
     * @return a server context: the certificate chain and key of {@code config}, client certificates
     *         required and checked against {@code clientCaFile} when set.
     */
    public static SslContext server(final TlsConfig config, final String key)
    {
        final X509Certificate[] chain = certificates(config.certFile(), key + ".certFile");
        requireValid(chain[0], key + ".certFile", config.certFile());
        final PrivateKey privateKey = matchingKey(privateKey(config.keyFile(), key + ".keyFile"), chain[0], key, config);
        final SslContextBuilder builder = SslContextBuilder.forServer(privateKey, chain)
            .sslProvider(provider(config.provider(), key + ".provider"))
            .protocols(config.protocols());
        if (!config.ciphers().isEmpty())
        {
            builder.ciphers(config.ciphers());
        }
        if (config.mutual())
        {
            builder.trustManager(certificates(config.clientCaFile(), key + ".clientCaFile")).clientAuth(ClientAuth.REQUIRE);
        }
        return build(builder, key);
    }

    /**
     * @return a JDK context for the same certificate and key (an HTTPS listener); client
     *         authentication and protocols are applied by the listener from {@code config}.
     */
    public static SSLContext jdkServer(final TlsConfig config, final String key)
    {
        final SslContext netty = server(config.withProvider(TlsProvider.JDK), key);
        return ((JdkSslContext)netty).context();
    }

    /**
     * A client context (the Java client, the load generator, tests).
     *
     * @param trustFile PEM certificates the server's chain must lead to (a CA, or the server's own
     *                  self-signed certificate); null for the JDK's default trust store.
     * @param certFile  the client's certificate chain for mutual TLS, or null.
     * @param keyFile   the client's private key for mutual TLS, or null.
     * @param provider  TLS implementation.
     * @throws IllegalArgumentException naming the file when one cannot be used.
     */
    public static SslContext client(final Path trustFile, final Path certFile, final Path keyFile, final TlsProvider provider)
    {
        try
        {
            final SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider(provider, "provider"))
                .protocols(TlsConfig.DEFAULT_PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS"); // the server's certificate must name the host connected to
            if (trustFile != null)
            {
                builder.trustManager(certificates(trustFile, "trust file"));
            }
            if ((certFile == null) != (keyFile == null))
            {
                throw new IllegalArgumentException("a client certificate needs both its certificate and its key file");
            }
            if (certFile != null)
            {
                final X509Certificate[] chain = certificates(certFile, "client certificate");
                final PrivateKey key = privateKey(keyFile, "client key");
                builder.keyManager(key, chain);
            }
            return build(builder, "client tls");
        }
        catch (final ConfigException e)
        {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** @return whether BoringSSL through netty-tcnative loads on this machine. */
    public static boolean openSslAvailable()
    {
        return OpenSsl.isAvailable();
    }

    private static SslProvider provider(final TlsProvider provider, final String key)
    {
        switch (provider)
        {
            case JDK:
                return SslProvider.JDK;
            case OPENSSL:
                if (!OpenSsl.isAvailable())
                {
                    throw ConfigException.invalid(key, "OPENSSL", "JDK or AUTO: OpenSSL does not load here (" +
                        OpenSsl.unavailabilityCause() + "); put netty-tcnative-boringssl-static for this platform on the class path");
                }
                return SslProvider.OPENSSL;
            default:
                return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        }
    }

    private static SslContext build(final SslContextBuilder builder, final String key)
    {
        try
        {
            return builder.build();
        }
        catch (final javax.net.ssl.SSLException | IllegalArgumentException e)
        {
            throw new ConfigException(key + ": the TLS settings cannot be used: " + e.getMessage() +
                "; check protocols and ciphers (or leave them out for the defaults)");
        }
    }

    private static X509Certificate[] certificates(final Path file, final String key)
    {
        requireReadable(file, key);
        try
        {
            final X509Certificate[] certificates = PemFiles.certificates(file.toFile());
            if (certificates.length == 0)
            {
                throw new IllegalArgumentException("no certificate in it");
            }
            return certificates;
        }
        catch (final RuntimeException | GeneralSecurityException e)
        {
            throw ConfigException.invalid(key, file, "a PEM file of X.509 certificates (-----BEGIN CERTIFICATE-----); " +
                "it could not be read as one (" + e.getClass().getSimpleName() + "); make a pair for local use with `rill certs dev`");
        }
    }

    private static PrivateKey privateKey(final Path file, final String key)
    {
        requireReadable(file, key);
        try
        {
            return PemFiles.privateKey(file.toFile());
        }
        catch (final RuntimeException | GeneralSecurityException | java.io.IOException e)
        {
            // The exception's message is not shown: a parser may quote the file's content.
            throw ConfigException.invalid(key, file, "a PEM file of an unencrypted private key (-----BEGIN PRIVATE KEY-----, " +
                "PKCS#8); it could not be read as one (" + e.getClass().getSimpleName() + "); convert it with " +
                "`openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`");
        }
    }

    private static void requireReadable(final Path file, final String key)
    {
        if (!Files.isRegularFile(file))
        {
            throw ConfigException.invalid(key, file, "an existing PEM file; " + file.toAbsolutePath() + " does not exist or is not a file");
        }
        if (!Files.isReadable(file))
        {
            throw ConfigException.invalid(key, file, "a PEM file this user can read; check its owner and permissions");
        }
    }

    private static void requireValid(final X509Certificate certificate, final String key, final Path file)
    {
        try
        {
            certificate.checkValidity();
        }
        catch (final CertificateExpiredException e)
        {
            throw ConfigException.invalid(key, file, "a certificate that has not expired; it expired on " +
                certificate.getNotAfter().toInstant() + ": renew it");
        }
        catch (final CertificateNotYetValidException e)
        {
            throw ConfigException.invalid(key, file, "a certificate valid now; it is valid from " +
                certificate.getNotBefore().toInstant() + ": check this machine's clock");
        }
    }

    /**
     * Re-reads the key as the certificate's algorithm in the JDK's own provider (a PEM reader may
     * hand out a BouncyCastle key object), signs a random challenge with it and verifies the
     * signature with the certificate's public key.
     *
     * @return the key as a JDK key object.
     */
    private static PrivateKey matchingKey(final PrivateKey key, final X509Certificate certificate, final String section,
        final TlsConfig config)
    {
        final String keyAlgorithm = certificate.getPublicKey().getAlgorithm();
        final String algorithm = signatureAlgorithm(keyAlgorithm);
        if (algorithm == null)
        {
            return key; // an algorithm we cannot test here: the handshake will tell
        }
        PrivateKey jdkKey = null;
        boolean matches;
        try
        {
            jdkKey = KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            final byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(jdkKey);
            signer.update(challenge);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        }
        catch (final GeneralSecurityException | RuntimeException e)
        {
            matches = false; // e.g. an EC key beside an RSA certificate
        }
        if (!matches)
        {
            throw ConfigException.invalid(section + ".keyFile", config.keyFile(), "the private key of the certificate in " +
                section + ".certFile (" + config.certFile() + "), whose subject is " +
                certificate.getSubjectX500Principal().getName() + "; this key belongs to another certificate: " +
                "name the matching pair");
        }
        return jdkKey;
    }

    private static String signatureAlgorithm(final String keyAlgorithm)
    {
        switch (keyAlgorithm)
        {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            case "Ed25519":
                return "Ed25519";
            default:
                return null;
        }
    }

    /** Netty's own PEM readers (protected in {@link SslContext}): the files are read as Netty would read them. */
    private abstract static class PemFiles extends SslContext
    {
        static X509Certificate[] certificates(final File file) throws java.security.cert.CertificateException
        {
            return toX509Certificates(file);
        }

        static PrivateKey privateKey(final File file) throws GeneralSecurityException, java.io.IOException
        {
            return toPrivateKey(file, null);
        }
    }
}
