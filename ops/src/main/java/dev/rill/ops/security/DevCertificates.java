package dev.rill.ops.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes self-signed certificates for local use ({@code rill certs dev}): a server certificate and
 * key ({@value #SERVER_CERT}, {@value #SERVER_KEY}) naming localhost, 127.0.0.1, ::1 and any other
 * host asked for, and optionally a client pair ({@value #CLIENT_CERT}, {@value #CLIENT_KEY}) for
 * mutual TLS. No CA: each certificate is its own trust anchor, so a client trusts
 * {@value #SERVER_CERT} itself and the server trusts {@value #CLIENT_CERT} itself.
 *
 * <p>Keys are EC P-256, written as unencrypted PKCS#8 PEM readable by the owner only (where the
 * file system has POSIX permissions); certificates are valid from an hour ago for
 * {@link #VALIDITY}. Built with BouncyCastle's certificate builder (the JDK has no public API for
 * making certificates). Existing files are never overwritten. Stateless; any thread.
 */
public final class DevCertificates
{
    public static final String SERVER_CERT = "cert.pem";
    public static final String SERVER_KEY = "key.pem";
    public static final String CLIENT_CERT = "client-cert.pem";
    public static final String CLIENT_KEY = "client-key.pem";

    /** How long a dev certificate is valid. */
    public static final Duration VALIDITY = Duration.ofDays(365);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The files written.
     *
     * @param serverCert the server's certificate.
     * @param serverKey  its private key.
     * @param clientCert the client's certificate, or null.
     * @param clientKey  its private key, or null.
     * @param hosts      the names the server certificate is valid for.
     */
    public record Files(Path serverCert, Path serverKey, Path clientCert, Path clientKey, List<String> hosts)
    {
    }

    private DevCertificates()
    {
    }

    /**
     * @param dir        directory to write into (created if missing).
     * @param extraHosts host names or IP addresses the server certificate must name besides the loopback ones.
     * @param client     whether to write a client pair for mutual TLS too.
     * @return the files written.
     * @throws IOException when a file exists already or cannot be written.
     */
    public static Files write(final Path dir, final List<String> extraHosts, final boolean client) throws IOException
    {
        final Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        hosts.addAll(extraHosts);
        final Path serverCert = dir.resolve(SERVER_CERT);
        final Path serverKey = dir.resolve(SERVER_KEY);
        final Path clientCert = client ? dir.resolve(CLIENT_CERT) : null;
        final Path clientKey = client ? dir.resolve(CLIENT_KEY) : null;
        for (final Path p : new Path[] {serverCert, serverKey, clientCert, clientKey})
        {
            if (p != null && java.nio.file.Files.exists(p))
            {
                throw new FileAlreadyExistsException(p.toString(), null, "exists already; remove it or choose another --dir");
            }
        }
        java.nio.file.Files.createDirectories(dir);
        try
        {
            final KeyPair serverPair = keyPair();
            writePem(serverCert, certificate("rill dev server", serverPair, new ArrayList<>(hosts), KeyPurposeId.id_kp_serverAuth), false);
            writePem(serverKey, new JcaPKCS8Generator(serverPair.getPrivate(), null), true);
            if (client)
            {
                final KeyPair clientPair = keyPair();
                writePem(clientCert, certificate("rill dev client", clientPair, List.of(), KeyPurposeId.id_kp_clientAuth), false);
                writePem(clientKey, new JcaPKCS8Generator(clientPair.getPrivate(), null), true);
            }
        }
        catch (final GeneralSecurityException | OperatorCreationException e)
        {
            throw new IllegalStateException("this JVM cannot make an EC P-256 certificate: " + e, e);
        }
        return new Files(serverCert, serverKey, clientCert, clientKey, List.copyOf(hosts));
    }

    private static KeyPair keyPair() throws GeneralSecurityException
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(final String commonName, final KeyPair pair, final List<String> hosts,
        final KeyPurposeId purpose) throws GeneralSecurityException, OperatorCreationException, IOException
    {
        final X500Name subject = new X500Name("CN=" + commonName + ",O=Rill development only");
        final Instant now = Instant.now();
        final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        builder.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        if (!hosts.isEmpty())
        {
            final GeneralName[] names = new GeneralName[hosts.size()];
            for (int i = 0; i < names.length; i++)
            {
                final String h = hosts.get(i);
                names[i] = IPV4.matcher(h).matches() || h.indexOf(':') >= 0 ?
                    new GeneralName(GeneralName.iPAddress, InetAddress.getByName(h).getHostAddress()) :
                    new GeneralName(GeneralName.dNSName, h);
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static void writePem(final Path file, final Object object, final boolean secret) throws IOException
    {
        final StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text))
        {
            pem.writeObject(object);
        }
        if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix"))
        {
            java.nio.file.Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        java.nio.file.Files.writeString(file, text.toString(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    }
}
