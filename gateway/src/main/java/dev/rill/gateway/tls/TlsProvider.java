package dev.rill.gateway.tls;

/**
 * Which TLS implementation a listener uses ({@code gateway.tls.provider}).
 *
 * <p>{@link #JDK} is the JDK's own {@code SSLEngine}: always there. {@link #OPENSSL} is BoringSSL
 * through netty-tcnative (the {@code netty-tcnative-boringssl-static} jar for this platform must be
 * on the class path). {@link #AUTO} takes OpenSSL when it loads and the JDK otherwise.
 */
public enum TlsProvider
{
    AUTO,
    JDK,
    OPENSSL
}
