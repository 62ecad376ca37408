package dev.rill.perf.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Comparison} as the gate's table: figure, baseline ratio, now, change %, band,
 * verdict; as aligned text for the terminal and as a Markdown table. Stateless.
 */
public final class GateTable
{
    private static final String[] HEADER = {"figure", "baseline", "now", "change", "band", "verdict"};

    private GateTable()
    {
    }

    /** @return the table as aligned plain text, with each MISSING figure's reason below it. */
    public static String text(final Comparison comparison)
    {
        final List<String[]> lines = cells(comparison);
        final int[] width = new int[HEADER.length];
        for (final String[] line : lines)
        {
            for (int i = 0; i < line.length; i++)
            {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        final StringBuilder out = new StringBuilder();
        for (int l = 0; l < lines.size(); l++)
        {
            final String[] line = lines.get(l);
            for (int i = 0; i < line.length; i++)
            {
                final boolean left = i == 0 || i == line.length - 1;
                final String pad = " ".repeat(width[i] - line[i].length());
                out.append(left ? line[i] + pad : pad + line[i]).append(i < line.length - 1 ? "  " : "");
            }
            out.setLength(out.toString().stripTrailing().length());
            out.append('\n');
            if (l > 0)
            {
                final Comparison.Row row = comparison.rows().get(l - 1);
                if (!row.note().isEmpty())
                {
                    out.append("    ").append(row.note()).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** @return the table in Markdown, notes in the verdict column. */
    public static String markdown(final Comparison comparison)
    {
        final List<String[]> lines = cells(comparison);
        final StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | --- |\n");
        for (int l = 1; l < lines.size(); l++)
        {
            final String[] line = lines.get(l).clone();
            final String note = comparison.rows().get(l - 1).note();
            if (!note.isEmpty())
            {
                line[line.length - 1] += ": " + note;
            }
            out.append("| ").append(String.join(" | ", line)).append(" |\n");
        }
        return out.toString();
    }

    private static List<String[]> cells(final Comparison comparison)
    {
        final List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        for (final Comparison.Row row : comparison.rows())
        {
            lines.add(new String[] {
                row.name(),
                ratio(row.baseline()),
                ratio(row.now().ratio()),
                Double.isNaN(row.changePct()) ? "-" : String.format(Locale.ROOT, "%+.1f %%", row.changePct()),
                "±" + row.bandPct() + " %",
                row.verdict().label()});
        }
        return lines;
    }

    private static String ratio(final double ratio)
    {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.3f", ratio);
    }
}
