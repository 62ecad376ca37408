package dev.rill.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The percentile plot page from .hgrm files as the load generator writes them. */
class PercentilePlotTest
{
    @TempDir
    Path dir;

    private Path hgrm(final String name, final long fromNanos, final long toNanos) throws Exception
    {
        final Histogram h = new Histogram(AckRecorder.HIGHEST_NANOS, 3);
        for (long v = fromNanos; v <= toNanos; v += (toNanos - fromNanos) / 10_000)
        {
            h.recordValue(v);
        }
        final Path file = dir.resolve(name + ".hgrm");
        Files.writeString(file, LoadReport.percentileDistribution(h));
        return file;
    }

    @Test
    void drawsOnePathPerFileWithItsLegendAndNoScript() throws Exception
    {
        final Path echo = hgrm("echo", 20_000, 200_000);
        final Path rill = hgrm("rill", 80_000, 2_000_000);
        final Path sub = hgrm("sub", 100_000, 3_000_000);
        final Path page = dir.resolve("out/plot.html");

        final int exit = new CommandLine(new PercentilePlot()).execute("--out", page.toString(), "--title", "echo <vs> rill",
            "echo=" + echo, "rill ack=" + rill, "rill subscriber=" + sub);

        assertEquals(0, exit);
        final String html = Files.readString(page);
        assertEquals(3, count(html, "<path class=\"series\""), "one line per input");
        assertEquals(3, count(html, "<g class=\"legend\">"), "one legend entry per input");
        assertTrue(html.contains(">echo (max 200 µs)</text>"), "legend: label and max");
        assertTrue(html.contains(">rill ack (max 2,0"), "legend: label and max (within the histogram's precision)");
        assertTrue(html.contains(">rill subscriber (max 3,0"), "legend: label and max");
        assertTrue(html.contains("echo &lt;vs&gt; rill"), "the title is escaped");
        for (final String tick : new String[]{">0%<", ">90%<", ">99%<", ">99.9%<", ">99.99%<"})
        {
            assertTrue(html.contains(tick), "x tick " + tick);
        }
        assertFalse(html.contains("<script"), "no JavaScript");
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"), "no network");

        final String svg = Files.readString(dir.resolve("out/plot.svg"));
        assertTrue(svg.startsWith("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "a standalone SVG beside the page");
        assertEquals(3, count(svg, "<path class=\"series\""), "the same lines in the SVG");
        assertTrue(svg.indexOf("<style>") > svg.indexOf("<svg"), "its font settings inside the svg element");
    }

    @Test
    void percentileAxisIsEvenInNines()
    {
        assertEquals(0, PercentilePlot.x(0), 1e-9);
        assertEquals(1, PercentilePlot.x(0.9), 1e-9);
        assertEquals(3, PercentilePlot.x(0.999), 1e-9);
        assertEquals("99.99%", PercentilePlot.percentLabel(4));
    }

    @Test
    void refusesAFileWithoutPercentileRows() throws Exception
    {
        final Path bad = dir.resolve("bad.hgrm");
        Files.writeString(bad, "not a histogram\n");

        final int exit = new CommandLine(new PercentilePlot()).execute("--out", dir.resolve("p.html").toString(), "bad=" + bad);

        assertTrue(exit != 0);
        assertFalse(Files.exists(dir.resolve("p.html")));
    }

    private static int count(final String s, final String what)
    {
        final Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }
}
