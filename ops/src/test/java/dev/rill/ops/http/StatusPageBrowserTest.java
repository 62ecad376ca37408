package dev.rill.ops.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import dev.rill.ops.RillServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The status page in a real browser: Debian's Chromium, headless, driven by Selenium through
 * Debian's chromedriver (both named explicitly, so Selenium never looks for a browser to download),
 * against a real server with a real producer. Fails, rather than skips, when Chromium is missing.
 */
class StatusPageBrowserTest
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int LOAD_PER_SECOND = 5000;

    @TempDir
    Path dir;

    @Test
    void thePageShowsLiveNumbersAndItsThroughputAndPlotFollowTheLoad() throws Exception
    {
        requireChromium();
        try (RillServer server = PageFixture.start(dir.resolve("data")))
        {
            final WebDriver browser = chromium(dir.resolve("chromium-profile"));
            try
            {
                browser.get(PageFixture.uri(server, "/").toString());
                assertEquals("Rill status", browser.getTitle());

                // Loaded and live: the first telemetry interval arrives within a second or so.
                awaitText(browser, "health-live", "ok"::equals, "the server is live");
                awaitText(browser, "health-ready", "ok"::equals, "the server is ready");
                awaitText(browser, "throughput", "0"::equals, "an idle server publishes 0 events/s");
                assertEquals(String.format(java.util.Locale.US, "%,d", server.config().pipeline().ringSize()),
                    text(browser, "ring-capacity"));
                assertTrue(text(browser, "model-active").startsWith("fraud/1"), text(browser, "model-active"));
                awaitText(browser, "slo", t -> t.contains("latency-5ms") && t.contains("freshness-1s") && t.contains("correctness") &&
                    t.contains("availability"), "the four default objectives from /slo");
                assertTrue(text(browser, "hotkeys").startsWith("no hot keys"), "an idle server has none: " + text(browser, "hotkeys"));
                assertTrue(text(browser, "alerts").startsWith("no recent alerts"), text(browser, "alerts"));
                assertEquals(0, dataPoints(browser, "plot-p99"), "nothing published yet: nothing to plot");
                assertEquals(0, server.admin().unauthorizedCount(), "the page asks only for pages the server serves");

                // Load: the throughput rises to about the offered rate and the plot draws the latencies.
                final AtomicBoolean loading = new AtomicBoolean(true);
                final AtomicLong sent = new AtomicLong();
                final Thread load = new Thread(() -> offer(server, loading, sent), "status-page-load");
                load.start();
                try
                {
                    awaitText(browser, "throughput", t -> number(t) >= LOAD_PER_SECOND / 2,
                        "throughput near the offered " + LOAD_PER_SECOND + " events/s");
                    awaitDom(browser, b -> dataPoints(b, "plot-p99") >= 2 && dataPoints(b, "plot-throughput") >= 2,
                        "the plots draw the intervals with load");
                    assertTrue(text(browser, "p99").matches("[0-9.]+ (µs|ms|s)"), "a p99 with its unit: " + text(browser, "p99"));
                    assertTrue(!browser.findElement(By.id("plot-p99")).getAttribute("d").isEmpty(), "the p99 line has a path");
                }
                finally
                {
                    loading.set(false);
                    load.join(TimeUnit.SECONDS.toMillis(30));
                }
                final long plotted = dataPoints(browser, "plot-p99");

                // Load stopped: the throughput falls back to 0; the plot keeps what it drew.
                awaitText(browser, "throughput", "0"::equals, "throughput back to 0 once the load stopped");
                assertTrue(dataPoints(browser, "plot-p99") >= plotted, "the history is kept");
                assertTrue(sent.get() > 0);
                awaitText(browser, "totals", t -> t.contains("published " + String.format(java.util.Locale.US, "%,d",
                    server.publish().published())), "totals show every published event");
            }
            finally
            {
                browser.quit();
            }
        }
    }

    private static void requireChromium()
    {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER))
        {
            fail("the status page's browser test needs Debian's Chromium and ChromeDriver at " + CHROMIUM + " and " +
                CHROMEDRIVER + "; install them (as root) with `apt-get update && apt-get install -y chromium chromium-driver`");
        }
    }

    private static WebDriver chromium(final Path profile)
    {
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--user-data-dir=" + profile.toAbsolutePath());
        return new ChromeDriver(service, options);
    }

    /** Offers LOAD_PER_SECOND payments per second, in steps of 10 ms, until told to stop. */
    private static void offer(final RillServer server, final AtomicBoolean loading, final AtomicLong sent)
    {
        final long stepNanos = TimeUnit.MILLISECONDS.toNanos(10);
        final int perStep = LOAD_PER_SECOND / 100;
        try (PageFixture.CountingProducer producer = new PageFixture.CountingProducer(server, 11))
        {
            long next = System.nanoTime();
            while (loading.get())
            {
                for (int i = 0; i < perStep; i++)
                {
                    producer.sendPayment(sent.incrementAndGet());
                }
                next += stepNanos;
                final long wait = next - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(wait); // pacing the offered load, not waiting for an outcome
                }
            }
        }
    }

    private static String text(final WebDriver browser, final String id)
    {
        return browser.findElement(By.id(id)).getText();
    }

    private static long dataPoints(final WebDriver browser, final String id)
    {
        return Long.parseLong(browser.findElement(By.id(id)).getAttribute("data-points"));
    }

    private static double number(final String text)
    {
        try
        {
            return Double.parseDouble(text.replace(",", ""));
        }
        catch (final NumberFormatException e)
        {
            return Double.NaN;
        }
    }

    private static void awaitText(final WebDriver browser, final String id, final Predicate<String> expected, final String what)
    {
        awaitDom(browser, b -> expected.test(text(b, id)), what + " (#" + id + ")");
    }

    /** Polls the DOM, parking between looks, until the condition holds; fails after 30 s with what the page shows. */
    private static void awaitDom(final WebDriver browser, final Predicate<WebDriver> condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            try
            {
                if (condition.test(browser))
                {
                    return;
                }
            }
            catch (final WebDriverException e)
            {
                // an element being replaced while read: look again
            }
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting for " + what + "; the page shows: throughput=" + text(browser, "throughput") +
                    ", p99=" + text(browser, "p99") + ", updated=" + text(browser, "updated") + ", error=" +
                    browser.findElement(By.id("conn-error")).getText());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
