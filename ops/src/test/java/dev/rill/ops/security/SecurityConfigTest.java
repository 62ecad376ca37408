package dev.rill.ops.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.rill.bus.ConfigException;
import dev.rill.gateway.GatewayConfig;
import dev.rill.gateway.GatewaySecurity;
import dev.rill.gateway.auth.AccessPolicy;
import dev.rill.gateway.auth.AuthConfig;
import dev.rill.gateway.auth.Principal;
import dev.rill.gateway.auth.TokenHash;
import dev.rill.gateway.tls.PemTls;
import dev.rill.gateway.tls.TlsConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.cli.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security configuration: YAML keys, bad PEM files and tokens files refused at start with the key
 * named, the listen-address rule, and the {@code rill certs dev} / {@code rill token new} commands.
 */
class SecurityConfigTest
{
    @TempDir
    Path dir;

    @Test
    void yamlNamesTlsAuthAndAdminTlsFilesRelativeToTheConfigurationFile()
    {
        final RillConfig config = RillConfig.parse("""
            gateway:
              host: 0.0.0.0
              tls: {certFile: certs/cert.pem, keyFile: certs/key.pem, clientCaFile: certs/client-cert.pem}
              auth: {tokensFile: tokens.yaml}
            admin:
              tls: {certFile: certs/cert.pem, keyFile: certs/key.pem, protocols: [TLSv1.3]}
            """, "rill.yaml", dir);
        final GatewaySecurity s = config.gateway().security();
        assertEquals(dir.resolve("certs/cert.pem"), s.tls().certFile());
        assertEquals(dir.resolve("certs/client-cert.pem"), s.tls().clientCaFile());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), s.tls().protocols());
        assertTrue(s.auth().enabled(), "an auth section with a tokens file is on");
        assertEquals(dir.resolve("tokens.yaml"), s.auth().tokensFile());
        assertEquals(List.of("TLSv1.3"), config.admin().tls().protocols());
    }

    @Test
    void nonLoopbackHostWithoutTlsAndAuthIsRefusedUnlessAllowInsecure()
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> RillConfig.parse("gateway: {host: 0.0.0.0}\n", "rill.yaml", dir));
        assertTrue(e.getMessage().startsWith("rill.yaml: gateway.host: value '0.0.0.0' is invalid") || e.getMessage().contains("gateway.host"),
            e.getMessage());
        assertTrue(e.getMessage().contains("gateway.allowInsecure"), e.getMessage());
        final TlsConfig tls = TlsConfig.of(dir.resolve("c"), dir.resolve("k"));
        final ConfigException authOnly = assertThrows(ConfigException.class, () -> new GatewayConfig("10.0.0.1", 0, 1, 4096, 16, "rill", null, null, 0,
            new GatewaySecurity(null, AuthConfig.tokensFile(dir), false), null));
        assertTrue(authOnly.getMessage().contains("TLS is off, authentication on"), authOnly.getMessage());
        assertEquals("10.0.0.1", new GatewayConfig("10.0.0.1", 0, 1, 4096, 16, "rill", null, null, 0,
            new GatewaySecurity(tls, AuthConfig.tokensFile(dir), false), null).host(), "TLS and authentication together may listen anywhere");
        assertEquals("0.0.0.0", RillConfig.parse("gateway: {host: 0.0.0.0, allowInsecure: true}\n", "rill.yaml", dir).gateway().host());
        assertEquals("::1", RillConfig.parse("gateway: {host: '::1'}\n", "rill.yaml", dir).gateway().host(), "loopback needs nothing");
    }

    @Test
    void missingUnreadableAndMismatchedPemFilesStopTheStartWithTheKeyNamed() throws Exception
    {
        final DevCertificates.Files certs = DevCertificates.write(dir.resolve("certs"), List.of(), true);
        final Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n");

        assertRefused(TlsConfig.of(dir.resolve("nope.pem"), certs.serverKey()), "gateway.tls.certFile", "does not exist");
        assertRefused(TlsConfig.of(certs.serverCert(), garbage), "gateway.tls.keyFile", "could not be read");
        assertRefused(TlsConfig.of(garbage, certs.serverKey()), "gateway.tls.certFile", "could not be read");
        assertRefused(TlsConfig.of(certs.serverCert(), certs.clientKey()), "gateway.tls.keyFile", "belongs to another certificate");
        assertRefused(TlsConfig.of(certs.serverCert(), certs.serverKey()).withClientCa(dir.resolve("ca.pem")), "gateway.tls.clientCaFile",
            "does not exist");
        assertNotNull(PemTls.server(TlsConfig.of(certs.serverCert(), certs.serverKey()), "gateway.tls"), "the matching pair is accepted");
    }

    @Test
    void configValidateReadsThePemFilesAndTheTokensFile() throws Exception
    {
        final DevCertificates.Files certs = DevCertificates.write(dir.resolve("certs"), List.of(), true);
        final Path tokens = Files.writeString(dir.resolve("tokens.yaml"), "principals:\n" +
            TokensFile.entry("svc", TokenHash.hash(TokenHash.newToken()), List.of("payments"), List.of(), false));
        final Path good = Files.writeString(dir.resolve("good.yaml"),
            "gateway:\n  tls: {certFile: certs/cert.pem, keyFile: certs/key.pem}\n  auth: {tokensFile: tokens.yaml}\n");
        final CommandRun ok = CommandRun.of("config", "validate", good.toString());
        assertEquals(0, ok.status(), ok.err());
        final Path bad = Files.writeString(dir.resolve("bad.yaml"),
            "gateway:\n  tls: {certFile: certs/cert.pem, keyFile: certs/client-key.pem}\n");
        final CommandRun refused = CommandRun.of("config", "validate", bad.toString());
        assertEquals(20, refused.status());
        assertTrue(refused.err().contains("gateway.tls.keyFile") && refused.err().contains("belongs to another certificate"), refused.err());
        assertFalse(refused.err().contains("\tat "), "one line, no stack trace: " + refused.err());
        assertTrue(Files.exists(tokens));
    }

    @Test
    void serverRefusesToStartOnABadKeyOrTokensFileWithAConfigException() throws Exception
    {
        final DevCertificates.Files certs = DevCertificates.write(dir.resolve("certs"), List.of(), true);
        final RillConfig defaults = RillConfig.defaults(dir.resolve("data"));
        final RillConfig badKey = defaults.withGateway(defaults.gateway().withPort(0).withSecurity(
            GatewaySecurity.none().withTls(TlsConfig.of(certs.serverCert(), certs.clientKey()))));
        final ConfigException key = assertThrows(ConfigException.class, () -> RillServer.start(badKey).close());
        assertTrue(key.getMessage().startsWith("gateway.tls.keyFile"), key.getMessage());

        final Path tokens = Files.writeString(dir.resolve("tokens.yaml"), "principals:\n  - name: x\n    hashes: [" +
            TokenHash.newToken() + "]\n");
        final RillConfig badTokens = defaults.withGateway(defaults.gateway().withPort(0).withSecurity(
            GatewaySecurity.none().withAuth(AuthConfig.tokensFile(tokens))));
        final ConfigException t = assertThrows(ConfigException.class, () -> RillServer.start(badTokens).close());
        assertTrue(t.getMessage().startsWith("gateway.auth.tokensFile") && t.getMessage().contains("store its hash, never the token"),
            t.getMessage());
        assertFalse(t.getMessage().contains("rill_"), "the pasted token is not echoed: " + t.getMessage());
    }

    @Test
    void tokensFileGrantsByHashWithWildcardsAndRefusesDuplicates()
    {
        final String a = TokenHash.newToken();
        final String b = TokenHash.newToken();
        final AccessPolicy policy = TokensFile.parse(("principals:\n" +
            TokensFile.entry("svc", TokenHash.hash(a), List.of("payments"), List.of("*"), false) +
            TokensFile.entry("ops", TokenHash.hash(b), List.of(), List.of(), true)).getBytes(), "t.yaml");
        final Principal svc = policy.authenticate(a);
        assertEquals("svc", svc.name());
        assertTrue(svc.produce().allows("payments") && !svc.produce().allows("payment_labels") && !svc.produce().allows(""));
        assertTrue(svc.subscribe().allows("") && svc.subscribe().allows("anything"), "* allows every topic and all topics at once");
        assertTrue(policy.authenticate(b).admin());
        assertNull(policy.authenticate(a + "x"));
        assertNull(policy.authenticate(""));
        final IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> TokensFile.parse(("principals:\n" +
            TokensFile.entry("one", TokenHash.hash(a), List.of(), List.of(), false) +
            TokensFile.entry("two", TokenHash.hash(a), List.of(), List.of(), false)).getBytes(), "t.yaml"));
        assertTrue(dup.getMessage().contains("'two'") && dup.getMessage().contains("'one'"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokensFile.parse("".getBytes(), "t.yaml"), "an empty file is refused");
    }

    @Test
    void certsDevWritesAPairAndPrintsTheConfigLinesAndTokenNewPrintsTheSecretOnceAndItsHashedEntry() throws Exception
    {
        final Path certsDir = dir.resolve("c");
        final CommandRun certs = CommandRun.of("certs", "dev", "--dir", certsDir.toString(), "--host", "rill.example,10.1.2.3", "--client");
        assertEquals(0, certs.status(), certs.err());
        assertTrue(certs.out().contains("certFile: " + certsDir.resolve("cert.pem").toAbsolutePath()), certs.out());
        assertTrue(certs.out().contains("rill.example, 10.1.2.3"), certs.out());
        for (final String f : List.of("cert.pem", "key.pem", "client-cert.pem", "client-key.pem"))
        {
            assertTrue(Files.size(certsDir.resolve(f)) > 0, f);
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(certsDir.resolve("key.pem"))));
        assertNotNull(PemTls.server(TlsConfig.of(certsDir.resolve("cert.pem"), certsDir.resolve("key.pem"))
            .withClientCa(certsDir.resolve("client-cert.pem")), "gateway.tls"));
        final CommandRun again = CommandRun.of("certs", "dev", "--dir", certsDir.toString());
        assertEquals(64, again.status(), "existing files are never overwritten");

        final CommandRun token = CommandRun.of("token", "new", "--principal", "checkout", "--produce", "payments", "--subscribe", "*");
        assertEquals(0, token.status(), token.err());
        final String secret = token.out().lines().findFirst().orElseThrow();
        assertTrue(secret.startsWith("rill_") && secret.length() > 40, secret);
        assertEquals(1, token.out().split(java.util.regex.Pattern.quote(secret), -1).length - 1, "the token is printed exactly once");
        final String entry = "principals:\n" + token.out().lines().filter(l -> !l.startsWith("#") && !l.equals(secret))
            .reduce("", (x, y) -> x + y + "\n");
        final Principal p = TokensFile.parse(entry.getBytes(), "printed").authenticate(secret);
        assertEquals("checkout", p.name(), "the printed entry, pasted into a tokens file, accepts the printed token");
        assertTrue(p.produce().allows("payments") && p.subscribe().allowsAll() && !p.admin());
    }

    private static void assertRefused(final TlsConfig tls, final String key, final String what)
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> PemTls.server(tls, "gateway.tls"));
        assertTrue(e.getMessage().startsWith(key) && e.getMessage().contains(what), e.getMessage());
        assertFalse(e.getMessage().contains("\tat "), "no stack trace in the message");
    }
}
