package dev.rill.ops.slo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders an {@link SloReport} as the terminal table of {@code rill slo}: one row per objective
 * with its target, current value and budget left over the budget period, its burn rate in every
 * window, and its state ({@code ok}, or the most urgent firing severity and the burn alerts that
 * fire), then what each objective promises and how the alerts are set. Stateless; any thread.
 */
public final class SloText
{
    private SloText()
    {
    }

    /**
     * @param report what the server answered on {@code /slo}.
     * @param source where it came from ("127.0.0.1:7390"), for the heading.
     * @return the text, lines ending in '\n'.
     */
    public static String render(final SloReport report, final String source)
    {
        final StringBuilder out = new StringBuilder();
        out.append("SLOs of the bus at ").append(source);
        if (report.time() == null)
        {
            out.append(": not evaluated yet (the first telemetry interval has not ended)\n");
        }
        else
        {
            out.append(", as of ").append(report.time()).append(" (windows hold what happened since ").append(report.since())
                .append("; budget period ").append(report.budgetPeriod()).append(")\n");
        }
        if (report.objectives().isEmpty())
        {
            return out.append("no objectives are configured (slo.objectives in rill.yaml)\n").toString();
        }
        final List<String[]> rows = new ArrayList<>();
        final List<String> header = new ArrayList<>(List.of("objective", "target", "current", "budget left"));
        for (int i = 0; i < report.windows().size(); i++)
        {
            header.add((i == 0 ? "burn " : "") + report.windows().get(i));
        }
        header.add("state");
        rows.add(header.toArray(new String[0]));
        for (final SloReport.ObjectiveStatus s : report.objectives())
        {
            final List<String> row = new ArrayList<>();
            row.add(s.name());
            row.add(SloConfig.percent(s.targetPercent()));
            row.add(s.currentPercent() == null ? "-" : current(s.currentPercent()));
            row.add(String.format(Locale.ROOT, "%.1f%%", s.errorBudgetLeftPercent()));
            for (final SloReport.WindowStatus w : s.windows())
            {
                row.add(w.total() == 0 ? "-" : rate(w.burnRate()));
            }
            row.add(s.alerting() ? s.severity().configName().toUpperCase(Locale.ROOT) + " " + String.join(", ", s.firing()) : "ok");
            rows.add(row.toArray(new String[0]));
        }
        table(out, rows);
        out.append('\n');
        for (final SloReport.ObjectiveStatus s : report.objectives())
        {
            out.append("  ").append(s.name()).append(": ").append(s.objective()).append('\n');
        }
        out.append("burn rate = error ratio / (1 - target): 1 spends the budget exactly over ").append(report.budgetPeriod());
        if (!report.burnAlerts().isEmpty())
        {
            out.append("; alerts when both windows burn faster than:");
            for (final SloReport.BurnAlertView b : report.burnAlerts())
            {
                out.append(' ').append(b.longWindow()).append('/').append(b.shortWindow()).append(" > ").append(trim(b.burnRate()))
                    .append(" (").append(b.severity()).append(')');
            }
        }
        return out.append('\n').toString();
    }

    private static void table(final StringBuilder out, final List<String[]> rows)
    {
        final int columns = rows.get(0).length;
        final int[] width = new int[columns];
        for (final String[] row : rows)
        {
            for (int c = 0; c < columns; c++)
            {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++)
            {
                final boolean left = c == 0 || c == columns - 1;
                final String cell = row[c];
                if (c > 0)
                {
                    line.append("  ");
                }
                if (left)
                {
                    line.append(cell).append(" ".repeat(c == columns - 1 ? 0 : width[c] - cell.length()));
                }
                else
                {
                    line.append(" ".repeat(width[c] - cell.length())).append(cell);
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String current(final double percent)
    {
        // Enough digits to tell 99.95 % from 99.9 %, never a misleading 100 %.
        final String s = String.format(Locale.ROOT, "%.3f", Math.min(percent, 99.999)).replaceAll("0+$", "").replaceAll("\\.$", "");
        return (percent >= 100.0 ? "100" : s) + "%";
    }

    private static String rate(final double burn)
    {
        return burn >= 100 ? String.format(Locale.ROOT, "%.0f", burn) : String.format(Locale.ROOT, "%.2f", burn);
    }

    private static String trim(final double rate)
    {
        return rate == Math.rint(rate) ? Long.toString((long)rate) : Double.toString(rate);
    }
}
