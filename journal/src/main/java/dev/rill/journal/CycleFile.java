package dev.rill.journal;

import java.nio.file.Path;

/**
 * One roll-cycle file of a journal, as found in its directory.
 *
 * @param cycle the roll cycle (for daily cycles, days since the epoch); indexes in it are {@code cycle << 32 | sequence} for the FAST_ cycles.
 * @param path  the {@code .cq4} file.
 */
record CycleFile(int cycle, Path path)
{
}
