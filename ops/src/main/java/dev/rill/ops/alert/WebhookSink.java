package dev.rill.ops.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * POSTs each notification's JSON ({@link Notification}) to a URL with the JDK's HttpClient
 * ({@code Content-Type: application/json}). A 2xx answer is delivered. A connection failure, a
 * timeout, 408, 429 or a 5xx is retried up to {@code retries} times, waiting {@code backoff},
 * then twice that, and so on; any other answer (a 4xx: the receiver refuses this request) is not
 * retried. Every failure is logged with the URL and why; the body is never logged twice.
 *
 * <p>Thread: the alerts thread (the waits between retries park it, holding up later
 * notifications, never the telemetry thread). The HttpClient's own threads are daemons.
 */
public final class WebhookSink implements AlertSink
{
    private static final System.Logger LOG = System.getLogger(WebhookSink.class.getName());

    /**
     * {@code alerts.sinks.webhook}.
     *
     * @param url     where to POST, http or https.
     * @param timeout how long one attempt may take (connect and answer).
     * @param retries attempts after the first, 0 to 10.
     * @param backoff wait before the first retry; doubles for each further one.
     */
    public record Config(URI url, Duration timeout, int retries, Duration backoff)
    {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        public static final int DEFAULT_RETRIES = 3;
        public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);

        public Config
        {
            final String scheme = url == null ? null : url.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || url.getHost() == null)
            {
                throw dev.rill.bus.ConfigException.invalid("alerts.sinks.webhook.url", url, "an http:// or https:// URL with a host");
            }
            if (timeout == null || timeout.toMillis() < 1)
            {
                throw dev.rill.bus.ConfigException.invalid("alerts.sinks.webhook.timeout", timeout, "a duration of at least 1ms, e.g. 5s");
            }
            if (retries < 0 || retries > 10)
            {
                throw dev.rill.bus.ConfigException.invalid("alerts.sinks.webhook.retries", retries, "0 to 10");
            }
            if (backoff == null || backoff.isNegative())
            {
                throw dev.rill.bus.ConfigException.invalid("alerts.sinks.webhook.backoff", backoff, "a duration, e.g. 1s");
            }
        }
    }

    private final Config config;
    private final HttpClient http;

    public WebhookSink(final Config config)
    {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.timeout()).build();
    }

    @Override
    public String name()
    {
        return "webhook";
    }

    @Override
    public boolean send(final Notification n, final byte[] json)
    {
        final HttpRequest request = HttpRequest.newBuilder(config.url())
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
        long wait = config.backoff().toNanos();
        String failure = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++)
        {
            if (attempt > 0 && !pause(wait))
            {
                break;
            }
            if (attempt > 0)
            {
                wait = Math.min(wait * 2, TimeUnit.MINUTES.toNanos(5));
            }
            try
            {
                final HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                final int status = response.statusCode();
                if (status / 100 == 2)
                {
                    return true;
                }
                failure = "HTTP " + status;
                if (status / 100 == 4 && status != 408 && status != 429)
                {
                    LOG.log(System.Logger.Level.WARNING, "alert webhook " + config.url() + " refused the notification of " + n.key() +
                        " with HTTP " + status + "; not retried: check the receiver's configuration (the JSON it gets is in the " +
                        "README, 'SLOs and alerts')");
                    return false;
                }
            }
            catch (final IOException e)
            {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                failure = "interrupted (the server is stopping)";
                break;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "alert webhook " + config.url() + ": could not deliver the notification of " + n.key() +
            " (" + n.state() + ") after " + (config.retries() + 1) + " attempts, last: " + failure + "; is the receiver up? " +
            "The alert is still in the log and on /alerts");
        return false;
    }

    /** Parks for {@code nanos}; false when interrupted (the dispatcher is closing). */
    private static boolean pause(final long nanos)
    {
        final long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0)
        {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted())
            {
                return false;
            }
            left = deadline - System.nanoTime();
        }
        return true;
    }
}
