package dev.rill.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Draws latency percentile distributions (HdrHistogram {@code .hgrm} files, values in microseconds,
 * as {@link LoadGenerator} writes them) into one self-contained HTML page: an inline SVG with one
 * line per file, a legend, and a table of p50 / p99 / p99.9 / max. No JavaScript, no network.
 *
 * <p>The x axis is the percentile on the usual scale of {@code log10(1 / (1 - p))}: 0 %, 90 %, 99 %,
 * 99.9 %, 99.99 % are evenly spaced, so the tail gets the room. The y axis is the latency in µs,
 * logarithmic by default ({@code --linear} for linear). The 100 % row (the max) has no place on that
 * x axis; it is in the legend and the table.
 *
 * <p>Usage: {@code java -cp perf/target/benchmarks.jar dev.rill.perf.PercentilePlot --out plot.html
 * "echo=results/echo-rate.hgrm" "rill=results/rill-rate.hgrm"}. One thread; reads each file once.
 */
@Command(name = "percentile-plot", mixinStandardHelpOptions = true,
    description = "Plot .hgrm percentile distributions into one HTML page with an inline SVG.")
public final class PercentilePlot implements Callable<Integer>
{
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 30;
    private static final int BOTTOM = 60;

    /** One distribution: its label and its (percentile 0..1, value us) rows, the 100 % row left out of {@code points}. */
    record Series(String label, List<double[]> points, double max)
    {
        double at(final double percentile)
        {
            double v = 0;
            for (final double[] p : points)
            {
                v = p[1];
                if (p[0] * 100 >= percentile)
                {
                    break;
                }
            }
            return percentile >= 100 ? max : v;
        }
    }

    @Parameters(paramLabel = "LABEL=FILE", arity = "1..*", description = "A .hgrm file and its name in the legend")
    List<String> inputs;

    @Option(names = "--out", required = true, paramLabel = "HTML", description = "The page to write")
    Path out;

    @Option(names = "--title", defaultValue = "Latency by percentile", description = "Title of the page (default: ${DEFAULT-VALUE})")
    String title;

