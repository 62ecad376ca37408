package dev.rill.journal.verify;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of verifying one journal, or part of it.
 *
 * @param journal        journal name.
 * @param files          what was found in each file scanned.
 * @param recordsChecked records whose checksum matched and whose layout was then checked.
 * @param problems       every problem found, in journal order (notes included, see
 *                       {@link JournalProblem.Kind#damaged()}).
 */
public record JournalVerification(String journal, List<CycleFileSummary> files, long recordsChecked, List<JournalProblem> problems)
{
    /** @return true when any record is lost, corrupt or undecodable. */
    public boolean damaged()
    {
        return problems.stream().anyMatch(p -> p.kind().damaged());
    }

    /** @return the problems that make the journal damaged (no notes). */
    public List<JournalProblem> damage()
    {
        return problems.stream().filter(p -> p.kind().damaged()).toList();
    }

    /** @return names of the files with damage, in journal order. */
    public Set<String> damagedFiles()
    {
        final Set<String> names = new LinkedHashSet<>();
        for (final JournalProblem p : damage())
        {
            names.add(p.file());
        }
        return names;
    }
}
