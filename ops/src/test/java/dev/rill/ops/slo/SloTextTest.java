package dev.rill.ops.slo;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SloTextTest
{
    @Test
    void aBurningObjectiveShowsItsSeverityAndFiringWindowsAndABlownBudget()
    {
        final SyntheticTicks bus = new SyntheticTicks(SloConfig.defaults().withObjectives(List.of(
            Objective.correctness(99.9, EnumSet.of(CorrectnessCause.FALLBACK)), Objective.availability(99.95))), Duration.ofSeconds(10));
        bus.run(Duration.ofHours(1), 1000, 0).run(Duration.ofMinutes(15), 1000, 100);
        final List<String> lines = SloText.render(bus.slo.report(), "127.0.0.1:7390").lines().toList();
        assertTrue(lines.get(0).startsWith("SLOs of the bus at 127.0.0.1:7390, as of 2027-01-15T09:15:00Z"), lines.get(0));
        // 15 min at 10 % in 75 min: 2 % bad against 0.1 % allowed; the 30m and 1h windows hold their last 29.5 and 59.5 min.
        assertTrue(lines.get(2).matches("correctness +99\\.9% +98% +-1900\\.0% +100 +50\\.\\d\\d +25\\.\\d\\d +20\\.00 +20\\.00 " +
            "+PAGE 1h/5m, 6h/30m"), lines.get(2));
        assertTrue(lines.get(3).matches("availability +99\\.95% +100% +100\\.0%( +0\\.00){5} +ok"), lines.get(3));
        assertTrue(lines.get(5).equals("  correctness: 99.9% of events not scored by fallback"), lines.get(5));
    }

    @Test
    void beforeTheFirstIntervalItSaysSo()
    {
        final String text = SloText.render(new SloEvaluator(SloConfig.defaults()).report(), "127.0.0.1:7390");
        assertTrue(text.startsWith("SLOs of the bus at 127.0.0.1:7390: not evaluated yet"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("latency-5ms +99% +- +100\\.0%( +-){5} +ok")), text);
        assertEquals("no objectives are configured (slo.objectives in rill.yaml)",
            SloText.render(new SloEvaluator(SloConfig.defaults().withObjectives(List.of())).report(), "x").lines().toList().get(1));
    }
}
