package dev.rill.ops.slo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.rill.ops.alert.AlertRule;
import dev.rill.ops.alert.Notification;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunbookTest
{
    /** The ops module's directory is the tests' working directory; the runbooks are beside its sources. */
    private static final Path RUNBOOKS = Path.of("runbooks");
    private static final List<String> SECTIONS = List.of("## What it means", "## Confirm", "## Mitigate", "## Escalate");

    /** @return every alert name the server can raise: the rules it builds from the defaults, and every objective kind's. */
    private static Set<String> alertNames()
    {
        final Set<String> names = new TreeSet<>();
        for (final AlertRule rule : SloAlerting.rules(new SloEvaluator(SloConfig.defaults()), () -> null))
        {
            names.add(rule.name());
        }
        names.add(dev.rill.ops.alert.HotKeyRule.NAME); // added by the server when hotspots: is on (the default)
        for (final ObjectiveKind kind : ObjectiveKind.values())
        {
            names.add(kind.alertName());
        }
        return names;
    }

    @Test
    void everyAlertTheServerCanRaiseHasARunbookWithTheFourSectionsInOrder() throws IOException
    {
        final Set<String> names = alertNames();
        assertTrue(names.containsAll(List.of("slo-latency", "slo-freshness", "slo-correctness", "slo-availability", "disk-full",
            "subscriber-lag", "model-fallback", "model-drift", "producer-fenced")), "the rules built by default: " + names);
        final List<String> problems = new ArrayList<>();
        for (final String name : names)
        {
            final Path file = Path.of(Notification.runbookOf(name).replaceFirst("^ops/", ""));
            if (!Files.isRegularFile(file))
            {
                problems.add(name + ": no " + RUNBOOKS.resolve(name + ".md"));
                continue;
            }
            final List<String> headings = Files.readAllLines(file).stream().filter(l -> l.startsWith("## ")).map(String::strip).toList();
            final List<String> present = headings.stream().filter(SECTIONS::contains).toList();
            if (!present.equals(SECTIONS))
            {
                problems.add(name + ": sections " + present + ", wanted exactly " + SECTIONS + " in that order");
            }
            final String text = Files.readString(file);
            if (!text.contains("rill "))
            {
                problems.add(name + ": names no rill command to mitigate with");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theRunbookIndexLinksEveryAlertsRunbook() throws IOException
    {
        final String index = Files.readString(RUNBOOKS.resolve("README.md"));
        for (final String name : alertNames())
        {
            assertTrue(index.contains("| `" + name + "` |") && index.contains("(" + name + ".md)"), name + " is not in runbooks/README.md");
        }
        assertFalse(alertNames().isEmpty());
    }
}
