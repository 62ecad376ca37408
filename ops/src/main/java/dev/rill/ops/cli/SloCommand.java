package dev.rill.ops.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rill.ops.admin.AdminException;
import dev.rill.ops.admin.AdminExitCode;
import dev.rill.ops.slo.SloAlerting;
import dev.rill.ops.slo.SloReport;
import dev.rill.ops.slo.SloText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rill slo}: the running server's SLOs as a table ({@link SloText}) or, with {@code --json},
 * the {@code /slo} document as the server sent it (indented). Finds the server the way
 * {@code rill model status} does ({@code --config}, {@code --admin}); {@code /slo} needs no token.
 * Exit status 0 when the server answered, 69 when none answers, 76 when the answer is not a
 * {@code /slo} document, 20 for a bad {@code --config}, 64 for a bad command line.
 */
@Command(name = "slo", mixinStandardHelpOptions = true,
    description = {"Show the running server's SLOs: target, current value and error budget left over the budget period, "
        + "burn rate per window, and which burn-rate alerts fire.",
        "Reads /slo from the admin channel's address (admin: in rill.yaml); no token needed. "
            + "Exit status 0 answered, 69 no server, 76 not a Rill /slo answer, 20 bad --config, 64 bad command line."})
final class SloCommand implements Callable<Integer>
{
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a newer server may add fields
        .enable(SerializationFeature.INDENT_OUTPUT)
        .build();

    @Spec
    CommandSpec spec;

    @Mixin
    ModelCommand.AdminOptions admin;

    @Option(names = "--json", description = "The /slo document as the server sent it (indented)")
    boolean json;

    @Override
    public Integer call()
    {
        try
        {
            final ModelCommand.AdminOptions.Endpoint endpoint = admin.endpoint(spec);
            final String where = (endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host()) + ":" + endpoint.port();
            final String body = fetch(where, endpoint.tls());
            final SloReport report;
            try
            {
                report = JSON.readValue(body, SloReport.class);
            }
            catch (final JsonProcessingException e)
            {
                throw new AdminException(AdminExitCode.ADMIN_PROTOCOL, "the server on " + where + " answered " + SloAlerting.SLO_PATH +
                    " with something that is not an SLO document (" + e.getOriginalMessage().lines().findFirst().orElse("") +
                    "); is another program listening there, or a different rill version?", e);
            }
            if (json)
            {
                System.out.println(JSON.writeValueAsString(JSON.readTree(body)));
            }
            else
            {
                System.out.print(SloText.render(report, where));
            }
            System.out.flush();
            return 0;
        }
        catch (final AdminException e)
        {
            final PrintWriter err = spec.commandLine().getErr();
            err.println("rill: " + e.code() + ": " + e.getMessage());
            if (System.getenv("RILL_DEBUG") != null)
            {
                e.printStackTrace(err);
            }
            err.flush();
            return e.code().status();
        }
        catch (final JsonProcessingException e)
        {
            throw new IllegalStateException("cannot write the SLO document as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String fetch(final String where, final dev.rill.gateway.tls.TlsConfig tls)
    {
        final HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT);
        if (tls != null)
        {
            // admin.tls: trust the server's own certificate file, as `rill model` does.
            builder.sslContext(((io.netty.handler.ssl.JdkSslContext)dev.rill.gateway.client.ClientTls.trusting(tls.certFile())).context());
        }
        final HttpClient http = builder.build();
        final HttpRequest request = HttpRequest.newBuilder(URI.create((tls == null ? "http://" : "https://") + where + SloAlerting.SLO_PATH))
            .timeout(READ_TIMEOUT).header("Accept", "application/json").GET().build();
        final HttpResponse<String> response;
        try
        {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        catch (final ConnectException | HttpConnectTimeoutException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "no Rill server is listening on " + where +
                " (the admin channel, which serves " + SloAlerting.SLO_PATH + "); start it with `rill serve`, or pass " +
                "--config with the server's configuration or --admin HOST:PORT", e);
        }
        catch (final HttpTimeoutException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "the Rill server on " + where + " did not answer " +
                SloAlerting.SLO_PATH + " within " + READ_TIMEOUT.toSeconds() + " s; is it overloaded or stopped (SIGSTOP)?", e);
        }
        catch (final IOException e)
        {
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "lost the connection to " + where + " while reading " +
                SloAlerting.SLO_PATH + ": " + e.getMessage() + "; check that the server still runs", e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminExitCode.ADMIN_UNREACHABLE, "interrupted while waiting for " + where, e);
        }
        if (response.statusCode() != 200)
        {
            throw new AdminException(AdminExitCode.ADMIN_PROTOCOL, "the server on " + where + " answered " + SloAlerting.SLO_PATH +
                " with HTTP " + response.statusCode() + (response.statusCode() == 404 || response.statusCode() == 401 ?
                ": it serves no SLOs (a rill older than `rill slo`, or another program on that port)" : "; see the server log"));
        }
        return response.body();
    }
}
