package dev.rill.ops.security;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import dev.rill.bus.ErrorCode;
import dev.rill.bus.codec.StartPosition;
import dev.rill.gateway.GatewaySecurity;
import dev.rill.gateway.auth.AuthConfig;
import dev.rill.gateway.auth.TokenHash;
import dev.rill.gateway.client.AckListener;
import dev.rill.gateway.client.ClientConfig;
import dev.rill.gateway.client.ClientTls;
import dev.rill.gateway.client.RillClientException;
import dev.rill.gateway.client.RillProducer;
import dev.rill.gateway.client.RillSubscriber;
import dev.rill.gateway.tls.TlsConfig;
import dev.rill.gateway.tls.TlsProvider;
import dev.rill.ml.FraudFeatures;
import dev.rill.ops.ModelConfig;
import dev.rill.ops.RillConfig;
import dev.rill.ops.RillServer;
import dev.rill.ops.cli.CommandRun;
import io.netty.handler.ssl.JdkSslContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS, mutual TLS, Hello tokens, ACLs and token rotation over real loopback connections to a real
 * server, with certificates made by the code of {@code rill certs dev}.
 */
class GatewaySecurityTest
{
    static final Path MODEL = Path.of("..", "models", "fraud", "1");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    DevCertificates.Files certs;
    Path tokensFile;
    final String writerToken = TokenHash.newToken();
    final String readerToken = TokenHash.newToken();
    final String adminToken = TokenHash.newToken();

    @BeforeEach
    void certificatesAndTokens() throws Exception
    {
        certs = DevCertificates.write(dir.resolve("certs"), List.of(), true);
        tokensFile = dir.resolve("tokens.yaml");
        writeTokens(List.of(writerToken), List.of(readerToken));
    }

    @Test
    void producesAndSubscribesOverTlsWithTheDevCertificate() throws Exception
    {
        try (RillServer server = RillServer.start(config(tls(), AuthConfig.off())))
        {
            final ClientConfig client = client(server).withTls(ClientTls.trusting(certs.serverCert()));
            final BlockingQueue<Long> results = new LinkedBlockingQueue<>();
            try (RillSubscriber subscriber = RillSubscriber.subscribe(client, "payments", StartPosition.EARLIEST, 0,
                r -> results.add(r.seq()));
                RillProducer producer = RillProducer.connect(client.withProducer(7, 1), new Acks()))
            {
                for (int i = 0; i < 50; i++)
                {
                    producer.send("payments", i, System.currentTimeMillis() * 1_000_000L, payment());
                }
                assertTrue(producer.awaitAllAcknowledged(WAIT), "every event sent over TLS is acknowledged");
                for (long seq = 1; seq <= 50; seq++)
                {
                    assertEquals(seq, results.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "results stream over TLS in order");
                }
            }
            assertEquals(0, server.gateway().tlsHandshakeFailures());
        }
    }

