package dev.rill.gateway.client;

import java.nio.file.Path;

import dev.rill.gateway.tls.PemTls;
import dev.rill.gateway.tls.TlsProvider;
import io.netty.handler.ssl.SslContext;

/**
 * TLS settings of a client, from PEM files, for {@link ClientConfig#withTls(SslContext)}.
 *
 * <p>The server's certificate must lead to a certificate of the trust file and name the host the
 * client connects to (host name verification is on). For a server started with
 * {@code rill certs dev}, trust its {@code cert.pem} and connect to {@code localhost} or
 * {@code 127.0.0.1}. Reads the files and allocates a context on each call; call once and share
 * the context among connections.
 */
public final class ClientTls
{
    private ClientTls()
    {
    }

    /**
     * @param trustFile PEM certificates to trust (a CA, or the server's self-signed certificate);
     *                  null for the JDK's default trust store.
     * @return a context for server-authenticated TLS.
     * @throws IllegalArgumentException naming the file when it cannot be used.
     */
    public static SslContext trusting(final Path trustFile)
    {
        return PemTls.client(trustFile, null, null, TlsProvider.JDK);
    }

    /**
     * @param trustFile PEM certificates to trust; null for the JDK's defaults.
     * @param certFile  the client's PEM certificate chain (mutual TLS).
     * @param keyFile   the client's PEM private key.
     * @return a context that also presents a client certificate.
     * @throws IllegalArgumentException naming the file when one cannot be used.
     */
    public static SslContext mutual(final Path trustFile, final Path certFile, final Path keyFile)
    {
        return PemTls.client(trustFile, certFile, keyFile, TlsProvider.JDK);
    }

    /** As {@link #mutual}, with a chosen provider; {@code certFile} and {@code keyFile} may both be null. */
    public static SslContext of(final Path trustFile, final Path certFile, final Path keyFile, final TlsProvider provider)
    {
        return PemTls.client(trustFile, certFile, keyFile, provider);
    }
}