    @Option(names = "--linear", description = "Linear latency axis instead of logarithmic")
    boolean linear;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new PercentilePlot()).execute(args));
    }

    @Override
    public Integer call() throws IOException
    {
        final List<Series> series = new ArrayList<>();
        for (final String input : inputs)
        {
            final int eq = input.indexOf('=');
            if (eq <= 0)
            {
                throw new CommandLine.ParameterException(new CommandLine(this),
                    "expected LABEL=FILE, found '" + input + "': name each file, e.g. rill=perf/results/x/rill-rate.hgrm");
            }
            series.add(read(input.substring(0, eq), Path.of(input.substring(eq + 1))));
        }
        final Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(out, html(title, series, !linear), StandardCharsets.UTF_8);
        final String name = out.getFileName().toString();
        final Path svgFile = out.resolveSibling((name.endsWith(".html") ? name.substring(0, name.length() - 5) : name) + ".svg");
        Files.writeString(svgFile, standaloneSvg(series, !linear), StandardCharsets.UTF_8);
        System.out.println("percentile-plot: wrote " + out + " and " + svgFile);
        return 0;
    }

    /**
     * Reads HdrHistogram's percentile distribution text (Value, Percentile, TotalCount, 1/(1-Percentile)).
     *
     * @throws IllegalArgumentException when the file has no rows of that form.
     */
    static Series read(final String label, final Path file) throws IOException
    {
        final List<double[]> points = new ArrayList<>();
        double max = 0;
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
        {
            final String[] cells = line.trim().split("\\s+");
            if (cells.length < 3 || cells[0].startsWith("#") || !Character.isDigit(cells[0].charAt(0)))
            {
                continue;
            }
            final double value;
            final double percentile;
            try
            {
                value = Double.parseDouble(cells[0]);
                percentile = Double.parseDouble(cells[1]);
            }
            catch (final NumberFormatException e)
            {
                continue;
            }
            max = Math.max(max, value);
            if (percentile < 1.0)
            {
                points.add(new double[]{percentile, value});
            }
        }
        if (points.isEmpty())
        {
            throw new IllegalArgumentException(file + " has no percentile rows (expected HdrHistogram's outputPercentileDistribution " +
                "text, as LoadGenerator --out writes to .hgrm)");
        }
        return new Series(label, points, max);
    }

    /**
     * @return the plot alone as an SVG document (for pages that embed images, such as a README), with
     *         the page's font settings inside it.
     */
    static String standaloneSvg(final List<Series> series, final boolean logY)
    {
        final StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg(sb, series, logY);
        final String style = "<style>text{font-family:sans-serif;font-size:12px;fill:#222}</style>\n";
        final int endOfOpenTag = sb.indexOf(">", sb.indexOf("<svg")) + 1;
        sb.insert(endOfOpenTag, "\n" + style);
        return sb.toString();
    }

    /** @return the HTML page with the SVG plot of {@code series}. */
    static String html(final String title, final List<Series> series, final boolean logY)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(escape(title))
            .append("</title>\n<style>\nbody{font-family:sans-serif;margin:24px;color:#222}\n")
            .append("table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}\n")
            .append("th:first-child,td:first-child{text-align:left}\nsvg text{font-size:12px;fill:#222}\n</style>\n</head>\n<body>\n<h1>")
            .append(escape(title)).append("</h1>\n");
        svg(sb, series, logY);
        sb.append("<table>\n<tr><th>series</th><th>p50 µs</th><th>p90 µs</th><th>p99 µs</th><th>p99.9 µs</th><th>p99.99 µs</th>")
            .append("<th>max µs</th></tr>\n");
        for (final Series s : series)
        {
            sb.append("<tr><td>").append(escape(s.label())).append("</td>");
            for (final double p : new double[]{50, 90, 99, 99.9, 99.99, 100})
            {
                sb.append(String.format(Locale.ROOT, "<td>%.1f</td>", s.at(p)));
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n<p>x: percentile on a log10(1/(1&#8722;p)) scale; y: latency in µs, ")
            .append(logY ? "logarithmic" : "linear").append(". The max (100 %) is in the legend.</p>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static void svg(final StringBuilder sb, final List<Series> series, final boolean logY)
    {
        double xMax = 2; // at least 99 %
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (final Series s : series)
        {
            for (final double[] p : s.points())
            {
                xMax = Math.max(xMax, x(p[0]));
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        xMax = Math.ceil(xMax - 1e-9);
        final double lo;
        final double hi;
        if (logY)
        {
            lo = Math.pow(10, Math.floor(Math.log10(Math.max(yMin, 0.1))));
            hi = niceCeiling(Math.max(yMax, lo * 10));
        }
        else
        {
            lo = 0;
            hi = niceCeiling(Math.max(yMax, 1));
        }
        final int plotW = WIDTH - LEFT - RIGHT;
        final int plotH = HEIGHT - TOP - BOTTOM;
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " +
            "role=\"img\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#888\"/>\n",
            LEFT, TOP, plotW, plotH));
        // x grid: 0 %, 90 %, 99 %, ...
        for (int d = 0; d <= (int)xMax; d++)
        {
            final double px = LEFT + plotW * d / xMax;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", px, TOP, px, TOP + plotH));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", px, TOP + plotH + 18,
                percentLabel(d)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>\n", LEFT + plotW / 2,
            HEIGHT - 12));
        // y grid
        final List<Double> ticks = new ArrayList<>();
        if (logY)
        {
            for (double decade = lo; decade <= hi * 1.0001; decade *= 10)
            {
                for (final int m : new int[]{1, 2, 5})
                {
                    if (decade * m <= hi * 1.0001)
                    {
                        ticks.add(decade * m);
                    }
                }
            }
        }
        else
        {
            final double step = hi / 5;
            for (int i = 0; i <= 5; i++)
            {
                ticks.add(step * i);
            }
        }
        for (final double t : ticks)
        {
            final double py = y(t, lo, hi, logY, plotH);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>\n", LEFT, py,
                LEFT + plotW, py));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6, py + 4, number(t)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">" +
            "latency (µs)</text>\n", TOP + plotH / 2, TOP + plotH / 2));
        // one path per series
        for (int i = 0; i < series.size(); i++)
        {
            final Series s = series.get(i);
            final String colour = COLOURS[i % COLOURS.length];
            sb.append("<path class=\"series\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" d=\"");
            char op = 'M';
            for (final double[] p : s.points())
            {
                sb.append(String.format(Locale.ROOT, "%c%.1f %.1f ", op, LEFT + plotW * x(p[0]) / xMax, y(p[1], lo, hi, logY, plotH)));
                op = 'L';
            }
            sb.setLength(sb.length() - 1);
            sb.append("\"><title>").append(escape(s.label())).append("</title></path>\n");
        }
        // legend, top left inside the plot
        for (int i = 0; i < series.size(); i++)
        {
            final Series s = series.get(i);
            final int ly = TOP + 16 + i * 18;
            sb.append(String.format(Locale.ROOT, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>" +
                    "<text x=\"%d\" y=\"%d\">%s (max %s µs)</text></g>\n", LEFT + 10, ly - 4, COLOURS[i % COLOURS.length], LEFT + 30, ly,
                escape(s.label()), number(s.max())));
        }
        sb.append("</svg>\n");
    }

    /** The x position of a percentile (0..1): log10(1 / (1 - p)). */
    static double x(final double percentile)
    {
        return Math.log10(1 / (1 - Math.min(percentile, 1 - 1e-12)));
    }

    private static double y(final double v, final double lo, final double hi, final boolean logY, final int plotH)
    {
        final double f = logY ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        return TOP + plotH * (1 - Math.max(0, Math.min(1, f)));
    }

    /** 0 → "0%", 1 → "90%", 2 → "99%", 3 → "99.9%", ... */
    static String percentLabel(final int nines)
    {
        return String.format(Locale.ROOT, "%." + Math.max(0, nines - 2) + "f%%", 100 - 100 / Math.pow(10, nines));
    }

    private static double niceCeiling(final double v)
    {
        final double decade = Math.pow(10, Math.floor(Math.log10(v)));
        for (final int m : new int[]{1, 2, 5, 10})
        {
            if (decade * m >= v)
            {
                return decade * m;
            }
        }
        return decade * 10;
    }

    private static String number(final double v)
    {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