    @Test
    void plaintextClientAgainstTheTlsPortFailsCleanlyAndTheServerCarriesOn() throws Exception
    {
        try (RillServer server = RillServer.start(config(tls(), AuthConfig.off())))
        {
            final ClientConfig plain = client(server).withReconnect(false, null);
            assertThrows(RillClientException.class, () -> RillProducer.connect(plain.withProducer(1, 1), new Acks()).close());
            waitUntil(() -> server.gateway().tlsHandshakeFailures() == 1, "the failed handshake is counted");

            try (RillProducer producer = RillProducer.connect(plain.withTls(ClientTls.trusting(certs.serverCert())).withProducer(2, 1),
                new Acks()))
            {
                producer.send("payments", 1, System.currentTimeMillis() * 1_000_000L, payment());
                assertTrue(producer.awaitAllAcknowledged(WAIT), "a TLS client right after is served");
            }
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutCertificateAndServesOneWithTheRightCertificate() throws Exception
    {
        // The JDK provider here; the other tests run the default (AUTO: BoringSSL where it loads).
        try (RillServer server = RillServer.start(config(tls().withClientCa(certs.clientCert()).withProvider(TlsProvider.JDK),
            AuthConfig.off())))
        {
            final ClientConfig base = client(server).withReconnect(false, null).withProducer(3, 1);
            final RillClientException refused = assertThrows(RillClientException.class, () ->
                RillProducer.connect(base.withTls(ClientTls.trusting(certs.serverCert())), new Acks()).close());
            assertTrue(refused.code() == null || refused.code() == ErrorCode.SERVER_SHUTTING_DOWN, refused.getMessage());
            waitUntil(() -> server.gateway().tlsHandshakeFailures() >= 1, "the refused handshake is counted");

            try (RillProducer producer = RillProducer.connect(
                base.withTls(ClientTls.mutual(certs.serverCert(), certs.clientCert(), certs.clientKey())), new Acks()))
            {
                producer.send("payments", 1, System.currentTimeMillis() * 1_000_000L, payment());
                assertTrue(producer.awaitAllAcknowledged(WAIT), "the client with the right certificate is served");
            }
        }
    }

    @Test
    void wrongTokenGetsAuthenticationFailedAndIsClosedAndCountedAndNeverLogged() throws Exception
    {
        final String wrong = TokenHash.newToken();
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream originalErr = System.err;
        try (RillServer server = RillServer.start(config(tls(), AuthConfig.tokensFile(tokensFile))))
        {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            final ClientConfig client = client(server).withReconnect(false, null).withTls(ClientTls.trusting(certs.serverCert()));
            final RillClientException e = assertThrows(RillClientException.class, () ->
                RillProducer.connect(client.withProducer(4, 1).withToken(wrong), new Acks()).close());
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code(), e.getMessage());
            final RillClientException none = assertThrows(RillClientException.class, () ->
                RillSubscriber.subscribe(client, "payments", StartPosition.LATEST, 0, r -> { }).close());
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, none.code(), "no token at all is refused too");
            assertEquals(2, server.gateway().refusedCount(ErrorCode.AUTHENTICATION_FAILED));
            assertFalse(e.getMessage().contains(wrong), "the refusal does not echo the token");

            try (RillProducer producer = RillProducer.connect(client.withProducer(5, 1).withToken(writerToken), new Acks()))
            {
                producer.send("payments", 1, System.currentTimeMillis() * 1_000_000L, payment());
                assertTrue(producer.awaitAllAcknowledged(WAIT), "the right token is served beside the refused ones");
            }
        }
        finally
        {
            System.setErr(originalErr);
        }
        final String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("refused a Hello"), "the refusal is logged: " + log);
        assertFalse(log.contains(wrong) || log.contains(wrong.substring(5, 20)), "no token, or part of one, in the log");
        assertFalse(log.contains(writerToken.substring(5, 20)), "the good token is not logged either");
    }

    @Test
    void tokenAllowedOnlyToSubscribeToPaymentsGetsNotAuthorizedWithItsSeqWhenProducingWhileItsSubscriptionWorks() throws Exception
    {
        try (RillServer server = RillServer.start(config(tls(), AuthConfig.tokensFile(tokensFile))))
        {
            final ClientConfig client = client(server).withTls(ClientTls.trusting(certs.serverCert()));
            final BlockingQueue<Long> results = new LinkedBlockingQueue<>();
            try (RillSubscriber subscriber = RillSubscriber.subscribe(client.withToken(readerToken), "payments", StartPosition.EARLIEST,
                0, r -> results.add(r.seq())))
            {
                final Acks readerAcks = new Acks();
                try (RillProducer asReader = RillProducer.connect(client.withProducer(8, 1).withToken(readerToken).withReconnect(false, null),
                    readerAcks))
                {
                    final long seq = asReader.send("payments", 1, System.currentTimeMillis() * 1_000_000L, payment());
                    final String nack = readerAcks.nacks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertEquals(seq + " " + ErrorCode.NOT_AUTHORIZED, nack.substring(0, nack.indexOf(':')),
                        "the event is refused with its seq and NOT_AUTHORIZED");
                    assertTrue(nack.contains("payments-reader") && nack.contains("payments"), nack);
                }
                final RillClientException all = assertThrows(RillClientException.class, () ->
                    RillSubscriber.subscribe(client.withToken(readerToken), "", StartPosition.LATEST, 0, r -> { }).close());
                assertEquals(ErrorCode.NOT_AUTHORIZED, all.code(), "subscribing to all topics needs '*'");
                final RillClientException labels = assertThrows(RillClientException.class, () ->
                    RillSubscriber.subscribe(client.withToken(readerToken), "payment_labels", StartPosition.LATEST, 0, r -> { }).close());
                assertEquals(ErrorCode.NOT_AUTHORIZED, labels.code(), "another topic is refused");

                try (RillProducer writer = RillProducer.connect(client.withProducer(9, 1).withToken(writerToken), new Acks()))
                {
                    writer.send("payments", 1, System.currentTimeMillis() * 1_000_000L, payment());
                    assertTrue(writer.awaitAllAcknowledged(WAIT));
                }
                assertEquals(1L, results.poll(WAIT.toSeconds(), TimeUnit.SECONDS), "the reader's subscription receives the writer's event");
            }
            assertEquals(3, server.gateway().refusedCount(ErrorCode.NOT_AUTHORIZED));
            assertEquals(3L, server.gateway().refusedByPrincipal().get("payments-reader"), "refusals are counted per principal");
        }
    }

    @Test
    void rotationAddsANewTokenWithoutRestartAndRemovingTheOldOneRefusesItAtItsNextHello() throws Exception
    {
        final String next = TokenHash.newToken();
        try (RillServer server = RillServer.start(config(tls(), AuthConfig.tokensFile(tokensFile))))
        {
            final ClientConfig client = client(server).withTls(ClientTls.trusting(certs.serverCert())).withReconnect(false, null);
            assertTrue(sends(client.withToken(writerToken)), "the old token works");
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, refusal(client.withToken(next)), "the new one is not known yet");

            writeTokens(List.of(writerToken, next), List.of(readerToken));
            waitUntil(() -> server.tokens().reloads() == 1, "the changed file is reloaded");
            assertTrue(sends(client.withToken(next)), "the new token works without a restart");
            assertTrue(sends(client.withToken(writerToken)), "the old one still works while both are listed");

            Files.writeString(tokensFile, "principals: [ {name: broken, hashes: [not-a-hash]} ]\n");
            waitUntil(() -> server.tokens().reloadFailures() == 1, "the invalid file is refused");
            assertTrue(sends(client.withToken(writerToken)), "an invalid file keeps the previous policy");

            writeTokens(List.of(next), List.of(readerToken));
            waitUntil(() -> server.tokens().reloads() == 2, "the file without the old hash is reloaded");
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, refusal(client.withToken(writerToken)), "the removed token is refused");
            assertTrue(sends(client.withToken(next)), "the new token goes on working");
        }
    }

    @Test
    void adminListenerServesHttpsAndAcceptsTheTokenOfAnAdminPrincipalOnly() throws Exception
    {
        final RillConfig config = config(tls(), AuthConfig.tokensFile(tokensFile));
        try (RillServer server = RillServer.start(config.withAdmin(config.admin().withTls(tls()))))
        {
            final SSLContext trust = ((JdkSslContext)ClientTls.trusting(certs.serverCert())).context();
            final HttpClient https = HttpClient.newBuilder().sslContext(trust).connectTimeout(WAIT).build();
            final String base = "https://127.0.0.1:" + server.admin().address().getPort();
            final HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("rill_gateway_tls_handshake_failures_total "), "the pages are served over HTTPS: " +
                metrics.body().lines().filter(l -> l.contains("tls")).toList());

            assertEquals(200, status(https, base, adminToken), "an admin principal's token is accepted on the admin channel");
            assertEquals(401, status(https, base, writerToken), "a principal without the admin flag is not");

            final Path yaml = Files.writeString(dir.resolve("rill.yaml"), "admin:\n  tls:\n    certFile: " + certs.serverCert() +
                "\n    keyFile: " + certs.serverKey() + "\n");
            final CommandRun cli = CommandRun.of("model", "status", "--config", yaml.toString(), "--admin",
                "127.0.0.1:" + server.admin().address().getPort(), "--token-file", dir.resolve("data/admin.token").toString());
            assertEquals(0, cli.status(), "`rill model status` talks HTTPS to a channel with admin.tls: " + cli.err());
            assertTrue(cli.out().contains("fraud"), cli.out());
            final CommandRun slo = CommandRun.of("slo", "--config", yaml.toString(), "--admin", "127.0.0.1:" + server.admin().address().getPort());
            assertEquals(0, slo.status(), "`rill slo` reads /slo over HTTPS too: " + slo.err());

            final HttpClient plain = HttpClient.newBuilder().connectTimeout(WAIT).build();
            assertThrows(java.io.IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.admin().address().getPort() + "/metrics")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString()), "plain HTTP is not served on the HTTPS port");
        }
    }

    private static int status(final HttpClient https, final String base, final String token) throws Exception
    {
        return https.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/status")).header("Authorization", "Bearer " + token).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private boolean sends(final ClientConfig client) throws InterruptedException
    {
        try (RillProducer producer = RillProducer.connect(client.withProducer(0, 0), new Acks()))
        {
            producer.send("payments", 1, System.currentTimeMillis() * 1_000_000L, payment());
            return producer.awaitAllAcknowledged(WAIT);
        }
    }

    private static ErrorCode refusal(final ClientConfig client)
    {
        return assertThrows(RillClientException.class, () -> RillProducer.connect(client, new Acks()).close()).code();
    }

    /** Writes the tokens file atomically (as an operator's editor or config management would). */
    private void writeTokens(final List<String> writerTokens, final List<String> readerTokens) throws Exception
    {
        final String yaml = "principals:\n" +
            "  - name: payments-writer\n    hashes:\n" + hashLines(writerTokens) +
            "    produce: [payments, payment_labels]\n    subscribe: [\"*\"]\n" +
            "  - name: payments-reader\n    hashes:\n" + hashLines(readerTokens) + "    subscribe: [payments]\n" +
            TokensFile.entry("operator", TokenHash.hash(adminToken), List.of(), List.of(), true);
        final Path tmp = Files.createTempFile(dir, "tokens", ".yaml");
        Files.writeString(tmp, yaml);
        Files.move(tmp, tokensFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String hashLines(final List<String> tokens)
    {
        final StringBuilder s = new StringBuilder();
        for (final String t : tokens)
        {
            s.append("      - ").append(TokenHash.hash(t)).append('\n');
        }
        return s.toString();
    }

    private TlsConfig tls()
    {
        return TlsConfig.of(certs.serverCert(), certs.serverKey());
    }

    private RillConfig config(final TlsConfig tls, final AuthConfig auth)
    {
        final RillConfig defaults = RillConfig.defaults(dir.resolve("data"));
        return new RillConfig(defaults.gateway().withPort(0).withSecurity(new GatewaySecurity(tls, auth, false)), defaults.pipeline(),
            defaults.journal(), new ModelConfig(MODEL, "payments", 0.0), defaults.topics());
    }

    private static ClientConfig client(final RillServer server)
    {
        return ClientConfig.of("127.0.0.1", server.address().getPort()).withReconnect(false, null);
    }

    private static double[] payment()
    {
        return new double[FraudFeatures.payments().fields().size()];
    }

    private static void waitUntil(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Collects Nacks as "seq CODE: message". */
    static final class Acks implements AckListener
    {
        final BlockingQueue<String> nacks = new LinkedBlockingQueue<>();

        @Override
        public void onAck(final long seq)
        {
        }

        @Override
        public void onNack(final long seq, final ErrorCode code, final String message)
        {
            nacks.add(seq + " " + code + ": " + message);
        }
    }
}
