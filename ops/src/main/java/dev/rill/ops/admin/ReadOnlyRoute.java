package dev.rill.ops.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Routes a request of the server's HTTP listener: a read-only page (no token: {@code /metrics},
 * {@code /health}, {@code /slo}, the status page) when its exact path is one of the pages, else the
 * token-checked admin API.
 *
 * <p>Pages answer GET and HEAD (405 with {@code Allow} otherwise). A page that throws answers 500
 * with one line and logs the exception: a scrape never sees a stack trace. Pages may run on any of
 * the listener's threads at once, so a {@link Page} must be thread-safe; admin requests are
 * serialised by {@link AdminHandler} itself.
 */
public final class ReadOnlyRoute implements HttpHandler
{
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

    /** One read-only page. */
    @FunctionalInterface
    public interface Page
    {
        /**
         * @param query the request's raw query string, or null.
         * @return the answer to send.
         */
        Answer get(String query) throws IOException;
    }

    /**
     * A page's answer.
     *
     * @param status      HTTP status.
     * @param contentType its Content-Type header.
     * @param body        its bytes.
     */
    public record Answer(int status, String contentType, byte[] body)
    {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        /** @return 200 with the document as JSON (records, lists, maps, numbers, strings). */
        public static Answer json(final Object document) throws IOException
        {
            return new Answer(200, "application/json; charset=utf-8", JSON.writeValueAsBytes(document));
        }

        /** @return 200 with a UTF-8 text body of the given type. */
        public static Answer ok(final String contentType, final String body)
        {
            return new Answer(200, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final HttpHandler admin;
    private final Map<String, Page> pages;

    ReadOnlyRoute(final HttpHandler admin, final Map<String, Page> pages)
    {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.pages = Map.copyOf(pages);
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException
    {
        final Page page = pages.get(exchange.getRequestURI().getPath());
        if (page == null)
        {
            admin.handle(exchange);
            return;
        }
        try (exchange)
        {
            final String method = exchange.getRequestMethod();
            Answer answer;
            if (!"GET".equalsIgnoreCase(method) && !"HEAD".equalsIgnoreCase(method))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                answer = Answer.ok("text/plain; charset=utf-8", "405 method not allowed: " + exchange.getRequestURI().getPath() +
                    " answers GET and HEAD\n");
                answer = new Answer(405, answer.contentType(), answer.body());
            }
            else
            {
                try
                {
                    answer = page.get(exchange.getRequestURI().getRawQuery());
                }
                catch (final RuntimeException | IOException e)
                {
                    LOG.log(System.Logger.Level.ERROR, "HTTP page " + exchange.getRequestURI().getPath() + " failed", e);
                    answer = new Answer(500, "text/plain; charset=utf-8",
                        ("500 internal error: " + e.getClass().getSimpleName() + "; see the server log\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            final boolean head = "HEAD".equalsIgnoreCase(method);
            exchange.sendResponseHeaders(answer.status(), head ? -1 : answer.body().length == 0 ? -1 : answer.body().length);
            if (!head && answer.body().length > 0)
            {
                try (OutputStream body = exchange.getResponseBody())
                {
                    body.write(answer.body());
                }
            }
        }
    }
}
